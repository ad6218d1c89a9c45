/* test_report_settings.c: the `reports` group of catalog.conf read for real
 * and obeyed. A copy of the shipped catalog with other values
 * (max_age_days = 7, resend_window_hours = 2, diacritics = true) is loaded
 * and messages go through dispatch_message() against a temporary database:
 * a date older than the configured window is refused and one inside it
 * stored; the same text again within the window gets the same receipt and
 * after it a new report; receipts are in accented Vietnamese and still one
 * SMS (70 UCS-2 characters), or unaccented when that would not fit; problem
 * replies stay unaccented. Plus the shipped values and a window of 0. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "conf.h"
#include "dispatch.h"
#include "lang/reply.h"
#include "store/store.h"
#include "store/store_users.h"

static struct store *db;
static struct catalog *cat;
static struct tinbao_conf conf;
static char dir[64];
static int64_t now = 1795575600;	/* 2026-11-25 10:00 in Hà Nội */
static int64_t next_id = 100;

#define CTV "+84912000001"	/* Vô Tranh, Thôn 3 */

/* The shipped catalog.conf with each `from` line replaced by `to`. */
static int load_catalog_with(const char *const *from, const char *const *to, int n, struct catalog **out)
{
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char path[512], why[300];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root);
	FILE *f = fopen(path, "r");
	CHECKF(f != NULL, "cannot open %s", path);
	if (!f)
		return -1;
	snprintf(path, sizeof path, "%s/catalog.conf", dir);
	FILE *w = fopen(path, "w");
	char line[1024];
	int replaced = 0;
	while (w && fgets(line, sizeof line, f)) {
		int k = 0;
		while (k < n && !strstr(line, from[k]))
			k++;
		if (k < n) {
			fprintf(w, "  %s\n", to[k]);
			replaced++;
		} else {
			fputs(line, w);
		}
	}
	fclose(f);
	if (w)
		fclose(w);
	CHECKF(replaced == n, "replaced %d of %d settings lines", replaced, n);
	int rc = catalog_load(out, path, why, sizeof why);
	CHECKF(rc == 0, "catalog_load: %s", why);
	return rc;
}

static int count(const char *sql)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

/* Sends text from CTV at `now` and returns the reply queued for it. */
static const char *sms(const char *text)
{
	static char reply[512];
	int64_t id = next_id++;
	struct inbound_msg m = { id, CTV, PHONE_E164, text, now, now - 5, false };
	struct dispatch_env env = { db, cat, &conf, now };
	store_begin(db);
	int rc = dispatch_message(&env, &m);
	CHECK(rc == 0);
	if (rc < 0)
		store_rollback(db);
	else
		store_commit(db);
	reply[0] = 0;
	sqlite3_stmt *st = store_prepare(db, "SELECT text FROM outbox WHERE origin_msg_id = ?1 AND slot = 'reply'");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(reply, sizeof reply, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	CHECKF(reply_fits_one(reply), "over one SMS: %s", reply);
	return reply;
}

/* The reference in "Đã nhận K7QD: ..." / "Da nhan K7QD: ...". */
static void ref_of(const char *reply, char *ref)
{
	const char *p = strchr(reply, ':');
	ref[0] = 0;
	if (p && p - reply >= 4) {
		memcpy(ref, p - 4, 4);
		ref[4] = 0;
	}
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tinbao-settings-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	char path[128], why[300];
	snprintf(path, sizeof path, "%s/t.db", dir);
	int rc = store_open(&db, path, false, why, sizeof why);
	CHECKF(rc == 0, "store_open: %s", why);
	static const char *const from[] = { "max_age_days = ", "resend_window_hours = ", "diacritics = " };
	static const char *const to[] = { "max_age_days = 7;", "resend_window_hours = 2;", "diacritics = true;" };
	if (load_catalog_with(from, to, 3, &cat) < 0)
		exit(1);
	memset(&conf, 0, sizeof conf);
	conf.country = "+84";
	conf.timezone = "Asia/Ho_Chi_Minh";
	conf.limits.unregistered_reply_every = 86400;
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, CTV);
	snprintf(u.name, sizeof u.name, "Nguyen Van A");
	snprintf(u.village, sizeof u.village, "vo-tranh/thon-3");
	snprintf(u.commune, sizeof u.commune, "vo-tranh");
	u.role = ROLE_COLLABORATOR;
	u.active = true;
	CHECK(store_user_put(db, &u, now) == 0);
}

static void teardown(void)
{
	store_close(db);
	catalog_free(cat);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(settings_read)
{
	const struct catalog_settings *s = catalog_settings(cat);
	CHECK_INT(s->max_age_days, 7);
	CHECK_INT(s->resend_window, 2 * 3600);
	CHECK(s->diacritics);
	/* The shipped values, for contrast. */
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char path[512], why[300];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root);
	struct catalog *shipped;
	CHECK(catalog_load(&shipped, path, why, sizeof why) == 0);
	CHECK_INT(catalog_settings(shipped)->max_age_days, 60);
	CHECK_INT(catalog_settings(shipped)->resend_window, 24 * 3600);
	CHECK(!catalog_settings(shipped)->diacritics);
	catalog_free(shipped);
}

TEST(max_age_days)
{
	int before = count("SELECT count(*) FROM reports");
	/* 15 days ago: fine under the shipped 60, refused under 7. */
	const char *r = sms("BC DA4.1 HV 25 ngay 10/11");
	CHECKF(!strncmp(r, "Chua luu: ngay 10/11/2026 qua 7 ngay.", 37), "old date: %s", r);
	CHECK_INT(count("SELECT count(*) FROM reports"), before);
	/* Exactly 7 days ago is inside the window. */
	r = sms("BC DA4.1 HV 24 ngay 18/11");
	CHECKF(strstr(r, "18/11/2026") && strstr(r, "HV 24"), "7 days: %s", r);
	CHECK_INT(count("SELECT count(*) FROM reports"), before + 1);
}

TEST(resend_window)
{
	char first[512], ref[8], ref2[8];
	snprintf(first, sizeof first, "%s", sms("BC DA4.3 TV 30 VL 12"));
	ref_of(first, ref);
	CHECKF(strlen(ref) == 4, "receipt: %s", first);
	int before = count("SELECT count(*) FROM reports");
	/* The same text 1 h 59 min later: inside the 2 hours, same receipt. */
	int64_t t0 = now;
	now = t0 + 2 * 3600 - 60;
	CHECK_STR(sms("bc da4.3 tv 30 vl 12"), first);
	CHECK_INT(count("SELECT count(*) FROM reports"), before);
	/* 2 h 1 min after the first: outside, a new report (the shipped 24 h
	 * would still have answered with the first one). */
	now = t0 + 2 * 3600 + 60;
	const char *r = sms("BC DA4.3 TV 30 VL 12");
	ref_of(r, ref2);
	CHECKF(strlen(ref2) == 4 && strcmp(ref, ref2) != 0, "after the window: %s (first %s)", r, ref);
	CHECK_INT(count("SELECT count(*) FROM reports"), before + 1);
	now = t0;
}

TEST(resend_window_zero)
{
	static const char *const from[] = { "resend_window_hours = " };
	static const char *const to[] = { "resend_window_hours = 0;" };
	struct catalog *keep = cat, *zero;
	if (load_catalog_with(from, to, 1, &zero) < 0)
		return;
	CHECK_INT(catalog_settings(zero)->resend_window, 0);
	cat = zero;
	int before = count("SELECT count(*) FROM reports");
	sms("BC DA4.3 TV 5 VL 1");
	sms("BC DA4.3 TV 5 VL 1");	/* no window: every message is a report */
	CHECK_INT(count("SELECT count(*) FROM reports"), before + 2);
	cat = keep;
	catalog_free(zero);
}

/* Characters of one SMS and whether it is UCS-2. */
static size_t length(const char *text, bool *ucs2)
{
	return reply_sms_length(text, ucs2);
}

TEST(diacritics)
{
	bool ucs2 = false;
	/* A short report: the receipt in accented Vietnamese, one UCS-2 SMS. */
	const char *r = sms("BC DA4.1 HV 25 HN 10");
	CHECKF(!strncmp(r, "Đã nhận ", strlen("Đã nhận ")) && strstr(r, "DA4.1 Thôn 3 Vô Tranh 25/11/2026")
	       && strstr(r, "HV 25, HN 10."), "accented receipt: %s", r);
	size_t n = length(r, &ucs2);
	CHECKF(ucs2 && n <= 70, "accented receipt %zu UCS-2 characters (ucs2 %d): %s", n, ucs2, r);
	/* The same text again: the same accented receipt. */
	char first[512];
	snprintf(first, sizeof first, "%s", r);
	CHECK_STR(sms("Báo cáo DA4.1: HV 25, HN 10"), first);
	/* A long report cannot be accented within 70: unaccented, one 7-bit SMS. */
	r = sms("BC DA4.1 LOP 1 HV 20 HN 10 CN 8 TN 2 PN 12 KP 30");
	n = length(r, &ucs2);
	CHECKF(!strncmp(r, "Da nhan ", 8) && strstr(r, "Thon 3 Vo Tranh") && !ucs2 && n <= 160,
	       "folded receipt (%zu): %s", n, r);
	/* Problem replies quote what was typed: unaccented. */
	r = sms("BC DA4.1 HV 25 HM 10");
	CHECK_STR(r, "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA4.1 HV 25 HN 10");
	/* Help and the fixed messages follow the switch too. */
	r = sms("XIN CHAO");
	CHECKF(!strncmp(r, "Không hiểu lệnh 'XIN'.", strlen("Không hiểu lệnh 'XIN'.")), "unknown: %s", r);
	n = length(r, &ucs2);
	CHECKF(ucs2 && n <= 70, "accented fixed reply (%zu): %s", n, r);
}

int main(void)
{
	setup();
	RUN(settings_read);
	RUN(max_age_days);
	RUN(resend_window);
	RUN(resend_window_zero);
	RUN(diacritics);
	teardown();
	return check_done();
}

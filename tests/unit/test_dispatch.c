/* test_dispatch.c: dispatch_message() against a temporary database and the
 * shipped catalog: reports stored once (replays, resends), corrections and
 * cancellations with their permissions, training, registration and
 * approval, strangers (one polite reply a day), alphanumeric and short
 * senders (never a reply), every reply within one SMS, a store fault rolls
 * everything back. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "conf.h"
#include "dispatch.h"
#include "lang/reply.h"
#include "store/store.h"
#include "store/store_reports.h"
#include "store/store_users.h"

static struct store *db;
static struct catalog *cat;
static struct tinbao_conf conf;
static char dir[64];
static int64_t now = 1795575600;	/* 2026-11-25 10:00 in Hà Nội */
static int64_t next_id = 100;

#define CTV_A "+84912000001"	/* Vô Tranh, Thôn 3 */
#define CTV_B "+84912000002"	/* Vô Tranh, Thôn 1 */
#define STAFF "+84913000001"
#define TRAINEE "+84912000009"
#define OFFICIAL "+84914000001"

static void put_user(const char *phone, enum user_role role, const char *village, bool training)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "%s", phone);
	snprintf(u.name, sizeof u.name, "Nguoi %s", phone + 9);
	u.role = role;
	if (village) {
		snprintf(u.village, sizeof u.village, "%s", village);
		snprintf(u.commune, sizeof u.commune, "%.*s", (int)(strchr(village, '/') - village), village);
	}
	u.active = true;
	u.training = training;
	CHECK(store_user_put(db, &u, now) == 0);
}

/* The reply queued for message id (slot "reply"), or "" when none. */
static const char *reply_to(int64_t id, const char *slot)
{
	static char text[512];
	text[0] = 0;
	sqlite3_stmt *st = store_prepare(db, "SELECT text FROM outbox WHERE origin_msg_id = ?1 AND slot = ?2");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, slot, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(text, sizeof text, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return text;
}

static int count(const char *sql_literal)
{
	sqlite3_stmt *st = store_prepare(db, sql_literal);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

static int64_t last_id;

static int deliver(int64_t id, const char *from, enum phone_kind kind, const char *text, bool incomplete)
{
	struct inbound_msg m = { id, from, kind, text, now, now - 5, incomplete };
	struct dispatch_env env = { db, cat, &conf, now };
	store_begin(db);
	int rc = dispatch_message(&env, &m);
	if (rc < 0)
		store_rollback(db);
	else
		store_commit(db);
	last_id = id;
	return rc;
}

/* Sends a new message and returns its reply. */
static const char *sms(const char *from, const char *text)
{
	int64_t id = next_id++;
	CHECK(deliver(id, from, PHONE_E164, text, false) == 0);
	const char *r = reply_to(id, "reply");
	CHECKF(!*r || reply_fits_one(r), "reply over one SMS: %s", r);
	return r;
}

/* "Da nhan K7QD: ..." → "K7QD" */
static void ref_of(const char *reply, char *ref)
{
	const char *p = strstr(reply, "K7QD") ? NULL : strchr(reply, ':');
	ref[0] = 0;
	if (!p || p - reply < 4)
		return;
	memcpy(ref, p - 4, 4);
	ref[4] = 0;
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tinbao-dispatch-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	char path[128], why[300];
	snprintf(path, sizeof path, "%s/t.db", dir);
	int orc = store_open(&db, path, false, why, sizeof why);
	CHECKF(orc == 0, "store_open: %s", why);
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char cpath[512];
	snprintf(cpath, sizeof cpath, "%s/config/catalog.conf", root);
	CHECK(catalog_load(&cat, cpath, why, sizeof why) == 0);
	memset(&conf, 0, sizeof conf);
	conf.country = "+84";
	conf.timezone = "Asia/Ho_Chi_Minh";
	conf.limits.unregistered_reply_every = 86400;
	put_user(CTV_A, ROLE_COLLABORATOR, "vo-tranh/thon-3", false);
	put_user(CTV_B, ROLE_COLLABORATOR, "vo-tranh/thon-1", false);
	put_user(STAFF, ROLE_STAFF, NULL, false);
	put_user(TRAINEE, ROLE_COLLABORATOR, "dai-pham/khu-2", true);
	put_user(OFFICIAL, ROLE_OFFICIAL, NULL, false);
}

static void teardown(void)
{
	store_close(db);
	catalog_free(cat);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

static char ref1[8];

TEST(report_stored_once)
{
	const char *r = sms(CTV_A, "BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30");
	CHECKF(!strncmp(r, "Da nhan ", 8), "receipt: %s", r);
	CHECK(strstr(r, "DA4.1 Thon 3 Vo Tranh 25/11/2026") != NULL);
	CHECK(strstr(r, "HV 25") && strstr(r, "KP 30tr"));
	ref_of(r, ref1);
	CHECK(strlen(ref1) == 4);
	struct store_report s;
	CHECK(store_report_get(db, ref1, &s) == 1);
	CHECK_STR(s.status, "active");
	CHECK_STR(s.village, "vo-tranh/thon-3");
	CHECK_STR(s.day, "2026-11-25");
	CHECK_INT(s.nvalues, 7);
	CHECK_STR(s.values[1].code, "HV");
	/* The same message dispatched again (crash before the handled mark
	 * committed): nothing new. */
	int64_t id = last_id;
	CHECK(deliver(id, CTV_A, PHONE_E164, "BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30", false) == 0);
	CHECK_INT(count("SELECT count(*) FROM reports"), 1);
	CHECK_INT(count("SELECT count(*) FROM outbox"), 1);
	/* A resend from the phone, typed with accents this time: same ref. */
	char again[512];
	snprintf(again, sizeof again, "%s", sms(CTV_A, "Báo cáo DA4.1 lớp 1 hv 25 hn 10 cn 8 tn 7 pn 12 kp 30"));
	CHECK_STR(again, r);
	CHECK_INT(count("SELECT count(*) FROM reports"), 1);
}

TEST(correct_and_cancel)
{
	char msg[64], r[512];
	snprintf(msg, sizeof msg, "SUA %s HV 26", ref1);
	snprintf(r, sizeof r, "%s", sms(CTV_A, msg));
	CHECKF(!strncmp(r, "Da sua ", 7) && strstr(r, "HV 26") && strstr(r, "KP 30tr"), "SUA: %s", r);
	struct store_report s;
	CHECK(store_report_get(db, ref1, &s) == 1);
	CHECK_INT(s.version, 2);
	CHECK_STR(s.phone, CTV_A);
	CHECK_INT(count("SELECT count(*) FROM reports WHERE status = 'amended'"), 1);
	/* The same correction again: no third version. */
	sms(CTV_A, msg);
	CHECK_INT(count("SELECT count(*) FROM reports"), 2);
	/* Another collaborator may not touch it; staff may. */
	snprintf(msg, sizeof msg, "SUA %s HV 27", ref1);
	CHECK(strstr(sms(CTV_B, msg), "Chi nguoi gui") != NULL);
	CHECK(!strncmp(sms(STAFF, msg), "Da sua ", 7));
	CHECK(store_report_get(db, ref1, &s) == 1 && s.version == 3);
	/* A breakdown broken by the correction is refused. */
	snprintf(msg, sizeof msg, "SUA %s HV 5", ref1);
	snprintf(r, sizeof r, "%s", sms(CTV_A, msg));
	CHECKF(!strncmp(r, "Chua luu: ", 10) && strstr(r, "lon hon HV=5"), "SUA breakdown: %s", r);
	CHECK(store_report_get(db, ref1, &s) == 1 && s.version == 3);
	CHECK(strstr(sms(CTV_A, "SUA KKKK HV 5"), "Khong tim thay bao cao KKKK") != NULL);
	/* Cancel. */
	snprintf(msg, sizeof msg, "HUY %s", ref1);
	CHECK(strstr(sms(CTV_B, msg), "Chi nguoi gui") != NULL);
	snprintf(r, sizeof r, "%s", sms(CTV_A, msg));
	CHECKF(!strncmp(r, "Da huy bao cao ", 15) && strstr(r, "DA4.1 Thon 3 Vo Tranh 25/11"), "HUY: %s", r);
	CHECK(store_report_get(db, ref1, &s) == 1);
	CHECK_STR(s.status, "cancelled");
	CHECK(strstr(sms(CTV_A, msg), "da huy truoc do") != NULL);
	snprintf(msg, sizeof msg, "SUA %s HV 20", ref1);
	CHECK(strstr(sms(CTV_A, msg), "da huy truoc do") != NULL);
	/* After a cancel, the same text makes a new report. */
	const char *again = sms(CTV_A, "BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30");
	char ref2[8];
	ref_of(again, ref2);
	CHECK(strlen(ref2) == 4 && strcmp(ref2, ref1) != 0);
}

TEST(problems_store_nothing)
{
	int before = count("SELECT count(*) FROM reports");
	const char *r = sms(CTV_A, "BC DA4.1 HV 25 HN 20 CN 10 XYZ 3");
	CHECKF(!strncmp(r, "Chua luu: ", 10) && strstr(r, "'xyz' khong ro") && strstr(r, "lon hon HV=25"),
	       "problems: %s", r);
	CHECK_INT(count("SELECT count(*) FROM reports"), before);
	r = sms(STAFF, "BC DA4.1 HV 25");
	CHECK(strstr(r, "ghi noi: XA Vo Tranh THON 3") != NULL);
	r = sms(STAFF, "BC DA4.1 XA Dai Pham KHU 2 HV 25");
	CHECK(!strncmp(r, "Da nhan ", 8) && strstr(r, "Khu 2 Dai Pham"));
	r = sms(CTV_A, "BC DA4.1 XA Dai Pham HV 25");
	CHECK(strstr(r, "ban chi bao cao cho Thon 3 Vo Tranh") != NULL);
	r = sms(CTV_A, "BC DA3.1 BO 2 MAHO NOPE-9");
	CHECKF(!strncmp(r, "Chua luu: MAHO", 14) && strstr(r, "khong co trong danh sach"), "MAHO: %s", r);
	r = sms(STAFF, "TK DA4.1");	/* the office's handler, from the same table */
	CHECKF(r[0] && strncmp(r, "Khong hieu lenh", 15), "TK: %s", r);
	r = sms(CTV_A, "XIN CHAO");
	CHECK(strstr(r, "Khong hieu lenh 'XIN'") != NULL);
	r = sms(CTV_A, "SUAA");
	CHECK(strstr(r, "thieu ma bao cao") != NULL);
	/* A command word near two commands is not guessed: the reply asks. */
	r = sms(CTV_A, "HUA K7QD HV 26");
	CHECK_STR(r, "Khong hieu lenh 'HUA'. Co phai SUA, HUY? Vd: BC DA4.1 LOP 1 HV 25 HN 10. Gui HD de xem "
		     "huong dan.");
	r = sms(STAFF, "DTK DA4.1");	/* the office's TK is in the same table */
	CHECK_STR(r, "Khong hieu lenh 'DTK'. Co phai DK, TK? Vd: BC DA4.1 LOP 1 HV 25 HN 10. Gui HD de xem "
		     "huong dan.");
	r = sms(CTV_A, "XYZ 1");
	CHECKF(!strstr(r, "Co phai"), "nothing near, nothing asked: %s", r);
	r = sms(CTV_A, "");
	CHECK(!strncmp(r, "Tin rong", 8));
	r = sms(CTV_A, "HD DA3.2");
	CHECK(!strncmp(r, "DA3.2: TE tre em", 16));
	r = sms(CTV_A, "HD");
	CHECK(strstr(r, "BC <du an>") != NULL);
	r = sms(CTV_A, "HD RS");	/* both review forms: village counts and named households */
	CHECKF(!strncmp(r, "RS: ", 4) && strstr(r, "Vd: RS HN+2") && strstr(r, "RS MAHO 0123 CN")
	       && strlen(r) <= 160, "HD RS: %s", r);
	r = sms(OFFICIAL, "BC DA4.1 HV 3");
	CHECK(strstr(r, "khong co quyen dung lenh BC") != NULL);
	r = sms(CTV_A, "DUYET 0912000002");
	CHECK(strstr(r, "khong co quyen dung lenh DUYET") != NULL);
	CHECK_INT(count("SELECT count(*) FROM reports"), before + 1);
}

TEST(review_and_training)
{
	const char *r = sms(CTV_A, "RS HN+2 CN-1 TN+3 TAINGHEO 1");
	CHECKF(!strncmp(r, "Da nhan ", 8) && strstr(r, "RS Thon 3 Vo Tranh") && strstr(r, "CN -1"), "RS: %s", r);
	CHECK_INT(count("SELECT count(*) FROM reports WHERE kind = 'review' AND status = 'active'"), 1);
	CHECK_INT(count("SELECT count(*) FROM report_values v JOIN reports r ON r.id = v.report_id"
			" WHERE r.kind = 'review' AND v.indicator = 'CN' AND v.value = -1"), 1);
	r = sms(CTV_A, "TEST BC DA2 MH 1 HO 4");
	CHECK(!strncmp(r, "TEST (khong tinh) Da nhan ", 26));
	r = sms(TRAINEE, "BC DA4.3 TV 10 VL 2");
	CHECK(!strncmp(r, "TEST (khong tinh) ", 18));
	CHECK_INT(count("SELECT count(*) FROM reports WHERE status = 'training' AND training = 1"), 2);
}

TEST(strangers_and_robots)
{
	int out_before = count("SELECT count(*) FROM outbox");
	CHECK(deliver(next_id++, "VIETTEL", PHONE_ALNUM, "KM: tang 50% the nap", false) == 0);
	CHECK(deliver(next_id++, "1414", PHONE_SHORT, "TKC 12500d", false) == 0);
	CHECK(deliver(next_id++, "+84987000001", PHONE_ALNUM, "BC DA4.1 HV 2", false) == 0);
	CHECK_INT(count("SELECT count(*) FROM outbox"), out_before);
	const char *r = sms("+84987654321", "BC DA4.1 HV 25");
	CHECK(!strncmp(r, "So nay chua dang ky", 19));
	r = sms("+84987654321", "alo");
	CHECK_STR(r, "");
	now += 25 * 3600;
	r = sms("+84987654321", "alo");
	CHECK(!strncmp(r, "So nay chua dang ky", 19));
	now -= 25 * 3600;
	CHECK_INT(count("SELECT count(*) FROM reports WHERE phone = '+84987654321'"), 0);
}

TEST(register_and_approve)
{
	const char *r = sms("+84988000111", "Đăng ký Võ Tranh thôn 2 Nguyễn Thị Mai");
	CHECKF(!strncmp(r, "Da nhan dang ky: Nguyen Thi Mai, Thon 2 Vo Tranh", 47), "DK: %s", r);
	struct user u;
	CHECK(store_user_get(db, "+84988000111", &u) == 1);
	CHECK(!u.active && u.role == ROLE_COLLABORATOR);
	CHECK_STR(u.village, "vo-tranh/thon-2");
	CHECK(strstr(reply_to(last_id, "dk:" STAFF), "DUYET 0988000111") != NULL);
	r = sms("+84988000111", "BC DA4.1 HV 3");
	CHECK(strstr(r, "dang cho can bo duyet") != NULL);
	r = sms("+84988000111", "BC DA4.1 HV 4");
	CHECK_STR(r, "");	/* told once a day, not at every message */
	r = sms(STAFF, "DUYET 0988 000 111");
	CHECKF(!strncmp(r, "Da duyet 0988000111 Nguyen Thi Mai", 34), "DUYET: %s", r);
	CHECK(strstr(reply_to(last_id, "welcome"), "Ban da duoc duyet") != NULL);
	CHECK(store_user_get(db, "+84988000111", &u) == 1 && u.active);
	r = sms(STAFF, "DUYET 0988000111");
	CHECK(strstr(r, "da duoc duyet truoc do") != NULL);
	r = sms(STAFF, "DUYET 0977000000");
	CHECK(strstr(r, "Khong co dang ky") != NULL);
	r = sms("+84988000111", "BC DA4.1 HV 3");
	CHECK(!strncmp(r, "Da nhan ", 8) && strstr(r, "Thon 2 Vo Tranh"));
	r = sms("+84988000111", "DK Vo Tranh thon 2 Mai");
	CHECK(strstr(r, "da dang ky") != NULL);
	/* A stranger's broken DK gets an answer once a day only. */
	r = sms("+84988000222", "DK Ha Noi Tran Van B");
	CHECK(strstr(r, "khong co noi") != NULL);
	r = sms("+84988000222", "DK Ha Noi Tran Van B");
	CHECK_STR(r, "");
	r = sms("+84988000222", "DK Yen Ky khu 1 Tran Van B");
	CHECK(!strncmp(r, "Da nhan dang ky", 15));
}

TEST(incomplete_and_faults)
{
	int before = count("SELECT count(*) FROM reports");
	int64_t id = next_id++;
	CHECK(deliver(id, CTV_A, PHONE_E164, "BC DA4.1 HV 25 HN", true) == 0);
	CHECK(strstr(reply_to(id, "reply"), "bi thieu") != NULL);
	CHECK_INT(count("SELECT count(*) FROM reports"), before);
	/* A write failing half-way: the caller rolls back, nothing stays, and
	 * the message dispatched again later works. */
	id = next_id++;
	store_fault_set(db, 2);
	CHECK(deliver(id, CTV_A, PHONE_E164, "BC DA3.1 HO 3 BO 3", false) < 0);
	store_fault_set(db, 0);
	CHECK_INT(count("SELECT count(*) FROM reports"), before);
	CHECK_STR(reply_to(id, "reply"), "");
	CHECK(deliver(id, CTV_A, PHONE_E164, "BC DA3.1 HO 3 BO 3", false) == 0);
	CHECK(!strncmp(reply_to(id, "reply"), "Da nhan ", 8));
	CHECK_INT(count("SELECT count(*) FROM reports"), before + 1);
}

TEST(every_reply_one_segment)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT text FROM outbox");
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		CHECKF(reply_fits_one(t), "over one segment: %s", t);
		n++;
	}
	sqlite3_reset(st);
	CHECK(n > 30);
}

int main(void)
{
	setup();
	RUN(report_stored_once);
	RUN(correct_and_cancel);
	RUN(problems_store_nothing);
	RUN(review_and_training);
	RUN(strangers_and_robots);
	RUN(register_and_approve);
	RUN(incomplete_and_faults);
	RUN(every_reply_one_segment);
	teardown();
	return check_done();
}

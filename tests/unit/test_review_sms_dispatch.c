/* test_review_sms_dispatch.c: "RS MAHO 0123 CN" through dispatch_message()
 * as the daemon calls it, against a temporary database: a collaborator
 * changes its own village's households and is refused another village's,
 * staff change any, unknown codes are refused with a hint, all or nothing,
 * the status history gets a row with the right day, a training message
 * stores nothing, and a replayed message is not applied twice. Fixed
 * clock: 25/11/2026. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "dispatch.h"
#include "lang/period.h"
#include "office/households.h"
#include "store/store.h"
#include "store/store_households.h"
#include "store/store_users.h"

#define VN 25200

static struct catalog *cat;
static struct store *st;
static int64_t msg_id = 500;

static int64_t now(void)
{
	return period_day_start(period_days(2026, 11, 25), VN) + 10 * 3600;
}

static void user(const char *phone, enum user_role role, const char *commune, const char *village)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "%s", phone);
	snprintf(u.name, sizeof u.name, "Test");
	u.role = role;
	u.active = true;
	snprintf(u.commune, sizeof u.commune, "%s", commune);
	snprintf(u.village, sizeof u.village, "%s", village);
	CHECK_INT(store_user_put(st, &u, 1), 0);
}

/* Dispatches message id from phone in its own transaction; the reply. */
static const char *sms_id(int64_t id, const char *phone, const char *text)
{
	static char reply[800];
	struct dispatch_env env = { st, cat, NULL, now() };
	struct inbound_msg m = { id, phone, PHONE_E164, text, now(), now(), false };
	CHECK_INT(store_begin(st), 0);
	int rc = dispatch_message(&env, &m);
	CHECKF(rc == 0, "dispatch '%s': %d %s", text, rc, store_errmsg(st));
	CHECK_INT(store_commit(st), 0);
	sqlite3_stmt *q = store_prepare(st, "SELECT text FROM outbox WHERE origin_msg_id = ?1 ORDER BY id LIMIT 1");
	sqlite3_bind_int64(q, 1, m.id);
	reply[0] = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(reply, sizeof reply, "%s", sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return reply;
}

static const char *sms(const char *phone, const char *text)
{
	return sms_id(++msg_id, phone, text);
}

struct history {
	int n;
	enum hh_status last;
	int32_t last_since;
	char last_source[64];
};

static int history_cb(const struct hh_status_row *r, void *arg)
{
	struct history *h = arg;
	h->n++;
	h->last = r->status;
	h->last_since = r->since;
	snprintf(h->last_source, sizeof h->last_source, "%s", r->source);
	return 0;
}

static struct history history(const char *code)
{
	struct history h;
	memset(&h, 0, sizeof h);
	CHECK_INT(store_households_history_each(st, code, history_cb, &h), 0);
	return h;
}

static void setup_register(void)
{
	const char *csv = "ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n"
			  "VT-001,Nguy\xE1\xBB\x85n V\xC4\x83n A,vo-tranh,thon-3,ngheo,2025-01-10\n"
			  "VT-003,Ph\xE1\xBA\xA1m V\xC4\x83n D,vo-tranh,thon-3,ngheo,2025-01-10\n"
			  "VT-002,Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B,vo-tranh,thon-2,can_ngheo,2025-01-10\n"
			  "LK-001,L\xC3\xAA V\xC4\x83n C,lenh-khanh,thon-1,thoat_ngheo,2024-12-01\n";
	struct hh_import *im = hh_import_new();
	CHECK_INT(hh_csv_parse(csv, strlen(csv), period_days(2026, 11, 25), im), 0);
	CHECK_INT(hh_resolve_places(cat, im), 0);
	struct hh_import_stats s;
	CHECK_INT(store_households_import(st, im, "test", 1, &s), 0);
	hh_import_free(im);
	user("+84911000001", ROLE_STAFF, "", "");
	user("+84911000003", ROLE_COLLABORATOR, "vo-tranh", "vo-tranh/thon-3");
	user("+84911000005", ROLE_OFFICIAL, "vo-tranh", "");
}

TEST(collaborator_own_village)
{
	const char *r = sms("+84911000003", "RS MAHO vt-001 cận nghèo ngay 20/11");
	CHECK_STR(r, "Da ghi ra soat 20/11/2026: VT-001 can ngheo.");
	struct history h = history("VT-001");
	CHECK_INT(h.n, 2);
	CHECK_INT(h.last, HH_NEAR_POOR);
	CHECK_INT(h.last_since, period_days(2026, 11, 20));
	CHECKF(!strncmp(h.last_source, "sms:", 4), "%s", h.last_source);
	/* No date: the day received. */
	r = sms("+84911000003", "RS MAHO VT-003 KN");
	CHECK_STR(r, "Da ghi ra soat 25/11/2026: VT-003 khong ngheo.");
	h = history("VT-003");
	CHECK_INT(h.n, 2);
	CHECK_INT(h.last, HH_NONE);
	CHECK_INT(h.last_since, period_days(2026, 11, 25));
	/* The household's status on the day moved. */
	struct hh_record rec;
	CHECK_INT(store_household_get(st, "VT-001", period_days(2026, 11, 21), 0, 0, &rec), 1);
	CHECK_INT(rec.status, HH_NEAR_POOR);
	CHECK_INT(store_household_get(st, "VT-001", period_days(2026, 11, 19), 0, 0, &rec), 1);
	CHECK_INT(rec.status, HH_POOR);
	/* Names never in the reply. */
	CHECK(!strstr(r, "Nguyen") && !strstr(r, "Pham"));
}

TEST(collaborator_other_village_refused)
{
	const char *r = sms("+84911000003", "RS MAHO VT-002 HN");
	CHECKF(strstr(r, "Chua luu:") && strstr(r, "MAHO VT-002 thuoc Thon 2: can bo huyen moi sua"), "%s", r);
	CHECK_INT(history("VT-002").n, 1);
	r = sms("+84911000003", "RS MAHO LK-001 HN");
	CHECKF(strstr(r, "MAHO LK-001 thuoc") && strstr(r, "can bo huyen"), "%s", r);
	CHECK_INT(history("LK-001").n, 1);
}

TEST(staff_any_village)
{
	const char *r = sms("+84911000001", "RS MAHO VT-002 thoat ngheo MAHO lk-001 HN ngay 24/11");
	CHECK_STR(r, "Da ghi ra soat 24/11/2026: VT-002 thoat ngheo, LK-001 ngheo.");
	CHECK(strlen(r) <= 160);
	struct history h = history("VT-002");
	CHECK_INT(h.n, 2);
	CHECK_INT(h.last, HH_ESCAPED);
	CHECK_INT(h.last_since, period_days(2026, 11, 24));
	h = history("LK-001");
	CHECK_INT(h.last, HH_POOR);
	/* Officials do not send reviews (RS is for reporters). */
	r = sms("+84911000005", "RS MAHO VT-002 HN");
	CHECK(!strstr(r, "Da ghi"));
	CHECK_INT(history("VT-002").n, 2);
}

TEST(unknown_and_all_or_nothing)
{
	const char *r = sms("+84911000001", "RS MAHO XX-999 CN");
	CHECK_STR(r, "Chua luu: MAHO XX-999 khong co trong danh sach (xem MAHO <ma>). Mau: RS MAHO 0123 CN");
	/* One good change, one unknown code, one bad status: every problem
	 * named, nothing stored. */
	int before = history("VT-003").n;
	r = sms("+84911000003", "RS MAHO VT-003 HN MAHO XX-999 CN MAHO VT-001 giau");
	CHECKF(strstr(r, "Chua luu: 1) ") && strstr(r, "'giau' khong ro") && strstr(r, "XX-999 khong co"), "%s", r);
	CHECK(strlen(r) <= 160);
	CHECK_INT(history("VT-003").n, before);
	/* A collaborator mixing its own and another village's households. */
	r = sms("+84911000003", "RS MAHO VT-003 HN MAHO VT-002 CN");
	CHECKF(strstr(r, "VT-002 thuoc") && !strstr(r, "Da ghi"), "%s", r);
	CHECK_INT(history("VT-003").n, before);
	/* A training message reads back and stores nothing. */
	r = sms("+84911000003", "TEST RS MAHO VT-003 HN");
	CHECK_STR(r, "TEST (khong tinh): Da ghi ra soat 25/11/2026: VT-003 ngheo.");
	CHECK_INT(history("VT-003").n, before);
	/* The village-count form is untouched by this route. */
	r = sms("+84911000003", "RS HN+2 CN-1");
	CHECKF(strstr(r, "Da nhan"), "%s", r);
}

TEST(replay_not_applied_twice)
{
	int64_t id = ++msg_id;
	const char *r = sms_id(id, "+84911000001", "RS MAHO VT-003 CN ngay 21/11");
	CHECK_STR(r, "Da ghi ra soat 21/11/2026: VT-003 can ngheo.");
	int n = history("VT-003").n;
	/* A later review on the same day puts it back... */
	r = sms("+84911000001", "RS MAHO VT-003 HN ngay 21/11");
	CHECK_STR(r, "Da ghi ra soat 21/11/2026: VT-003 ngheo.");
	CHECK_INT(history("VT-003").n, n + 1);
	/* ...and the first message dispatched again (a crash before the
	 * inbox mark) adds nothing. */
	sms_id(id, "+84911000001", "RS MAHO VT-003 CN ngay 21/11");
	CHECK_INT(history("VT-003").n, n + 1);
	struct hh_record rec;	/* the later review still holds on that day */
	CHECK_INT(store_household_get(st, "VT-003", period_days(2026, 11, 21), 0, 0, &rec), 1);
	CHECK_INT(rec.status, HH_POOR);
	/* The same text as a new message: the household already has that
	 * status on that day, so nothing is added either. */
	sms("+84911000001", "RS MAHO VT-003 HN ngay 21/11");
	CHECK_INT(history("VT-003").n, n + 1);
}

int main(void)
{
	char why[256], dir[64], path[128];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	snprintf(dir, sizeof dir, "/tmp/tinbao-rssms-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/db", dir);
	if (store_open(&st, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	setup_register();
	RUN(collaborator_own_village);
	RUN(collaborator_other_village_refused);
	RUN(staff_any_village);
	RUN(unknown_and_all_or_nothing);
	RUN(replay_not_applied_twice);
	store_close(st);
	catalog_free(cat);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		fprintf(stderr, "cleanup failed\n");
	return check_done();
}

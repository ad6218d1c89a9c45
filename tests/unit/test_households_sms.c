/* test_households_sms.c: role checks for every household and query command
 * by SMS, through dispatch_message() as the daemon calls it: MAHO (staff
 * see all with names, officials all without names, collaborators their
 * village only, strangers nothing), TK (collaborators their commune), and
 * the reach of reports naming households (unknown codes refused with a
 * hint, another village's codes need staff rights). Fixed clock. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "dispatch.h"
#include "lang/period.h"
#include "lang/query.h"
#include "office/households.h"
#include "office/office_sms.h"
#include "store/store.h"
#include "store/store_households.h"
#include "store/store_users.h"

#define VN 25200

static struct catalog *cat;
static struct store *st;
static int64_t msg_id = 100;

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

/* Sends text from phone through dispatch; returns the reply ("" if none). */
static const char *sms(const char *phone, const char *text)
{
	static char reply[800];
	struct dispatch_env env = { st, cat, NULL, now() };
	struct inbound_msg m = { ++msg_id, phone, PHONE_E164, text, now(), now(), false };
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

static void setup_register(void)
{
	const char *csv = "ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n"
			  "VT-001,Nguy\xE1\xBB\x85n V\xC4\x83n A,vo-tranh,thon-3,ngheo,2025-01-10\n"
			  "VT-002,Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B,vo-tranh,thon-2,can_ngheo,2025-01-10\n"
			  "LK-001,L\xC3\xAA V\xC4\x83n C,lenh-khanh,thon-1,thoat_ngheo,2022-12-01\n";
	struct hh_import *im = hh_import_new();
	CHECK_INT(hh_csv_parse(csv, strlen(csv), period_days(2026, 11, 25), im), 0);
	CHECK_INT(hh_resolve_places(cat, im), 0);
	struct hh_import_stats s;
	CHECK_INT(store_households_import(st, im, "test", 1, &s), 0);
	hh_import_free(im);
	CHECK_INT(store_households_record_support(st, "VT-001", "", 0, "DA3.1", period_days(2026, 11, 10), 2), 1);
	user("+84911000001", ROLE_STAFF, "", "");
	user("+84911000002", ROLE_OFFICIAL, "vo-tranh", "");
	user("+84911000003", ROLE_COLLABORATOR, "vo-tranh", "vo-tranh/thon-3");
	user("+84911000004", ROLE_COLLABORATOR, "lenh-khanh", "lenh-khanh/thon-1");
}

TEST(maho_roles)
{
	const char *r = sms("+84911000001", "MAHO vt-001");	/* staff, any case */
	CHECKF(strstr(r, "Ho VT-001 Thon 3 Vo Tranh: ngheo tu 10/1/2025.") && strstr(r, "DA3.1 10/11/26") &&
		       strstr(r, "Chu ho: Nguyen Van A"),
	       "%s", r);
	CHECK(query_septets(r) <= 306);
	r = sms("+84911000002", "MAHO VT-002");	/* official: no name */
	CHECKF(strstr(r, "can ngheo") && strstr(r, "Chua duoc ho tro") && !strstr(r, "Chu ho"), "%s", r);
	r = sms("+84911000003", "MAHO VT-001");	/* own village */
	CHECKF(strstr(r, "ngheo tu") && !strstr(r, "Chu ho") && !strstr(r, "Nguyen"), "%s", r);
	r = sms("+84911000003", "MAHO VT-002");	/* another village */
	CHECKF(strstr(r, "khong thuoc thon cua ban") && !strstr(r, "can ngheo"), "%s", r);
	r = sms("+84911000001", "MAHO XX-999");
	CHECKF(strstr(r, "Khong co ho ma XX-999"), "%s", r);
	r = sms("+84911000001", "MAHO");
	CHECKF(strstr(r, "MAHO <ma ho>"), "%s", r);
	/* 36 months after 1/12/2022 the escaped household has left the list. */
	r = sms("+84911000004", "ma ho LK-001");
	CHECKF(strstr(r, "het 36 thang thoat ngheo"), "%s", r);
	/* A stranger gets no household data. */
	r = sms("+84999999999", "MAHO VT-001");
	CHECKF(!strstr(r, "VT-001 Thon") && !strstr(r, "ngheo tu"), "%s", r);
}

TEST(tk_roles)
{
	const char *r = sms("+84911000001", "TK DA3.1 T11");
	CHECKF(strstr(r, "TK DA3.1 T11/2026 toan huyen: 0 bao cao"), "%s", r);
	r = sms("+84911000003", "TK Lenh Khanh T11");
	CHECKF(strstr(r, "Chi tra cuu duoc xa Vo Tranh"), "%s", r);
	r = sms("+84911000003", "TK T11");
	CHECKF(strstr(r, "Vo Tranh: 0 bao cao"), "%s", r);
	r = sms("+84911000002", "TK Q5");
	CHECKF(strstr(r, "Ky 'q5' khong dung"), "%s", r);
	r = sms("+84911000002", "TK blah");
	CHECKF(strstr(r, "Khong hieu 'blah'"), "%s", r);
	CHECK(strlen(r) <= 160);
}

TEST(reach_roles)
{
	int32_t d = period_days(2026, 11, 20);
	struct user staff, col;
	CHECK_INT(store_user_get(st, "+84911000001", &staff), 1);
	CHECK_INT(store_user_get(st, "+84911000003", &col), 1);
	char problem[160];
	char canon[OFFICE_REACH_MAX][24];
	const char *own[] = { "vt-001" };
	CHECK_INT(office_check_reach(st, cat, &col, own, 1, d, canon, problem, sizeof problem), 0);
	CHECK_STR(canon[0], "VT-001");
	const char *other[] = { "VT-001", "VT-002" };
	CHECK_INT(office_check_reach(st, cat, &col, other, 2, d, canon, problem, sizeof problem), 1);
	CHECKF(strstr(problem, "MAHO VT-002 thuoc Thon 2 Vo Tranh: can bo huyen"), "%s", problem);
	CHECK_INT(office_check_reach(st, cat, &staff, other, 2, d, canon, problem, sizeof problem), 0);
	const char *unknown[] = { "VT-001", "NOPE" };
	CHECK_INT(office_check_reach(st, cat, &staff, unknown, 2, d, canon, problem, sizeof problem), 1);
	CHECKF(strstr(problem, "MAHO NOPE khong co trong danh sach"), "%s", problem);
	CHECK_INT(office_record_reach(st, "AB12", 7, "DA2", d, other, 2, 5), 2);
	CHECK_INT(office_record_reach(st, "AB12", 7, "DA2", d, other, 2, 6), 0);	/* resend */
}

int main(void)
{
	char why[256], dir[64], path[128];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	snprintf(dir, sizeof dir, "/tmp/tinbao-hhsms-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/db", dir);
	if (store_open(&st, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	setup_register();
	RUN(maho_roles);
	RUN(tk_roles);
	RUN(reach_roles);
	store_close(st);
	catalog_free(cat);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		fprintf(stderr, "cleanup failed\n");
	return check_done();
}

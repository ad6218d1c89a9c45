/* test_credit_check.c: balance readings in the store and the low-balance
 * alert: a dropping balance alerts each recipient exactly once, a restart
 * (new checker) neither repeats nor forgets it, a top-up re-arms it, failed
 * checks are kept without touching the alarm, and the schedule follows the
 * newest reading. */
#include "check.h"

#include <unistd.h>

#include "conf_ussd.h"
#include "credit_check.h"
#include "store/store.h"
#include "store/store_users.h"
#include "store/store_ussd.h"

static struct store *st;

static int64_t count(const char *sql_literal)
{
	sqlite3_stmt *q = store_prepare(st, sql_literal);
	int64_t n = -1;
	if (q && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	if (q)
		sqlite3_reset(q);
	return n;
}

static void add_user(const char *phone, enum user_role role, bool active)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "%s", phone);
	snprintf(u.name, sizeof u.name, "Staff");
	u.role = role;
	u.active = active;
	CHECK(store_user_put(st, &u, 1) == 0);
}

TEST(test_one_alert_per_crossing)
{
	char code[] = "*101#", pat[] = "TKC ([0-9.,]+)", staff[] = "role:staff", extra[] = "+84977000111";
	char *alert[] = { staff, extra };
	struct conf_credit cf;
	memset(&cf, 0, sizeof cf);
	cf.enabled = true;
	cf.code = code;
	cf.pattern = pat;
	cf.every = 6 * 3600;
	cf.threshold = 10000;
	cf.alert.v = alert;
	cf.alert.n = 2;
	struct credit_check *cc;
	char why[128];
	CHECK(credit_check_new(&cc, &cf, why, sizeof why) == 0);
	CHECK_STR(credit_check_code(cc), "*101#");
	int64_t now = 1764000000;
	CHECK_INT(credit_check_due_in(cc, st, now), 0);

	static const struct { const char *reply; int status; int alerts; enum credit_alarm_event ev; } seq[] = {
		{ "TKC 50.000d, han 01/12/2026", 0, 0, CREDIT_ALARM_NONE },
		{ "TKC 12.500d, han 01/12/2026", 0, 0, CREDIT_ALARM_NONE },
		{ "TKC 9.500d, han 01/12/2026", 0, 3, CREDIT_ALARM_LOW },	/* 2 staff + 1 extra */
		{ "TKC 8.000d", 0, 0, CREDIT_ALARM_NONE },
		{ NULL, -1, 0, CREDIT_ALARM_NONE },				/* no answer */
		{ "He thong ban, vui long thu lai", 0, 0, CREDIT_ALARM_NONE },	/* no figure */
		{ "TKC 7.000d", 0, 0, CREDIT_ALARM_NONE },
	};
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		struct credit_outcome o;
		CHECK_INT(credit_check_record(cc, st, seq[i].reply, seq[i].status, now, &o), 0);
		CHECKF(o.alerts_queued == seq[i].alerts, "reading %zu: %d alerts", i, o.alerts_queued);
		CHECKF(o.event == seq[i].ev, "reading %zu: event %s", i, credit_alarm_event_name(o.event));
		CHECK(o.reading_id > 0);
		now += 6 * 3600;
	}
	CHECK_INT(count("SELECT count(*) FROM outbox WHERE slot LIKE 'credit-low:%'"), 3);
	CHECK_INT(count("SELECT count(*) FROM credit_readings"), 7);
	CHECK_INT(count("SELECT count(*) FROM credit_readings WHERE balance IS NULL"), 2);
	CHECK_INT(count("SELECT count(*) FROM credit_readings WHERE status = -1 AND raw = ''"), 1);
	/* The inactive staff member got nothing. */
	CHECK_INT(count("SELECT count(*) FROM outbox WHERE recipient = '+84900000003'"), 0);

	/* A restart: a new checker over the same store does not alert again. */
	credit_check_free(cc);
	CHECK(credit_check_new(&cc, &cf, why, sizeof why) == 0);
	struct credit_outcome o;
	CHECK_INT(credit_check_record(cc, st, "TKC 6.000d", 0, now, &o), 0);
	CHECK_INT(o.alerts_queued, 0);
	/* A top-up re-arms; the next drop alerts once more. */
	now += 3600;
	CHECK_INT(credit_check_record(cc, st, "TKC 110.000d", 0, now, &o), 0);
	CHECK(o.event == CREDIT_ALARM_REARMED && o.balance == 110000);
	now += 3600;
	CHECK_INT(credit_check_record(cc, st, "TKC 900d", 0, now, &o), 0);
	CHECK(o.event == CREDIT_ALARM_LOW && o.alerts_queued == 3);
	CHECK_INT(count("SELECT count(*) FROM outbox WHERE slot LIKE 'credit-low:%'"), 6);
	/* The schedule follows the newest reading. */
	CHECK_INT(credit_check_due_in(cc, st, now), 6 * 3600);
	CHECK_INT(credit_check_due_in(cc, st, now + 3600), 5 * 3600);
	CHECK_INT(credit_check_due_in(cc, st, now + 7 * 3600), 0);
	struct credit_reading last;
	CHECK_INT(store_credit_last(st, true, &last), 1);
	CHECK(last.balance == 900 && last.alerted && !last.armed);
	CHECK_STR(last.raw, "TKC 900d");
	credit_check_free(cc);

	/* No alert list: the staff are told. */
	struct conf_credit bare = cf;
	bare.alert.n = 0;
	CHECK(credit_check_new(&cc, &bare, why, sizeof why) == 0);
	now += 3600;
	CHECK_INT(credit_check_record(cc, st, "TKC 200.000d", 0, now, &o), 0);
	now += 3600;
	CHECK_INT(credit_check_record(cc, st, "TKC 100d", 0, now, &o), 0);
	CHECK(o.event == CREDIT_ALARM_LOW && o.alerts_queued == 2);
	credit_check_free(cc);
	/* A disk error during the reading: nothing stored, nothing queued. */
	CHECK(credit_check_new(&cc, &cf, why, sizeof why) == 0);
	int64_t before = count("SELECT count(*) FROM credit_readings");
	store_fault_set(st, 1);
	CHECK(credit_check_record(cc, st, "TKC 100.000d", 0, now, &o) < 0);
	store_fault_set(st, 0);
	CHECK_INT(count("SELECT count(*) FROM credit_readings"), before);
	credit_check_free(cc);
	credit_check_free(NULL);
}

TEST(test_alert_text_and_bad_conf)
{
	char t[200];
	credit_check_alert_text(9500, 10000, t, sizeof t);
	CHECK(strstr(t, "con 9.500 d (duoi 10.000 d)") != NULL);
	CHECK(strlen(t) <= 160);
	for (const char *p = t; *p; p++)
		CHECK((unsigned char)*p < 0x80);
	credit_check_alert_text(1234567, 0, t, sizeof t);
	CHECK(strstr(t, "1.234.567") != NULL);
	char code[] = "*101#", bad[] = "TKC [0-9]+";
	struct conf_credit cf;
	memset(&cf, 0, sizeof cf);
	cf.code = code;
	cf.pattern = bad;
	struct credit_check *cc = (struct credit_check *)1;
	char why[128];
	CHECK(credit_check_new(&cc, &cf, why, sizeof why) < 0);
	CHECK(cc == NULL);
	CHECK(credit_check_new(&cc, NULL, why, sizeof why) < 0);
}

int main(void)
{
	char dir[] = "/tmp/tinbao-cc-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char db[96], why[256];
	snprintf(db, sizeof db, "%s/t.db", dir);
	if (store_open(&st, db, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	add_user("+84900000001", ROLE_STAFF, true);
	add_user("+84900000002", ROLE_STAFF, true);
	add_user("+84900000003", ROLE_STAFF, false);
	add_user("+84900000004", ROLE_COLLABORATOR, true);
	RUN(test_one_alert_per_crossing);
	RUN(test_alert_text_and_bad_conf);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

/* test_schedule.c: the weekly summary exactly once per ISO week per
 * recipient across ticks, restarts (store reopened), clock jumps back and
 * forth and a box that was off at the scheduled time (one late catch-up
 * that says so); reminders to silent villages never in quiet hours and at
 * most once per period; the staff contact after M days. Fixed clock. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "conf.h"
#include "conf_office.h"
#include "lang/period.h"
#include "office/schedule.h"
#include "store/store.h"
#include "store/store_users.h"

#define VN 25200

static struct catalog *cat;
static struct store *st;
static char dir[64], dbpath[128];
static struct tinbao_conf conf;
static struct conf_summary sum;
static struct conf_reminders rem;

static int64_t at(int y, int m, int d, int hh, int mm)
{
	return period_day_start(period_days(y, m, d), VN) + hh * 3600 + mm * 60;
}

static int count(const char *like)
{
	sqlite3_stmt *q = store_prepare(st, "SELECT count(*) FROM outbox WHERE slot LIKE ?1");
	sqlite3_bind_text(q, 1, like, -1, SQLITE_TRANSIENT);
	int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_reset(q);
	return n;
}

static int count_to(const char *like, const char *phone)
{
	sqlite3_stmt *q = store_prepare(st, "SELECT count(*) FROM outbox WHERE slot LIKE ?1 AND recipient = ?2");
	sqlite3_bind_text(q, 1, like, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, phone, -1, SQLITE_TRANSIENT);
	int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_reset(q);
	return n;
}

static void text_of(const char *slot, char *buf, size_t len)
{
	sqlite3_stmt *q = store_prepare(st, "SELECT text FROM outbox WHERE slot = ?1");
	sqlite3_bind_text(q, 1, slot, -1, SQLITE_TRANSIENT);
	buf[0] = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(buf, len, "%s", sqlite3_column_text(q, 0));
	sqlite3_reset(q);
}

static int tick(int64_t now, int64_t *next)
{
	int64_t n;
	int r = office_tick(st, cat, &conf, now, &n);
	if (next)
		*next = n;
	CHECKF(r >= 0, "tick failed: %s", store_errmsg(st));
	return r;
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

static void reopen(void)
{
	char why[256];
	store_close(st);
	if (store_open(&st, dbpath, false, why, sizeof why) < 0) {
		fprintf(stderr, "%s\n", why);
		exit(1);
	}
}

TEST(pure_due_times)
{
	struct period w;
	/* Monday 07:30; now Wednesday 25/11 (week 48): due Monday 23/11,
	 * summarising week 47. */
	int64_t due = schedule_summary_last_due(at(2026, 11, 25, 10, 0), VN, 1, 450, &w);
	CHECK_INT(due, at(2026, 11, 23, 7, 30));
	CHECK_INT(w.num, 47);
	due = schedule_summary_last_due(at(2026, 11, 23, 7, 29), VN, 1, 450, &w);
	CHECK_INT(due, at(2026, 11, 16, 7, 30));
	CHECK_INT(w.num, 46);
	CHECK_INT(schedule_summary_next_due(at(2026, 11, 23, 7, 30), VN, 1, 450), at(2026, 11, 30, 7, 30));
	/* Sunday (0): the last whole week before Sunday's week. */
	due = schedule_summary_last_due(at(2026, 11, 25, 10, 0), VN, 0, 1200, &w);
	CHECK_INT(due, at(2026, 11, 22, 20, 0));
	CHECK_INT(w.num, 46);
	/* Year boundary: Monday 4 January 2027 summarises 2026-W53. */
	due = schedule_summary_last_due(at(2027, 1, 4, 8, 0), VN, 1, 450, &w);
	CHECK_INT(w.year, 2026);
	CHECK_INT(w.num, 53);
	int64_t ends;
	CHECK(schedule_quiet(at(2026, 11, 25, 22, 0), VN, 1260, 420, &ends));
	CHECK_INT(ends, at(2026, 11, 26, 7, 0));
	CHECK(schedule_quiet(at(2026, 11, 25, 6, 59), VN, 1260, 420, &ends));
	CHECK_INT(ends, at(2026, 11, 25, 7, 0));
	CHECK(!schedule_quiet(at(2026, 11, 25, 7, 0), VN, 1260, 420, &ends));
	CHECK(!schedule_quiet(at(2026, 11, 25, 20, 59), VN, 1260, 420, &ends));
	CHECK(!schedule_quiet(at(2026, 11, 25, 3, 0), VN, 0, 0, &ends));
	CHECK(schedule_quiet(at(2026, 11, 25, 13, 0), VN, 720, 840, &ends));
}

TEST(summary_exactly_once)
{
	user("+84910000001", ROLE_OFFICIAL, "", "");
	user("+84910000002", ROLE_OFFICIAL, "vo-tranh", "");	/* commune chair */
	user("+84920000001", ROLE_STAFF, "vo-tranh", "");
	user("+84930000001", ROLE_COLLABORATOR, "vo-tranh", "vo-tranh/thon-1");
	user("+84930000002", ROLE_COLLABORATOR, "vo-tranh", "vo-tranh/thon-2");
	user("+84930000003", ROLE_COLLABORATOR, "yen-ky", "yen-ky/khu-1");
	int64_t next;
	/* First start: Sunday 22/11 12:00. Nothing is owed from before. */
	CHECK_INT(tick(at(2026, 11, 22, 12, 0), &next), 0);
	CHECK_INT(next, at(2026, 11, 22, 13, 0));	/* reminders hourly */
	CHECK_INT(count("summary:%"), 0);
	/* Monday 07:30:05: week 47 to three recipients. */
	CHECK_INT(tick(at(2026, 11, 23, 7, 30) + 5, &next), 3);
	CHECK_INT(count("summary:2026-W47:%"), 3);
	CHECK_INT(count_to("summary:2026-W47:%", "+84912345678"), 1);
	CHECK_INT(count_to("summary:2026-W47:%", "+84910000001"), 1);
	CHECK_INT(count_to("summary:2026-W47:%", "+84910000002"), 1);
	char t[700];
	text_of("summary:2026-W47:+84910000002", t, sizeof t);
	CHECKF(strstr(t, "Vo Tranh") && strstr(t, "TUAN 47/2026") && !strstr(t, "TRE"), "%s", t);
	text_of("summary:2026-W47:+84910000001", t, sizeof t);
	CHECKF(strstr(t, "toan huyen"), "%s", t);
	/* Again, a restart, a clock jump back and forward: nothing more. */
	CHECK_INT(tick(at(2026, 11, 23, 7, 31), NULL), 0);
	reopen();
	CHECK_INT(tick(at(2026, 11, 23, 9, 0), NULL), 0);
	CHECK_INT(tick(at(2026, 11, 23, 7, 0), NULL), 0);	/* clock set back */
	CHECK_INT(tick(at(2026, 11, 23, 7, 45), NULL), 0);
	CHECK_INT(count("summary:%"), 3);
	/* The box is off over Monday 30/11 07:30 and back on Wednesday. */
	reopen();
	CHECK_INT(tick(at(2026, 12, 2, 10, 0), NULL) >= 3, 1);
	CHECK_INT(count("summary:2026-W48:%"), 3);
	text_of("summary:2026-W48:+84910000001", t, sizeof t);
	CHECKF(strstr(t, "GUI TRE, hen 07:30 30/11"), "%s", t);
	CHECK_INT(tick(at(2026, 12, 2, 11, 0), NULL), 0);
	CHECK_INT(count("summary:%"), 6);
	/* Off for three weeks: only the latest missed week, once. */
	reopen();
	tick(at(2026, 12, 24, 10, 0), NULL);
	CHECK_INT(count("summary:2026-W49:%"), 0);
	CHECK_INT(count("summary:2026-W50:%"), 0);
	CHECK_INT(count("summary:2026-W51:%"), 3);
}

static void report(const char *village, const char *day)
{
	static int msg = 1;
	sqlite3_stmt *q = store_prepare(
		st, "INSERT INTO reports (ref, kind, phone, commune, village, project, day, received_at, "
		    "source_msg_id) VALUES (?1, 'activity', '+84930000002', 'vo-tranh', ?2, 'DA2', ?3, 1, ?4)");
	char ref[8];
	snprintf(ref, sizeof ref, "R%03d", msg);
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, village, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, msg++);
	CHECK_INT(store_run(st, q), 0);
}

TEST(reminders)
{
	/* The epoch is 22/11; thon-2 reports often. The office's reminders
	 * started with the epoch: by 24/12 every other village has been
	 * silent 32 days. Collaborators of thon-1 and khu-1 got reminders at
	 * 7, 14, 21, 28 days at most (one per period), never in quiet hours. */
	/* Silent since the epoch (22/11) up to 24/12: 32 days, periods 1..4;
	 * the ticks of the summary test saw periods 1 (2/12) and 4 (24/12). */
	CHECK_INT(count_to("remind:vo-tranh/thon-2:2026-11-22:%", "+84930000002"), 2);
	CHECK_INT(count_to("remind:yen-ky/khu-1:2026-11-22:%", "+84930000003"), 2);
	report("vo-tranh/thon-2", "2026-12-20");
	/* Quiet hours: nothing, and the next tick is at 07:00. */
	int64_t next;
	int n0 = count("remind:%");
	tick(at(2027, 1, 5, 22, 0), &next);
	CHECK_INT(count("remind:%"), n0);
	CHECK(next <= at(2027, 1, 6, 7, 0));
	tick(at(2027, 1, 6, 6, 59), &next);
	CHECK_INT(next, at(2027, 1, 6, 7, 0));
	CHECK_INT(count("remind:%"), n0);
	/* At 07:00 the next period's reminders go, once each. */
	tick(at(2027, 1, 6, 7, 0), NULL);
	int n1 = count("remind:%");
	CHECK(n1 > n0);
	tick(at(2027, 1, 6, 8, 0), NULL);
	tick(at(2027, 1, 6, 9, 0), NULL);
	CHECK_INT(count("remind:%"), n1);
	/* thon-2 reported on 20/12: silent 17 days on 6/1, so 2 periods. */
	CHECK_INT(count_to("remind:vo-tranh/thon-2:2026-12-20:2:%", "+84930000002"), 1);
	CHECK_INT(count_to("remind:vo-tranh/thon-2:2026-12-20:3:%", "+84930000002"), 0);
	char t[400];
	text_of("remind:vo-tranh/thon-2:2026-12-20:2:+84930000002", t, sizeof t);
	CHECKF(strstr(t, "Thon 2 Vo Tranh chua co bao cao 17 ngay"), "%s", t);
	CHECK(strlen(t) <= 160);
	/* The staff contact of Vo Tranh is told, not about Yen Ky (no contact
	 * there: district staff would be, and there is none). */
	/* Two lists: on 24/12 (every Vo Tranh village silent since the epoch)
	 * and on 6/1 (thon-2 silent again since 20/12). */
	CHECK_INT(count_to("silent-list:%", "+84920000001"), 2);
	sqlite3_stmt *q = store_prepare(st, "SELECT text FROM outbox WHERE slot LIKE 'silent-list:%' ORDER BY id");
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	const char *tx = (const char *)sqlite3_column_text(q, 0);
	CHECKF(tx && strstr(tx, "Thon 1 Vo Tranh") && !strstr(tx, "Yen Ky"), "%s", tx ? tx : "");
	sqlite3_reset(q);
}


/* ---- the config sections (conf_office.c) ---- */

struct errs {
	char text[2048];
	int n;
};

static void on_err(void *arg, const char *file, int line, const char *msg)
{
	struct errs *e = arg;
	size_t len = strlen(e->text);
	snprintf(e->text + len, sizeof e->text - len, "%s:%d: %s\n", strrchr(file, '/') ? strrchr(file, '/') + 1 : file,
		 line, msg);
	e->n++;
}

static int load_conf(const char *body, struct tinbao_conf *c, struct errs *e)
{
	char path[128];
	snprintf(path, sizeof path, "%s/office.conf", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "modem = { device = \"tcp://127.0.0.1:1\"; };\ndatabase = { path = \"x.db\"; };\n%s", body);
	fclose(f);
	memset(e, 0, sizeof *e);
	return conf_load(path, c, on_err, e);
}

TEST(config_sections)
{
	struct tinbao_conf c;
	struct errs e;
	CHECK_INT(load_conf("summary = { day = \"fri\"; time = \"16:45\"; recipients = [ \"role:staff\", \"0912345678\" ];\n"
			    "  per_commune_chairs = true; timezone = \"UTC\"; };\n"
			    "reminders = { after_days = 5; staff_after_days = 10; quiet = \"22:00-06:30\"; };\n", &c, &e), 0);
	CHECKF(e.n == 0, "%s", e.text);
	CHECK(c.summary != NULL && c.reminders != NULL);
	if (c.summary && c.reminders) {
		CHECK_INT(c.summary->day, 5);
		CHECK_INT(c.summary->time, 16 * 60 + 45);
		CHECK_INT(c.summary->recipients.n, 2);
		if (c.summary->recipients.n == 2)
			CHECK_STR(c.summary->recipients.v[1], "+84912345678");	/* normalised */
		CHECK(c.summary->per_commune_chairs);
		CHECK_STR(c.summary->timezone ? c.summary->timezone : "(null)", "UTC");
		CHECK_INT(c.reminders->after_days, 5);
		CHECK_INT(c.reminders->quiet_from, 22 * 60);
		CHECK_INT(c.reminders->quiet_to, 6 * 60 + 30);
	}
	conf_free(&c);
	/* Absent sections: the defaults. */
	CHECK_INT(load_conf("", &c, &e), 0);
	CHECK(c.summary && c.summary->day == 1 && c.summary->time == 450 && c.summary->recipients.n == 1);
	/* Without its own zone, the office's (Asia/Ho_Chi_Minh by default). */
	CHECK_STR(c.summary && c.summary->timezone ? c.summary->timezone : "(null)", "Asia/Ho_Chi_Minh");
	conf_free(&c);
	CHECK_INT(load_conf("timezone = \"UTC\";\nsummary = { time = \"08:00\"; };\n", &c, &e), 0);
	CHECK_STR(c.summary && c.summary->timezone ? c.summary->timezone : "(null)", "UTC");
	CHECK(c.reminders && c.reminders->after_days == 7 && c.reminders->staff_after_days == 14 &&
	      c.reminders->quiet_from == 21 * 60 && c.reminders->quiet_to == 7 * 60);
	conf_free(&c);
	/* Mistakes: every one with its line and what was expected. */
	CHECK(load_conf("summary = {\n  recipients = [ \"role:chief\" ];\n  day = \"someday\"; timezone = \"Asia/Nowhere\";\n};\n"
			"reminders = {\n  quiet = \"25:00-07:00\";\n  after_days = 10;\n  staff_after_days = 3;\n"
			"  colour = 1;\n};\n", &c, &e) > 0);
	CHECKF(strstr(e.text, "office.conf:4: summary.recipients") && strstr(e.text, "role:official"), "%s", e.text);
	CHECKF(strstr(e.text, "office.conf:5: summary.day"), "%s", e.text);
	CHECKF(strstr(e.text, "office.conf:5: summary.timezone: expected a time zone name") || access("/usr/share/zoneinfo", F_OK) != 0,
	       "%s", e.text);
	CHECKF(strstr(e.text, "office.conf:8: reminders.quiet") && strstr(e.text, "HH:MM-HH:MM"), "%s", e.text);
	CHECKF(strstr(e.text, "office.conf:11: unknown key 'reminders.colour'"), "%s", e.text);
	conf_free(&c);
	CHECK(load_conf("reminders = { after_days = 10;\n staff_after_days = 3; };\n", &c, &e) > 0);
	CHECKF(strstr(e.text, "office.conf:4:") && strstr(e.text, "staff_after_days >= after_days"), "%s", e.text);
	conf_free(&c);
}

static int64_t fake_now;
static int64_t clock_fn(void *ctx)
{
	(void)ctx;
	return fake_now;
}
static int poked;
static void on_queued(void *ctx)
{
	(void)ctx;
	poked++;
}

TEST(timer_for_the_daemon)
{
	/* Monday 11 January 2027 07:30:10: 2027-W01 is due to everyone. */
	struct office_timer t = { st, cat, &conf, clock_fn, on_queued, NULL, 0 };
	fake_now = at(2027, 1, 11, 7, 30) + 10;
	int64_t ms = office_timer_fire(&t);
	CHECK(t.last_result >= 3);
	CHECK_INT(poked, 1);
	CHECK_INT(count("summary:2027-W01:%"), 3);
	CHECK(ms >= 1000 && ms <= SCHEDULE_MAX_SLEEP * 1000);
	ms = office_timer_fire(&t);
	CHECK_INT(t.last_result, 0);
	CHECK_INT(poked, 1);
	/* A tick inside the quiet hours sleeps only until they end. */
	fake_now = at(2027, 1, 11, 6, 59);
	ms = office_timer_fire(&t);
	CHECK_INT(ms, 60 * 1000);
}

TEST(district_staff_alert_once_however_long_the_list)
{
	/* District staff (no commune) answer for every commune without a
	 * contact: far more silent villages than one SMS lists. All of them
	 * are recorded with the one alert, so the next tick sends no second
	 * alert about those the list had no room for. */
	user("+84920000009", ROLE_STAFF, "", "");
	tick(at(2027, 1, 12, 10, 0), NULL);
	CHECK_INT(count_to("silent-list:%", "+84920000009"), 1);
	char t[400] = "";
	sqlite3_stmt *q = store_prepare(st, "SELECT text FROM outbox WHERE recipient = '+84920000009'");
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(t, sizeof t, "%s", sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	CHECKF(strstr(t, " ..."), "the list is cut: %s", t);
	q = store_prepare(st, "SELECT count(*) FROM office_runs WHERE slot LIKE 'silent:%:+84920000009'");
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	CHECKF(sqlite3_column_int(q, 0) > 64, "recorded villages: %d", sqlite3_column_int(q, 0));
	sqlite3_reset(q);
	tick(at(2027, 1, 12, 11, 0), NULL);
	tick(at(2027, 1, 13, 10, 0), NULL);
	CHECK_INT(count_to("silent-list:%", "+84920000009"), 1);
}

TEST(summary_in_its_own_timezone)
{
	/* summary.timezone = "UTC" while the office keeps Vietnam's time: the
	 * summary goes at Monday 07:30 UTC = 14:30 in Vietnam, and a late one
	 * says when it was due in the summary's zone. (UTC resolves without
	 * tzdata, so the test runs on a box without zone files too.) */
	static char utc[] = "UTC";
	sum.timezone = utc;
	int64_t next;
	/* Monday 18/1/2027 07:30:05 Vietnam: not yet due there. */
	tick(at(2027, 1, 18, 7, 30) + 5, &next);
	CHECK_INT(count("summary:2027-W02:%"), 0);
	CHECK_INT(schedule_summary_next_due(at(2027, 1, 18, 7, 30), 0, 1, 450), at(2027, 1, 18, 14, 30));
	/* Within the hour before, the daemon is told to look again at 14:30. */
	tick(at(2027, 1, 18, 14, 0), &next);
	CHECK_INT(next, at(2027, 1, 18, 14, 30));
	tick(at(2027, 1, 18, 14, 29) + 59, NULL);
	CHECK_INT(count("summary:2027-W02:%"), 0);
	tick(at(2027, 1, 18, 14, 30) + 5, &next);
	CHECK_INT(count("summary:2027-W02:%"), 3);
	char t[700];
	text_of("summary:2027-W02:+84910000001", t, sizeof t);
	CHECKF(strstr(t, "TUAN 2/2027") && !strstr(t, "TRE"), "%s", t);
	CHECK_INT(next, at(2027, 1, 18, 15, 30) + 5);	/* the reminders' hourly look */
	tick(at(2027, 1, 18, 15, 0), NULL);
	CHECK_INT(count("summary:2027-W02:%"), 3);
	/* Off over Monday 25/1 07:30 UTC, back at 20:00 Vietnam: late, and the
	 * note gives 07:30 (the configured time), not 14:30. */
	reopen();
	tick(at(2027, 1, 25, 20, 0), NULL);
	CHECK_INT(count("summary:2027-W03:%"), 3);
	text_of("summary:2027-W03:+84910000001", t, sizeof t);
	CHECKF(strstr(t, "GUI TRE, hen 07:30 25/1"), "%s", t);
	sum.timezone = NULL;
}

int main(void)
{
	char why[256];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	snprintf(dir, sizeof dir, "/tmp/tinbao-sched-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(dbpath, sizeof dbpath, "%s/db", dir);
	if (store_open(&st, dbpath, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	static char tzname[] = "Asia/Ho_Chi_Minh";
	static char official[] = "role:official", phone[] = "+84912345678";
	static char *recips[] = { official, phone };
	conf.timezone = tzname;
	conf_office_summary_defaults(&sum);
	sum.recipients.v = recips;
	sum.recipients.n = 2;
	sum.per_commune_chairs = true;
	conf_office_reminders_defaults(&rem);
	conf.summary = &sum;
	conf.reminders = &rem;
	RUN(pure_due_times);
	RUN(summary_exactly_once);
	RUN(reminders);
	RUN(config_sections);
	RUN(timer_for_the_daemon);
	RUN(district_staff_alert_once_however_long_the_list);
	RUN(summary_in_its_own_timezone);
	store_close(st);
	catalog_free(cat);
	snprintf(why, sizeof why, "rm -rf %s", dir);
	if (system(why) != 0)
		fprintf(stderr, "cleanup failed\n");
	return check_done();
}

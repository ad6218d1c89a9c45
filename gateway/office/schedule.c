/* schedule.c: weekly summaries and reminders queued exactly once (see
 * schedule.h). Every decision is recomputed from the clock and the store
 * at each tick, never from memory, so a restart or a clock jump cannot
 * skip or repeat a message: office_runs and the outbox slot keys say what
 * was already queued. */
#include "office/schedule.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "conf.h"
#include "conf_office.h"
#include "lang/query.h"
#include "log.h"
#include "office/gather.h"
#include "store/store.h"
#include "store/store_office.h"
#include "store/store_users.h"

/* ---- pure helpers ---- */

static int iso_wday(int wday)
{
	return wday == 0 ? 7 : wday;	/* conf: 0 = Sunday; ISO: 7 = Sunday */
}

int64_t schedule_summary_last_due(int64_t now, int tz_offset_s, int wday, int minutes,
				  struct period *week)
{
	int32_t today = period_local_day(now, tz_offset_s);
	int32_t monday = today - (period_weekday(today) - 1);
	int32_t day = monday + iso_wday(wday) - 1;
	int64_t due = period_day_start(day, tz_offset_s) + (int64_t)minutes * 60;
	if (due > now) {
		day -= 7;
		due -= 7 * 86400;
	}
	if (week) {
		int32_t due_monday = day - (period_weekday(day) - 1);
		period_this_week(due_monday - 1, week);
	}
	return due;
}

int64_t schedule_summary_next_due(int64_t now, int tz_offset_s, int wday, int minutes)
{
	return schedule_summary_last_due(now, tz_offset_s, wday, minutes, NULL) + 7 * 86400;
}

bool schedule_quiet(int64_t now, int tz_offset_s, int from, int to, int64_t *ends)
{
	int32_t today = period_local_day(now, tz_offset_s);
	int m = (int)((now - period_day_start(today, tz_offset_s)) / 60);
	if (!conf_office_in_quiet(from, to, m))
		return false;
	if (ends) {
		int32_t d = (from > to && m >= from) ? today + 1 : today;
		*ends = period_day_start(d, tz_offset_s) + (int64_t)to * 60;
	}
	return true;
}

void schedule_summary_slot(const struct period *week, const char *phone, char *buf, size_t len)
{
	char id[16];
	period_week_id(week->first, id, sizeof id);
	snprintf(buf, len, "summary:%s:%s", id, phone);
}

/* ---- office_runs ---- */

static int run_done(struct store *s, const char *slot)
{
	sqlite3_stmt *q = store_prepare(s, "SELECT 1 FROM office_runs WHERE slot = ?1");
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, slot, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static int run_record(struct store *s, const char *slot, const char *kind, int64_t due,
		      int64_t now, int64_t outbox_id, bool late)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO office_runs (slot, kind, due_at, queued_at, outbox_id, late) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, slot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, due);
	sqlite3_bind_int64(q, 4, now);
	if (outbox_id > 0)
		sqlite3_bind_int64(q, 5, outbox_id);
	sqlite3_bind_int(q, 6, late ? 1 : 0);
	return store_run(s, q);
}

/* The first tick ever: nothing scheduled before it is owed. Read first,
 * so that only the very first tick writes (a tick that queues nothing
 * writes nothing). */
static int epoch(struct store *s, int64_t now, int64_t *out)
{
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_stmt *q = store_prepare(s, "SELECT queued_at FROM office_runs WHERE slot = 'epoch'");
		if (!q)
			return STORE_E_DB;
		int rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (rc == SQLITE_ROW)
			return 0;
		if (rc != SQLITE_DONE || pass)
			return STORE_E_DB;
		if ((rc = run_record(s, "epoch", "epoch", now, now, 0, false)) < 0)
			return rc;
	}
	return STORE_E_DB;
}

/* Queue text to phone under slot, with its office_runs row, atomically.
 * 1 queued, 0 already done, negative on error. */
static int queue_once(struct store *s, const char *phone, const char *text, const char *slot,
		      const char *kind, int64_t due, int64_t now, bool late)
{
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	int64_t id = store_outbox_queue(s, phone, text, 0, slot, now);
	if (id == STORE_E_RECIPIENT) {
		/* Not a number we may send to: record it so it is not retried. */
		id = 0;
	} else if (id < 0) {
		store_rollback(s);
		return (int)id;
	}
	rc = run_record(s, slot, kind, due, now, id, late);
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s);
	return rc < 0 ? rc : id > 0;
}

/* ---- recipients ---- */

struct person {
	char phone[24];
	char commune[64];
	char village[128];
};

struct people {
	struct person *v;
	size_t n, cap;
};

static int add_person(const struct user *u, void *arg)
{
	struct people *p = arg;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct person *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	struct person *x = &p->v[p->n++];
	snprintf(x->phone, sizeof x->phone, "%s", u->phone);
	snprintf(x->commune, sizeof x->commune, "%s", u->commune);
	snprintf(x->village, sizeof x->village, "%s", u->village);
	return 0;
}

static int add_phone(struct people *p, const char *phone)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "%s", phone);
	return add_person(&u, p);
}

/* ---- summary ---- */

static int send_summary(struct store *s, const struct catalog *cat, const struct period *week,
			const struct person *to, const char *commune, int tz, int stz, int64_t due,
			int64_t now, bool late, struct office_summary_data *d)
{
	char slot[160];
	schedule_summary_slot(week, to->phone, slot, sizeof slot);
	int rc = run_done(s, slot);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = office_summary_gather(s, cat, week, commune, tz, d);
	if (rc < 0)
		return rc;
	d->in.late = late;
	d->in.due_at = due;
	/* The week's days are the office's (tz, as reports are dated); the
	 * time it was due is told as configured, in the summary's zone. */
	d->in.tz_offset_s = stz;
	char text[SUMMARY_MAX];
	summary_build(&d->in, cat, text, sizeof text);
	return queue_once(s, to->phone, text, slot, "summary", due, now, late);
}

static int summary_to_all(struct store *s, const struct catalog *cat,
			  const struct conf_summary *sc, int tz, int stz, const struct period *wk,
			  int64_t due, int64_t now, bool late);

/* The summary's own zone (summary.timezone) at now; without one, or one
 * this box cannot resolve, the office's (tz). */
static int summary_tz(const struct conf_summary *sc, int tz, int64_t now)
{
	int off = tz;
	if (sc->timezone && catalog_tz_offset(sc->timezone, now, &off) < 0)
		off = tz;
	return off;
}

static int tick_summary(struct store *s, const struct catalog *cat,
			const struct conf_summary *sc, int tz, int stz, int64_t now, int64_t since)
{
	struct period week;
	int64_t due = schedule_summary_last_due(now, stz, sc->day, sc->time, &week);
	if (due < since)
		return 0;	/* the box did not exist yet at that time */
	return summary_to_all(s, cat, sc, tz, stz, &week, due, now, now - due > SCHEDULE_LATE_AFTER);
}

int office_summary_send(struct store *s, const struct catalog *cat, const struct tinbao_conf *conf,
			const struct period *week, int64_t now)
{
	int tz = 7 * 3600;
	if (conf && conf->timezone)
		catalog_tz_offset(conf->timezone, now, &tz);
	struct conf_summary sdef;
	conf_office_summary_defaults(&sdef);
	const struct conf_summary *sc = conf && conf->summary ? conf->summary : &sdef;
	return summary_to_all(s, cat, sc, tz, summary_tz(sc, tz, now), week, now, now, false);
}

static int summary_to_all(struct store *s, const struct catalog *cat,
			  const struct conf_summary *sc, int tz, int stz, const struct period *wk,
			  int64_t due, int64_t now, bool late)
{
	struct period week = *wk;
	struct people district = { 0 }, chairs = { 0 };
	int rc = 0;
	for (size_t i = 0; i < sc->recipients.n && rc >= 0; i++) {
		const char *r = sc->recipients.v[i];
		if (strncmp(r, "role:", 5) != 0) {
			rc = add_phone(&district, r);
			continue;
		}
		enum user_role role = store_user_role_parse(r + 5);
		if (role == ROLE_NONE)
			continue;
		struct people all = { 0 };
		rc = store_user_each(s, role, true, add_person, &all);
		for (size_t k = 0; k < all.n && rc >= 0; k++) {
			struct people *dst = (role == ROLE_OFFICIAL && sc->per_commune_chairs &&
					      all.v[k].commune[0]) ? &chairs : &district;
			struct user u;
			memset(&u, 0, sizeof u);
			snprintf(u.phone, sizeof u.phone, "%s", all.v[k].phone);
			snprintf(u.commune, sizeof u.commune, "%s", all.v[k].commune);
			rc = add_person(&u, dst);
		}
		free(all.v);
	}
	struct office_summary_data *d = malloc(sizeof *d);
	int queued = 0;
	if (!d)
		rc = STORE_E_DB;
	for (size_t i = 0; i < district.n && rc >= 0; i++) {
		rc = send_summary(s, cat, &week, &district.v[i], NULL, tz, stz, due, now, late, d);
		if (rc > 0)
			queued++;
	}
	for (size_t i = 0; i < chairs.n && rc >= 0; i++) {
		/* The chair's commune as of the week (a merged commune's chair
		 * gets the new commune). */
		const struct catalog_commune *c = catalog_commune_as_of(cat, chairs.v[i].commune, week.last);
		rc = send_summary(s, cat, &week, &chairs.v[i], c ? c->code : chairs.v[i].commune, tz,
				  stz, due, now, late, d);
		if (rc > 0)
			queued++;
	}
	free(d);
	free(district.v);
	free(chairs.v);
	return rc < 0 ? rc : queued;
}

/* ---- reminders ---- */

struct silent {
	const struct catalog_village *v;
	int days;
	int32_t base;
};

static int tick_reminders(struct store *s, const struct catalog *cat,
			  const struct conf_reminders *rc_, int tz, int64_t now, int64_t since)
{
	int32_t today = period_local_day(now, tz);
	int32_t epoch_day = period_local_day(since, tz);
	struct people col = { 0 }, staff = { 0 };
	int rc = store_user_each(s, ROLE_COLLABORATOR, true, add_person, &col);
	if (rc >= 0)
		rc = store_user_each(s, ROLE_STAFF, true, add_person, &staff);
	size_t nv = catalog_village_count(cat);
	struct silent *sil = calloc(nv ? nv : 1, sizeof *sil);
	size_t nsil = 0;
	if (!sil)
		rc = STORE_E_DB;
	int queued = 0;
	for (size_t i = 0; i < nv && rc >= 0; i++) {
		const struct catalog_village *v = catalog_village_at(cat, i);
		if (!catalog_valid_on(v->from, v->until, today))
			continue;
		int32_t last;
		if ((rc = store_office_last_report(s, v->code, &last)) < 0)
			break;
		int32_t base = last == INT32_MIN || last < epoch_day ? epoch_day : last;
		int days = today - base;
		if (days < rc_->after_days)
			continue;
		sil[nsil].v = v;
		sil[nsil].days = days;
		sil[nsil].base = base;
		nsil++;
		int k = days / rc_->after_days;
		char base_iso[16];
		period_day_iso(base, base_iso, sizeof base_iso);
		for (size_t c = 0; c < col.n && rc >= 0; c++) {
			const struct catalog_village *cv = catalog_village_as_of(cat, col.v[c].village, today);
			if (cv != v)
				continue;
			char slot[160], text[200];
			snprintf(slot, sizeof slot, "remind:%.60s:%.10s:%d:%.23s", v->code, base_iso, k, col.v[c].phone);
			if ((rc = run_done(s, slot)) != 0)
				continue;
			snprintf(text, sizeof text,
				 "TINBAO: %.40s %.40s chua co bao cao %d ngay. Co hoat dong xin nhan tin, vd: "
				 "BC DA4.1 LOP 1 HV 25. Huong dan: HD",
				 v->name_ascii, v->commune ? v->commune->name_ascii : "", days);
			rc = queue_once(s, col.v[c].phone, text, slot, "reminder", now, now, false);
			if (rc > 0)
				queued++;
		}
	}
	if (rc > 0)
		rc = 0;	/* the last run_done() said "done" */
	/* Staff contacts: one message each listing the villages of their
	 * commune (district staff: those of communes without a contact) newly
	 * silent for staff_after_days. Every village is recorded, also those
	 * the list has no room for (" ..."), or the next tick would alert
	 * about them again. */
	typedef char slot_key[160];
	slot_key *slots = calloc(nsil ? nsil : 1, sizeof *slots);
	if (!slots)
		rc = STORE_E_DB;
	for (size_t p = 0; p < staff.n && rc >= 0; p++) {
		const struct person *st = &staff.v[p];
		char text[QUERY_REPLY_MAX], list[QUERY_REPLY_MAX] = "";
		size_t nslots = 0;
		int nlisted = 0, more = 0;
		for (size_t i = 0; i < nsil && rc >= 0; i++) {
			if (sil[i].days < rc_->staff_after_days)
				continue;
			const char *cc = sil[i].v->commune ? sil[i].v->commune->code : "";
			bool mine = !strcmp(st->commune, cc);
			if (!mine && !st->commune[0]) {
				/* District staff: only where the commune has no contact. */
				bool has = false;
				for (size_t q = 0; q < staff.n; q++)
					if (!strcmp(staff.v[q].commune, cc))
						has = true;
				mine = !has;
			}
			if (!mine)
				continue;
			char base_iso[16], slot[160];
			period_day_iso(sil[i].base, base_iso, sizeof base_iso);
			snprintf(slot, sizeof slot, "silent:%.60s:%.10s:%.23s", sil[i].v->code, base_iso, st->phone);
			if ((rc = run_done(s, slot)) != 0)
				continue;
			char item[128];
			snprintf(item, sizeof item, "%s%.40s %.40s (%d)", nlisted ? ", " : "",
				 sil[i].v->name_ascii, sil[i].v->commune ? sil[i].v->commune->name_ascii : "",
				 sil[i].days);
			if (strlen(list) + strlen(item) < 220)
				strcat(list, item), nlisted++;
			else
				more++;
			snprintf(slots[nslots++], sizeof slots[0], "%s", slot);
		}
		if (rc < 0)
			break;
		rc = 0;
		if (!nslots)
			continue;
		snprintf(text, sizeof text, "TINBAO: thon chua bao cao tu %d ngay: %.230s%s",
			 rc_->staff_after_days, list, more ? " ..." : "");
		char tslot[160], today_iso[16];
		period_day_iso(today, today_iso, sizeof today_iso);
		snprintf(tslot, sizeof tslot, "silent-list:%.23s:%.10s:%.60s", st->phone, today_iso,
			 slots[0] + 7);
		if ((rc = store_begin(s)) < 0)
			break;
		int64_t id = store_outbox_queue(s, st->phone, text, 0, tslot, now);
		if (id < 0 && id != STORE_E_RECIPIENT)
			rc = (int)id;
		for (size_t k = 0; k < nslots && rc >= 0; k++)
			rc = run_record(s, slots[k], "staff_alert", now, now, id > 0 ? id : 0, false);
		if (rc < 0) {
			store_rollback(s);
			break;
		}
		if ((rc = store_commit(s)) < 0)
			break;
		queued += id > 0;
	}
	free(slots);
	free(sil);
	free(col.v);
	free(staff.v);
	return rc < 0 ? rc : queued;
}

int office_tick(struct store *s, const struct catalog *cat, const struct tinbao_conf *conf,
		int64_t now, int64_t *next_due)
{
	int tz = 7 * 3600;
	if (conf && conf->timezone)
		catalog_tz_offset(conf->timezone, now, &tz);
	struct conf_summary sdef;
	struct conf_reminders rdef;
	conf_office_summary_defaults(&sdef);
	conf_office_reminders_defaults(&rdef);
	const struct conf_summary *sc = conf && conf->summary ? conf->summary : &sdef;
	const struct conf_reminders *rc_ = conf && conf->reminders ? conf->reminders : &rdef;
	int64_t next = now + SCHEDULE_MAX_SLEEP;
	if (next_due)
		*next_due = next;
	int64_t since;
	int rc = epoch(s, now, &since);
	if (rc < 0)
		return rc;
	int queued = 0;
	if (sc->enabled) {
		int stz = summary_tz(sc, tz, now);
		rc = tick_summary(s, cat, sc, tz, stz, now, since);
		if (rc < 0)
			return rc;
		queued += rc;
		int64_t nd = schedule_summary_next_due(now, stz, sc->day, sc->time);
		if (nd < next)
			next = nd;
	}
	if (rc_->enabled) {
		int64_t ends;
		if (schedule_quiet(now, tz, rc_->quiet_from, rc_->quiet_to, &ends)) {
			if (ends < next)
				next = ends;
		} else {
			rc = tick_reminders(s, cat, rc_, tz, now, since);
			if (rc < 0)
				return rc;
			queued += rc;
		}
	}
	if (next_due)
		*next_due = next;
	return queued;
}

int64_t office_timer_fire(void *timer)
{
	struct office_timer *t = timer;
	int64_t now = t->now(t->ctx), next = now + SCHEDULE_MAX_SLEEP;
	int rc = office_tick(t->store, t->catalog, t->conf, now, &next);
	t->last_result = rc;
	if (rc < 0) {
		log_warn("office: the schedule could not be looked at (%s); again in 60 s",
			 store_errmsg(t->store));
		return 60 * 1000;	/* busy or failing store: try again soon */
	}
	if (rc > 0 && t->queued)
		t->queued(t->ctx);
	int64_t delay = next - now;
	if (delay < 1)
		delay = 1;
	if (delay > SCHEDULE_MAX_SLEEP)
		delay = SCHEDULE_MAX_SLEEP;
	/* Tests wait for this line to know a tick happened. */
	log_info("office: tick: %d message(s) queued; next look in %lld s", rc, (long long)delay);
	return delay * 1000;
}

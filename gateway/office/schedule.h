/* schedule.h: the office's timed messages. The weekly summary goes out
 * exactly once per ISO week per recipient; reminders go to collaborators
 * of villages silent for reminders.after_days (never in quiet hours, at
 * most once per such period of silence), and the commune's staff contact
 * is told after reminders.staff_after_days.
 *
 * Exactly once, across restarts and clock changes: every message has a
 * slot key ("summary:2026-W47:+84912345678", "remind:vo-tranh/thon-3:
 * 2026-11-02:1:+849...") given to store_outbox_queue(), which queues a key
 * once, and recorded in office_runs in the same transaction. A box that was
 * off at the scheduled time queues the latest missed summary once, marked
 * late; older missed weeks are not sent (a stale summary helps nobody).
 *
 * The daemon (core.c) calls office_tick() from a timer: at start-up, then
 * at *next_due. The pure helpers below are what the tests drive with a
 * fixed clock. */
#ifndef TINBAO_SCHEDULE_H
#define TINBAO_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/period.h"

struct store;
struct catalog;
struct tinbao_conf;

/* Seconds after its due time when a summary is called late. */
#define SCHEDULE_LATE_AFTER 900
/* The most a tick sleeps: reminders are looked at least this often. */
#define SCHEDULE_MAX_SLEEP 3600

/* Queues what is due at `now` and sets *next_due (unix seconds) to when
 * the next call is needed. Returns the number of messages queued, or
 * negative on a store error (nothing half-queued; call again later). */
int office_tick(struct store *s, const struct catalog *cat, const struct tinbao_conf *conf,
		int64_t now, int64_t *next_due);

/* The daemon's timer, ready for loop.h: core.c keeps one struct
 * office_timer next to its other timers and writes
 *     loop_timer_init(&c->t_office, office_timer_fire, &c->office);
 *     loop_timer_arm(c->loop, &c->t_office, 0);        (at start)
 * office_timer_fire() calls office_tick() with now(ctx) (the daemon's wall
 * clock, unix seconds: core.c's, which tests can shift), calls queued(ctx)
 * when it queued anything (so the outbox is looked at now), and returns the
 * delay in ms until the next call: at most SCHEDULE_MAX_SLEEP, and a minute
 * after a store error. The clock is read at every call, so a clock change
 * is caught at the next tick. */
struct office_timer {
	struct store *store;
	const struct catalog *catalog;
	const struct tinbao_conf *conf;
	int64_t (*now)(void *ctx);	/* unix seconds */
	void (*queued)(void *ctx);	/* may be NULL */
	void *ctx;
	int last_result;		/* office_tick()'s last return, for logs and tests */
};
int64_t office_timer_fire(void *timer);

/* `tinbao summary --send`: queues the summary of `week` to every
 * configured recipient now, under the same slot keys as the scheduler (so
 * nobody gets a week twice). Returns the number queued or negative. */
int office_summary_send(struct store *s, const struct catalog *cat, const struct tinbao_conf *conf,
			const struct period *week, int64_t now);

/* ---- pure ---- */

/* The latest scheduled summary time <= now for weekday wday (0 = Sunday,
 * conf.h's CONF_WEEKDAY) at `minutes` after local midnight, and the week it
 * summarises (the last whole ISO week before the due day). */
int64_t schedule_summary_last_due(int64_t now, int tz_offset_s, int wday, int minutes,
				  struct period *week);
/* The first scheduled time > now. */
int64_t schedule_summary_next_due(int64_t now, int tz_offset_s, int wday, int minutes);

/* True when now falls in the quiet window [from, to) (minutes after local
 * midnight; the window may wrap midnight); *ends gets its end. */
bool schedule_quiet(int64_t now, int tz_offset_s, int from, int to, int64_t *ends);

/* Slot keys (buf of 128). */
void schedule_summary_slot(const struct period *week, const char *phone, char *buf, size_t len);

#endif

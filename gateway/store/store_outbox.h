/* store_outbox.h: the send queue (tables outbox and outbox_parts) and the
 * delivery reports (status_reports). store_outbox_queue() is in store.h.
 *
 * Life of a row, as the daemon drives it:
 *   queued --begin_attempt--> sending --part_sent (last part)--> sent
 *   sending --attempt_failed--> queued (next_attempt_at = now + backoff)
 *                           \-> failed (attempts exhausted)
 *   queued/sending --fail--> failed (permanent: reply cap, bad number)
 *   sent --status report(s), every part delivered--> delivered
 *   sent --status report with a permanent error--> failed
 * A multipart message resumes at part parts_sent + 1 after a failure or a
 * crash, so the encoding must be deterministic: derive the concatenation
 * reference from the outbox id (e.g. ref = id & 0xff). A part accepted by
 * the network just before a crash, whose part_sent did not commit, is sent
 * again: sending is at least once per part, queuing exactly once. */
#ifndef TINBAO_STORE_OUTBOX_H
#define TINBAO_STORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

struct store;

enum outbox_state { OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED, OUTBOX_DELIVERED };

#define OUTBOX_TEXT_MAX 2048
#define OUTBOX_SLOT_MAX 128
#define OUTBOX_ERROR_MAX 160

struct outbox_row {
	int64_t id;
	char recipient[24];
	char text[OUTBOX_TEXT_MAX];	/* truncated copies are flagged below */
	bool text_truncated;
	int64_t origin_msg_id;
	char slot[OUTBOX_SLOT_MAX];
	enum outbox_state state;
	int attempts;
	int parts_total, parts_sent;
	int64_t next_attempt_at, created_at, sent_at, delivered_at;	/* 0: not yet */
	char last_error[OUTBOX_ERROR_MAX];
};

/* Retry policy, from the config's limits section. */
struct outbox_policy {
	int max_attempts;	/* then failed */
	int64_t backoff;	/* seconds before the 2nd attempt; doubles each time */
	int64_t backoff_max;	/* cap on the delay */
};

const char *store_outbox_state_name(enum outbox_state st);	/* "queued" ... */
/* Delay before the next attempt after `attempts` failed ones (>= 1). */
int64_t store_outbox_backoff(const struct outbox_policy *p, int attempts);

/* The oldest queued row due at `now` (next_attempt_at <= now). 1 found,
 * 0 none, negative error. Rows in state sending are not returned. */
int store_outbox_next_due(struct store *s, int64_t now, struct outbox_row *out);
/* Earliest next_attempt_at among queued rows: 1 and *when set, 0 if the
 * queue is empty. For the daemon's timer: no polling of an empty queue. */
int store_outbox_next_time(struct store *s, int64_t *when);
/* 1 found, 0 not, negative error. */
int store_outbox_get(struct store *s, int64_t id, struct outbox_row *out);

/* At start-up: rows left in state sending by a crash go back to queued
 * (keeping parts_sent). Returns how many. */
int store_outbox_requeue_sending(struct store *s, int64_t now);
/* An attempt starts: state sending, attempts + 1, parts_total recorded
 * (the number of PDUs the text encodes to). */
int store_outbox_begin_attempt(struct store *s, int64_t id, int parts_total, int64_t now);
/* Part seq (1-based) was accepted with message reference mr. Parts must be
 * reported in order; the last one turns the row into sent. Idempotent. */
int store_outbox_part_sent(struct store *s, int64_t id, int seq, int mr, int64_t now);
/* The attempt failed (+CMS ERROR, timeout): back to queued after the
 * backoff, or failed when attempts reached the maximum. Returns the new
 * state (>= 0) or negative. */
int store_outbox_attempt_failed(struct store *s, int64_t id, const char *error,
				const struct outbox_policy *p, int64_t now);
/* Gives up at once (reply cap reached, recipient refused). */
int store_outbox_fail(struct store *s, int64_t id, const char *reason, int64_t now);

/* Messages sent (state sent or delivered) to `recipient` with sent_at >=
 * since, plus those being sent now: the reply-loop cap. Negative on error. */
int store_outbox_sent_since(struct store *s, const char *recipient, int64_t since);

/* A delivery report. recipient normalised to E.164 by the caller. */
struct status_report_in {
	const char *pdu;	/* hex as received */
	int mr;
	const char *recipient;
	int status;		/* TP-ST */
	int64_t scts, discharge_at;	/* 0 when unknown */
};
/* Records the report (a repeated report is recorded once) and applies it to
 * the newest part sent to that recipient with that reference, within the
 * last 7 days: TP-ST 0x00-0x1F delivered, 0x20-0x3F still trying (no
 * change), 0x40 and above failed. When every part is delivered the row is
 * delivered. Returns the outbox id it matched, 0 if none, or negative.
 * Runs in its own transaction (nested when the caller has one). */
int64_t store_outbox_status_report(struct store *s, const struct status_report_in *r,
				   int64_t now);

/* When the last message went out (sent_at of the newest sent or delivered
 * row), 0 if none, negative on error. */
int64_t store_outbox_last_sent_at(struct store *s);
/* The replies queued for inbound message msg_id (origin_msg_id), oldest
 * first. fn returns non-zero to stop. */
int store_outbox_each_reply(struct store *s, int64_t msg_id,
			    int (*fn)(const struct outbox_row *r, void *arg), void *arg);
/* Counts per state, indexed by enum outbox_state. */
int store_outbox_counts(struct store *s, int counts[5]);
/* Newest first, at most limit rows (0: no limit); fn returns non-zero to
 * stop. The row lives until fn returns; no writes from fn. */
int store_outbox_each(struct store *s, int limit,
		      int (*fn)(const struct outbox_row *r, void *arg), void *arg);

#endif

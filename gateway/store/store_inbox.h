/* store_inbox.h: inbound SMS, exactly once. Every PDU read from the modem
 * becomes a row of inbox_parts in one transaction that also assembles the
 * message it completes (concat.h); only after that commit may the SIM slot
 * be deleted. Assembled messages (table messages) wait with handled_at NULL
 * until dispatch ran.
 *
 * The core's sequence (gateway/core.c):
 *
 *   1. +CMTI / sweep: AT+CMGR=i (or AT+CMGL=4) gives hex + tpdu_len.
 *      pdu_decode(); on failure store_inbox_reject(), then AT+CMGD=i.
 *      A STATUS-REPORT goes to store_outbox_status_report() instead.
 *   2. phone_normalize(m.addr.text, conf->country, sender, ...) and
 *      store_inbox_part_from_pdu(&p, &m, hex, tpdu_len, sender, kind, now);
 *      store_inbox_commit_part(s, &p, now, &res). It is its own transaction.
 *        < 0: nothing stored: leave the PDU on the SIM, retry at the next
 *             sweep (do NOT delete it).
 *        >= 0 (any outcome, duplicates included): AT+CMGD=i.
 *      A crash between the commit and AT+CMGD reads the PDU again later:
 *      it comes back as INBOX_DUPLICATE and is deleted then.
 *   3. Dispatch, for every message not yet handled, oldest first:
 *        while (store_inbox_next_unhandled(s, &msg) == 1) {
 *            store_begin(s);
 *            dispatch_message(&env, &inbound)   -- queues replies keyed to
 *                                                  (msg.id, slot)
 *            store_inbox_mark_handled(s, msg.id, now);
 *            store_commit(s);   (on any error: store_rollback(), retry later
 *                                with a timer, do not spin)
 *        }
 *      This loop also runs at start-up: messages committed before a crash
 *      are dispatched then, and never twice since handled_at commits with
 *      the replies.
 *   Batching: each commit is an fsync (synchronous=FULL), about 200 a second
 *      on an ordinary disk. For a sweep that returns many PDUs, wrap their
 *      commits in one store_begin() .. store_commit() (the inner ones become
 *      savepoints): one fsync for the batch (bench_store: 15x). Delete the
 *      slots only after that outer commit succeeded; if it fails nothing of
 *      the batch is stored.
 *   4. A timer at concat_next_due(s, wait, &when) calls
 *      concat_assemble_overdue(s, now, wait) (wait = limits.incomplete_wait)
 *      and then step 3.
 */
#ifndef TINBAO_STORE_INBOX_H
#define TINBAO_STORE_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/pdu.h"
#include "sms/phone.h"

struct store;

/* One received PDU, decoded. Pointers are borrowed for the call. */
struct inbox_part {
	const char *pdu;	/* hex as the modem printed it */
	int tpdu_len;
	const char *sender;	/* phone_normalize() output ("" when invalid) */
	enum phone_kind sender_kind;
	int64_t scts;		/* service-centre time, unix seconds */
	int scts_tz;		/* quarter hours east of UTC */
	int concat_ref;		/* -1 when not concatenated */
	int concat_total, concat_seq;	/* 1, 1 when not concatenated */
	int dcs;
	const char *text;	/* UTF-8 */
	const uint8_t *data;	/* 8-bit user data, when text is empty */
	size_t data_len;
	int64_t received_at;
};

/* Fills p from a decoded SMS-DELIVER. The strings stay owned by m, hex and
 * sender: keep them alive until the commit. */
void store_inbox_part_from_pdu(struct inbox_part *p, const struct pdu_msg *m, const char *hex,
			       int tpdu_len, const char *sender, enum phone_kind kind,
			       int64_t now);

enum inbox_outcome {
	INBOX_WAITING,		/* stored; other parts of its message still missing */
	INBOX_ASSEMBLED,	/* stored and completed message_id */
	INBOX_DUPLICATE,	/* this part was stored before: nothing changed */
	INBOX_DUPLICATE_MESSAGE,	/* stored, but its message already existed */
	INBOX_LATE,		/* stored, joined an already assembled incomplete message */
};

struct inbox_result {
	enum inbox_outcome outcome;
	int64_t part_id;	/* the row (the existing one for a duplicate) */
	int64_t message_id;	/* 0 while waiting */
};

const char *store_inbox_outcome_name(enum inbox_outcome o);

/* Inserts the part and assembles what it completes, in one transaction
 * (nested as a savepoint if the caller has one open). 0 or negative; on
 * negative nothing was stored. */
int store_inbox_commit_part(struct store *s, const struct inbox_part *p,
			    struct inbox_result *res);

/* Keeps an undecodable PDU (once per distinct hex). 0 or negative. */
int store_inbox_reject(struct store *s, const char *hex, int tpdu_len, const char *why,
		       int64_t now);

#define INBOX_TEXT_MAX 8192

struct inbox_message {
	int64_t id;
	char sender[PDU_ADDR_MAX];
	enum phone_kind sender_kind;
	char text[INBOX_TEXT_MAX];	/* cut at a UTF-8 boundary if longer */
	bool text_truncated;
	int64_t sent_at, received_at, assembled_at;
	int sent_tz;
	int parts, parts_total;
	bool incomplete;
	int64_t handled_at;	/* 0 while not handled */
};

/* Oldest message with handled_at NULL: 1 found, 0 none, negative. */
int store_inbox_next_unhandled(struct store *s, struct inbox_message *out);
/* Sets handled_at; call inside the dispatch transaction. 0,
 * STORE_E_NOTFOUND (already handled or no such id) or negative. */
int store_inbox_mark_handled(struct store *s, int64_t id, int64_t now);
/* 1 found, 0 not, negative. */
int store_inbox_get(struct store *s, int64_t id, struct inbox_message *out);
/* Newest first, at most limit (0: all); fn returns non-zero to stop. */
int store_inbox_each(struct store *s, int limit,
		     int (*fn)(const struct inbox_message *m, void *arg), void *arg);

struct inbox_counts {
	int64_t messages;	/* assembled */
	int64_t unhandled;	/* waiting for dispatch */
	int64_t incomplete;	/* assembled with parts missing */
	int64_t open_parts;	/* parts waiting for their group */
	int64_t rejects;	/* undecodable PDUs kept */
	int64_t last_received_at;	/* 0 when none */
};
int store_inbox_counts(struct store *s, struct inbox_counts *c);

#endif

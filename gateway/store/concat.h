/* concat.h: reassembly of concatenated SMS from the parts kept in the
 * database (table inbox_parts), so that a message survives a restart while
 * its parts trickle in. A group is (sender, concat_ref, concat_total) over
 * the parts not yet assembled; it becomes a row of `messages` when every
 * seq 1..total is present, or after the configured wait with the parts it
 * has, marked incomplete. Parts are joined in seq order with nothing in
 * between (a missing part leaves no marker: the incomplete flag says it).
 *
 * A whole message delivered twice under different references makes the
 * same (sender, sent_at, text) and is recognised by the unique key of
 * `messages`: its parts are attached to the first copy.
 *
 * Every function here works inside the caller's transaction except
 * concat_assemble_overdue(), which opens its own (nested if needed). */
#ifndef TINBAO_CONCAT_H
#define TINBAO_CONCAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum concat_outcome {
	CONCAT_WAITING,		/* stored, its group still lacks parts */
	CONCAT_ASSEMBLED,	/* a new message row was made */
	CONCAT_DUPLICATE_MESSAGE,	/* the same message already existed */
	CONCAT_LATE,		/* a missing part of an incomplete message that
				   was already assembled: attached, no new message */
};

struct concat_result {
	enum concat_outcome outcome;
	int64_t message_id;	/* set unless CONCAT_WAITING */
};

/* Parts of one message are time-stamped by the service centre within
 * seconds of each other: a part only joins an earlier incomplete message
 * when their stamps are this close (references are reused over time). */
#define CONCAT_LATE_SCTS_WINDOW 3600

/* After inserting part `part_id`: assemble its group if complete (or if it
 * is a single-part message), or attach it to the incomplete message it
 * belongs to. */
int concat_after_insert(struct store *s, int64_t part_id, int64_t now,
			struct concat_result *r);

/* Assembles, marked incomplete, every group whose oldest part was received
 * at or before now - wait. Returns how many messages were made (duplicates
 * of existing messages not counted) or negative. */
int concat_assemble_overdue(struct store *s, int64_t now, int64_t wait);

/* When the next group becomes overdue: 1 and *when set, 0 if no group is
 * open. The daemon arms a timer for it instead of polling. */
int concat_next_due(struct store *s, int64_t wait, int64_t *when);

/* FNV-1a 64-bit, chained through `h` (start with CONCAT_FNV_INIT). Not a
 * cryptographic hash: it only tells apart texts that already share sender
 * and service-centre time. */
#define CONCAT_FNV_INIT 0xcbf29ce484222325ull
uint64_t concat_fnv1a(uint64_t h, const void *data, size_t len);
/* 16 lower-case hex digits and NUL into out[17]. */
void concat_hash_hex(uint64_t h, char out[17]);

#endif

/* dispatch.h: from an assembled inbound message to its effects and replies.
 * core.c calls dispatch_message() inside the transaction that marks the
 * message handled, so a crash either keeps both or neither: a reply is queued
 * exactly once per inbound message (outbox key: message id + slot). */
#ifndef TINBAO_DISPATCH_H
#define TINBAO_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "sms/phone.h"

struct store;
struct catalog;
struct tinbao_conf;

struct inbound_msg {
	int64_t id;		/* messages.id of the assembled message */
	const char *sender;	/* E.164 when sender_kind is PHONE_E164 */
	enum phone_kind sender_kind;
	const char *text;	/* UTF-8, whole message */
	int64_t received_at;	/* unix seconds, gateway clock */
	int64_t sent_at;	/* service-centre time stamp, unix seconds */
	bool incomplete;	/* parts missing after the wait */
};

struct dispatch_env {
	struct store *store;
	const struct catalog *catalog;
	const struct tinbao_conf *conf;
	int64_t now;		/* unix seconds; tests fix it */
};

/* Returns 0, or negative on a store error (the caller rolls back and the
 * message is handled again later). Bad text is never an error: it gets a
 * hint. */
int dispatch_message(const struct dispatch_env *env, const struct inbound_msg *msg);

#endif

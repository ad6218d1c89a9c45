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

/* ---- the command table (dispatch.c) ----
 * A message's first word (after an optional TEST) picks the command: exact
 * spellings first, one typo away when unique. To add a command, write a
 * handler and add one line to the table in dispatch.c. */
struct user;
struct report_tokens;
struct dispatch_command;

/* Who may use a command: bits of 1u << enum user_role, plus these two for
 * numbers without an active account. */
#define DISPATCH_STRANGER (1u << 8)	/* no account */
#define DISPATCH_PENDING (1u << 9)	/* registered, waiting for approval (or disabled) */
#define DISPATCH_ROLE(r) (1u << (r))

struct dispatch_ctx {
	const struct dispatch_env *env;
	const struct inbound_msg *msg;
	const struct user *sender;	/* NULL for strangers */
	const struct dispatch_command *command;	/* the table entry that matched */
	const struct report_tokens *tokens;
	int start;			/* first token after the keyword */
	bool training;			/* TEST prefix or the user's training flag */
	int tz_offset;			/* seconds east of UTC (config timezone) */
	char reply[400];		/* the answer to queue ("" = none), one SMS */
};

/* Returns 0, or negative on a store error (the message is retried). */
typedef int (*dispatch_handler)(struct dispatch_ctx *ctx);

struct dispatch_command {
	const char *name;	/* "BC", shown in replies */
	const char *forms;	/* folded spellings: "bc|baocao|bao cao" */
	dispatch_handler handler;
	unsigned roles;		/* DISPATCH_ROLE(ROLE_STAFF) | ... */
};

/* Queues ctx->reply-like text to another number, keyed to this message
 * (slot must be unique per message). Returns the outbox id or negative. */
int64_t dispatch_notify(struct dispatch_ctx *ctx, const char *to, const char *text, const char *slot);

/* Whether u (NULL: no account) may use the command named name ("BC") by
 * the table's roles, as dispatch_message() decides it: for other ways in
 * (the USSD menu) to refuse at once what dispatch would refuse later. */
bool dispatch_permits(const char *name, const struct user *u);

/* Returns 0, or negative on a store error (the caller rolls back and the
 * message is handled again later). Bad text is never an error: it gets a
 * hint. */
int dispatch_message(const struct dispatch_env *env, const struct inbound_msg *msg);

#endif

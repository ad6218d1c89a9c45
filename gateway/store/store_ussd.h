/* store_ussd.h: the USSD tables of migration 005_ussd (H2): menu sessions,
 * balance readings of the gateway's SIM and the USSD log. Every statement
 * goes through store_prepare(). Strings in the structs are copies. */
#ifndef TINBAO_STORE_USSD_H
#define TINBAO_STORE_USSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define USSD_SESSION_ID_MAX 128
#define USSD_SCREEN_MAX 512
#define USSD_INPUT_MAX 512

struct ussd_session {
	char session_id[USSD_SESSION_ID_MAX];
	char phone[24];
	char service_code[32];
	int64_t started_at, updated_at;
	char last_text[USSD_INPUT_MAX];
	char screen[USSD_SCREEN_MAX];	/* "CON ..." / "END ..." */
	char state[12];			/* open, done, cancelled, timeout, refused */
	char report_text[256];		/* "" until confirmed */
	int64_t message_id;		/* 0 until committed */
};

/* 1 found, 0 not, negative enum store_err. */
int store_ussd_session_get(struct store *s, const char *session_id, struct ussd_session *out);
/* Insert or replace by session_id. 0 or negative. */
int store_ussd_session_put(struct store *s, const struct ussd_session *u);
/* Open sessions not seen since `before` become 'timeout'. Returns how many. */
int store_ussd_sessions_expire(struct store *s, int64_t before);

struct credit_reading {
	int64_t id, at;
	char code[32];
	int status;		/* +CUSD <m>, -1 no reply */
	char raw[600];
	bool has_balance;
	double balance;
	double threshold;
	bool armed;		/* alarm state after this reading */
	bool alerted;
};

/* Returns the new id or negative. */
int64_t store_credit_add(struct store *s, const struct credit_reading *r);
/* The newest reading, or the newest with a balance when with_balance.
 * 1 found, 0 none, negative. */
int store_credit_last(struct store *s, bool with_balance, struct credit_reading *out);
/* Newest first, at most limit (0: all); fn returns non-zero to stop. */
int store_credit_each(struct store *s, int limit,
		      int (*fn)(const struct credit_reading *r, void *arg), void *arg);

/* Staff USSD commands queued by dispatch (table ussd_requests). */
struct ussd_request {
	int64_t id, origin_msg_id;
	char phone[24];
	char kind[8];		/* "run", "answer", "cancel", "topup" */
	char code[176];		/* what to send ("" once done) */
	char logged[176];	/* the code with a card number masked */
	int64_t created_at;
};

/* Queues one request for the inbound message origin_msg_id; queuing the
 * same message again is a no-op returning the existing id. Call inside the
 * dispatch transaction. Returns the id or negative. */
int64_t store_ussd_request_add(struct store *s, int64_t origin_msg_id, const char *phone,
			       const char *kind, const char *code, const char *logged, int64_t now);
/* The oldest queued request: 1 found, 0 none, negative. */
int store_ussd_request_next(struct store *s, struct ussd_request *out);
/* Marks it done with the result name and forgets the real code (a top-up
 * card number must not stay in the database). 0 or negative. */
int store_ussd_request_done(struct store *s, int64_t id, const char *result, int64_t now);

/* kind "modem" or "http". 0 or negative. */
int store_ussd_log(struct store *s, int64_t at, const char *kind, const char *phone,
		   const char *request, const char *response, const char *status);

#endif

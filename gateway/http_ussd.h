/* http_ussd.h: the USSD menu served to an operator's USSD gateway over HTTP
 * (aggregator convention): POST <path> (default /ussd) with the form fields
 * sessionId, serviceCode, phoneNumber, text (inputs joined by '*', empty on
 * the first request) and, when a secret is configured, key. The answer is
 * text/plain "CON ..." (more) or "END ..." (done).
 *
 * libmicrohttpd in external mode with epoll: the daemon has one file
 * descriptor (http_ussd_fd) that becomes readable when any of its sockets
 * needs attention, so it sits in the gateway's one poll() loop like any
 * other watch; no thread. http_ussd_attach() does that wiring on a struct
 * loop; http_ussd_fd / _timeout_ms / _run are there for other loops (tests).
 *
 * Session state is in SQLite (ussd_sessions): the screen is recomputed from
 * `text` by the pure menu engine, the row keeps the last answer (a retried
 * request gets the same one), the idle timeout, and the message a confirmed
 * report was committed as. A confirmed report becomes an inbound message
 * from the phone (store_inbox_commit_part with pdu "ussd:<sessionId>"), so
 * dispatch stores it through the same checks as an SMS and the receipt goes
 * back by SMS; on_report tells the core to run its dispatch loop. */
#ifndef TINBAO_HTTP_USSD_H
#define TINBAO_HTTP_USSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct catalog;
struct loop;
struct conf_ussd_http;
struct conf_ussd_menu;

struct http_ussd_env {
	struct store *store;
	const struct catalog *catalog;
	const char *country;			/* "+84", for phoneNumber */
	const struct conf_ussd_http *conf;	/* listen, secret, allow, timeout, path */
	const struct conf_ussd_menu *menu;	/* NULL: all projects, 182 characters */
	int64_t (*now)(void *ctx);		/* unix seconds; NULL: time() */
	/* A confirmed report was committed as inbound message message_id:
	 * run the dispatch loop (store_inbox_next_unhandled ...). May be NULL. */
	void (*on_report)(void *ctx, int64_t message_id);
	void *ctx;
	/* The config's `timezone` (NULL: Vietnam's +07:00): "today" for the
	 * place a report without one would get. */
	const char *timezone;
};

struct http_ussd;

/* Starts listening. env is copied; what it points to must outlive h.
 * Returns 0, or -1 with the reason (bad listen address, port in use). */
int http_ussd_new(struct http_ussd **out, const struct http_ussd_env *env, char *why,
		  size_t whylen);
void http_ussd_free(struct http_ussd *h);	/* NULL-safe; detaches from its loop */

/* After a SIGHUP reload swapped the configuration and catalog: the new
 * pointers (the old ones are about to be freed). The listen address keeps
 * its value until a restart; secret, allow, timeout, path and the menu take
 * effect at once. */
void http_ussd_reload(struct http_ussd *h, const struct catalog *catalog,
		      const struct conf_ussd_http *conf, const struct conf_ussd_menu *menu,
		      const char *country, const char *timezone);

/* Registers the daemon's fd and its timer with l (one watch, one timer). */
int http_ussd_attach(struct http_ussd *h, struct loop *l);

int http_ussd_fd(const struct http_ussd *h);	/* poll it for POLLIN */
int64_t http_ussd_timeout_ms(const struct http_ussd *h);	/* -1: none */
void http_ussd_run(struct http_ussd *h);	/* when readable or timed out */
int http_ussd_port(const struct http_ussd *h);	/* the bound port (listen :0 in tests) */

/* Statistics for tests and `tinbao status`. */
struct http_ussd_stats {
	unsigned long requests, refused_auth, bad_requests, reports;
};
void http_ussd_get_stats(const struct http_ussd *h, struct http_ussd_stats *out);

/* The request logic without HTTP: fields as received (any may be NULL),
 * answer into out. Returns the HTTP status to send (200, 400, 500). */
struct http_ussd_req {
	const char *session_id, *service_code, *phone, *text;
};
int http_ussd_answer(const struct http_ussd_env *env, const struct http_ussd_req *r, int64_t now,
		     char *out, size_t outlen, int64_t *report_msg_id);

#endif

/* fw_ctl.h: the control socket of tinbao-modem, the network side that tests
 * and `make run` drive. A Unix stream socket; one JSON object a line each
 * way: a request {"cmd": "sms" | "sent" | "ussd" | "fault" | "status" |
 * "wait", ...} gets one answer {"ok": true, ...} or {"ok": false, "error":
 * "..."}. A request may wait for an event ("sent" with "wait"): the handler
 * is asked again after every turn of the loop until it answers or the
 * request's deadline passes. The protocol is in docs/modem.md. */
#ifndef TINBAO_FW_CTL_H
#define TINBAO_FW_CTL_H

#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "fw_buf.h"

#define FW_CTL_CLIENTS 16

/* Answers req, or returns NULL to be asked again later (final is true once
 * the request's "wait" has run out: then it must answer). */
typedef json_t *(*fw_ctl_fn)(void *ctx, json_t *req, bool final, int64_t now);

struct fw_ctl_client {
	int fd;
	struct fw_buf in, out;
	json_t *pending;	/* request waiting for its answer */
	int64_t deadline;
	bool closing;
};

struct fw_ctl {
	int listen_fd;
	char path[PATH_MAX];
	struct fw_ctl_client cl[FW_CTL_CLIENTS];
	fw_ctl_fn fn;
	void *ctx;
};

void fw_ctl_init(struct fw_ctl *c, fw_ctl_fn fn, void *ctx);
int fw_ctl_listen(struct fw_ctl *c, const char *path, char *why, size_t whylen);
void fw_ctl_close(struct fw_ctl *c);
/* Adds the socket's descriptors; returns how many were added (at most
 * 1 + FW_CTL_CLIENTS). */
int fw_ctl_pollfds(const struct fw_ctl *c, struct pollfd *p, int max);
/* Handles what poll reported for those descriptors. */
void fw_ctl_handle(struct fw_ctl *c, const struct pollfd *p, int n, int64_t now);
/* Asks the handler again for waiting requests. */
void fw_ctl_retry(struct fw_ctl *c, int64_t now);
int64_t fw_ctl_next_deadline(const struct fw_ctl *c);
int fw_ctl_clients(const struct fw_ctl *c);

#endif

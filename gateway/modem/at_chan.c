/* at_chan.c: command queue over the pure framer; routes lines to the
 * command in flight or to URC handlers. */
#include "modem/at_chan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"

#define AT_CHAN_OUT_MAX 1024
#define AT_CHAN_URC_MAX 32
#define AT_CHAN_FINAL_MAX 16

struct at_cmd {
	struct at_cmd *next;
	char *cmd;
	char *pdu;
	const char *const *prefixes;
	int timeout_ms;		/* until the prompt when there is a pdu */
	int pdu_timeout_ms;	/* after the pdu and Ctrl-Z */
	char *log_as;
	bool esc_first;
	at_line_fn on_line;
	at_done_fn on_done;
	void *ctx;
	bool pdu_sent;
};

struct at_urc {
	char prefix[32];
	bool with_pdu;
	at_urc_fn fn;
	void *ctx;
};

struct at_final_ext {
	char prefix[48];
	enum at_final final;
};

enum at_route { AT_ROUTE_NONE, AT_ROUTE_CMD, AT_ROUTE_URC };

struct at_chan {
	struct loop *loop;
	struct at_chan_io io;
	struct at_frame frame;
	struct at_cmd *head, *tail;	/* head is in flight once written */
	bool in_flight;
	size_t queued;
	struct loop_timer timeout;
	char out[AT_CHAN_OUT_MAX];
	size_t outlen;
	struct at_urc urcs[AT_CHAN_URC_MAX];
	size_t nurcs;
	struct at_final_ext finals[AT_CHAN_FINAL_MAX];
	size_t nfinals;
	enum at_route last;		/* where the previous line went: a PDU follows it */
	const struct at_urc *pending_urc;	/* header seen, waiting for its PDU */
	char pending_line[AT_LINE_MAX + 1];
	unsigned long dropped;
};

static void at_chan_start(struct at_chan *c);

static void at_cmd_free(struct at_cmd *cmd)
{
	if (!cmd)
		return;
	free(cmd->cmd);
	free(cmd->pdu);
	free(cmd->log_as);
	free(cmd);
}

static bool at_starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Pops the head and reports its end; the callback may queue more commands
 * (never free the channel: the framer calling us lives inside it). */
static void at_chan_finish(struct at_chan *c, const struct at_response *r)
{
	struct at_cmd *cmd = c->head;
	if (!cmd)
		return;
	c->head = cmd->next;
	if (!c->head)
		c->tail = NULL;
	c->queued--;
	c->in_flight = false;
	c->last = AT_ROUTE_NONE;
	loop_timer_stop(c->loop, &c->timeout);
	if (cmd->on_done)
		cmd->on_done(cmd->ctx, r);
	at_cmd_free(cmd);
	at_chan_start(c);
}

static int64_t at_chan_on_timeout(void *ctx)
{
	struct at_chan *c = ctx;
	if (c->head && c->in_flight) {
		const struct at_cmd *cmd = c->head;
		const char *name = cmd->log_as ? cmd->log_as : cmd->cmd;
		if (cmd->pdu && !cmd->pdu_sent)
			log_warn("modem: no \"> \" prompt for %s within %d ms", name, cmd->timeout_ms);
		else if (cmd->pdu)
			log_warn("modem: no answer to %s after its PDU within %d ms", name,
				 cmd->pdu_timeout_ms);
		else
			log_warn("modem: no answer to %s within %d ms", name, cmd->timeout_ms);
		/* Whatever was queued to be written belongs to the command that
		 * just gave up. */
		c->outlen = 0;
		struct at_response r = { .final = AT_FINAL_NONE, .code = -1, .timeout = true, .text = "" };
		at_chan_finish(c, &r);
	}
	return LOOP_DONE;
}

static void at_chan_flush(struct at_chan *c)
{
	while (c->outlen) {
		ssize_t w = c->io.write(c->io.ctx, c->out, c->outlen);
		if (w <= 0)
			break;	/* -1: the owner sees the link die on its read side */
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	if (c->io.want_write)
		c->io.want_write(c->io.ctx, c->outlen > 0);
}

static void at_chan_write(struct at_chan *c, const char *s, size_t n)
{
	if (c->outlen + n > sizeof c->out) {
		log_err("modem: output buffer full, dropping %zu bytes", n);
		return;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
	at_chan_flush(c);
}

static void at_chan_start(struct at_chan *c)
{
	if (!c->head && !c->in_flight && c->io.idle) {
		c->io.idle(c->io.ctx);
		return;
	}
	if (c->in_flight || !c->head)
		return;
	struct at_cmd *cmd = c->head;
	c->in_flight = true;
	c->last = AT_ROUTE_NONE;
	log_debug("modem -> %s", cmd->log_as ? cmd->log_as : cmd->cmd);
	if (cmd->esc_first)
		at_chan_write(c, "\x1b", 1);
	at_chan_write(c, cmd->cmd, strlen(cmd->cmd));
	at_chan_write(c, "\r", 1);
	loop_timer_arm(c->loop, &c->timeout, cmd->timeout_ms);
}

int at_chan_send(struct at_chan *c, const struct at_req *req)
{
	struct at_cmd *cmd = calloc(1, sizeof *cmd);
	if (!cmd)
		return -1;
	cmd->cmd = strdup(req->cmd);
	cmd->pdu = req->pdu ? strdup(req->pdu) : NULL;
	cmd->log_as = req->log_as ? strdup(req->log_as) : NULL;
	if (!cmd->cmd || (req->pdu && !cmd->pdu) || (req->log_as && !cmd->log_as)) {
		at_cmd_free(cmd);
		return -1;
	}
	cmd->prefixes = req->prefixes;
	cmd->esc_first = req->esc_first;
	cmd->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 5000;
	cmd->pdu_timeout_ms = req->pdu_timeout_ms > 0 ? req->pdu_timeout_ms : cmd->timeout_ms;
	cmd->on_line = req->on_line;
	cmd->on_done = req->on_done;
	cmd->ctx = req->ctx;
	if (c->tail)
		c->tail->next = cmd;
	else
		c->head = cmd;
	c->tail = cmd;
	c->queued++;
	at_chan_start(c);
	return 0;
}

void at_chan_cancel_all(struct at_chan *c)
{
	c->outlen = 0;
	if (c->io.want_write)
		c->io.want_write(c->io.ctx, false);
	loop_timer_stop(c->loop, &c->timeout);
	/* Detach the queue first: a callback may queue new commands, which
	 * belong to the next life of the link and must not be cancelled here. */
	struct at_cmd *list = c->head;
	c->head = c->tail = NULL;
	c->queued = 0;
	c->in_flight = false;
	c->pending_urc = NULL;
	c->last = AT_ROUTE_NONE;
	while (list) {
		struct at_cmd *cmd = list;
		list = cmd->next;
		struct at_response r = { .final = AT_FINAL_NONE, .code = -1, .cancelled = true, .text = "" };
		if (cmd->on_done)
			cmd->on_done(cmd->ctx, &r);
		at_cmd_free(cmd);
	}
	at_chan_start(c);
}

void at_chan_cancel_queued(struct at_chan *c)
{
	struct at_cmd **pp = c->in_flight && c->head ? &c->head->next : &c->head;
	struct at_cmd *list = *pp;
	*pp = NULL;
	c->tail = c->head;
	while (list) {
		struct at_cmd *cmd = list;
		list = cmd->next;
		c->queued--;
		struct at_response r = { .final = AT_FINAL_NONE, .code = -1, .cancelled = true, .text = "" };
		if (cmd->on_done)
			cmd->on_done(cmd->ctx, &r);
		at_cmd_free(cmd);
	}
}

static const struct at_urc *at_chan_urc_find(const struct at_chan *c, const char *line)
{
	for (size_t i = 0; i < c->nurcs; i++)
		if (at_starts(line, c->urcs[i].prefix))
			return &c->urcs[i];
	return NULL;
}

static bool at_chan_is_cmds(const struct at_chan *c, const char *line)
{
	const struct at_cmd *cmd = c->head;
	if (!cmd || !c->in_flight || !cmd->prefixes)
		return false;
	for (const char *const *p = cmd->prefixes; *p; p++) {
		if (**p == 0) {
			if (line[0] != '+' && line[0] != '^' && line[0] != '*' &&
			    !at_chan_urc_find(c, line))
				return true;
		} else if (at_starts(line, *p)) {
			return true;
		}
	}
	return false;
}

static void at_chan_urc_call(struct at_chan *c, const struct at_urc *u, const char *line,
			     const char *pdu)
{
	u->fn(u->ctx, line, pdu);
	(void)c;
}

static void at_chan_line(struct at_chan *c, const char *line)
{
	/* A URC header that announced a PDU but got a line instead: deliver
	 * what we have, the handler copes with a missing PDU. */
	if (c->pending_urc) {
		const struct at_urc *u = c->pending_urc;
		c->pending_urc = NULL;
		at_chan_urc_call(c, u, c->pending_line, NULL);
	}
	if (c->head && c->in_flight) {
		for (size_t i = 0; i < c->nfinals; i++)
			if (at_starts(line, c->finals[i].prefix)) {
				struct at_response r = { .final = c->finals[i].final, .code = -1, .text = line };
				at_chan_finish(c, &r);
				return;
			}
		if (at_chan_is_cmds(c, line)) {
			c->last = AT_ROUTE_CMD;
			if (c->head->on_line)
				c->head->on_line(c->head->ctx, line, false);
			return;
		}
	}
	const struct at_urc *u = at_chan_urc_find(c, line);
	if (u) {
		c->last = AT_ROUTE_URC;
		if (u->with_pdu) {
			c->pending_urc = u;
			snprintf(c->pending_line, sizeof c->pending_line, "%s", line);
		} else {
			at_chan_urc_call(c, u, line, NULL);
		}
		return;
	}
	c->last = AT_ROUTE_NONE;
	c->dropped++;
	log_info("modem: unexpected line skipped: \"%.80s\"", line);
}

static void at_chan_event(void *ctx, const struct at_event *ev)
{
	struct at_chan *c = ctx;
	switch (ev->kind) {
	case AT_EV_ECHO:
		/* Echo is off after ATE0; before that, and after a modem reset,
		 * it comes back and means nothing. */
		return;
	case AT_EV_LINE:
		log_debug("modem <- %.200s", ev->text);
		at_chan_line(c, ev->text);
		return;
	case AT_EV_PDU:
		log_debug("modem <- [pdu %zu hex]", ev->len);
		if (c->pending_urc) {
			const struct at_urc *u = c->pending_urc;
			c->pending_urc = NULL;
			c->last = AT_ROUTE_NONE;
			at_chan_urc_call(c, u, c->pending_line, ev->text);
		} else if (c->last == AT_ROUTE_CMD && c->head && c->in_flight) {
			if (c->head->on_line)
				c->head->on_line(c->head->ctx, ev->text, true);
		} else {
			c->dropped++;
			log_info("modem: PDU nobody asked for skipped (%zu hex digits)", ev->len);
		}
		return;
	case AT_EV_PROMPT:
		if (c->head && c->in_flight && c->head->pdu && !c->head->pdu_sent) {
			c->head->pdu_sent = true;
			at_chan_write(c, c->head->pdu, strlen(c->head->pdu));
			at_chan_write(c, "\x1a", 1);
			/* The modem answered at once; now the network has the
			 * message, and its answer takes the long timeout. */
			loop_timer_arm(c->loop, &c->timeout, c->head->pdu_timeout_ms);
		} else {
			/* A prompt nobody waits for (the AT+CMGS it belonged to
			 * timed out): ESC leaves it, or the modem would take our
			 * next command as message text. */
			log_warn("modem: stray \"> \" prompt, sending ESC");
			at_chan_write(c, "\x1b", 1);
		}
		return;
	case AT_EV_FINAL:
		if (c->pending_urc) {
			const struct at_urc *u = c->pending_urc;
			c->pending_urc = NULL;
			at_chan_urc_call(c, u, c->pending_line, NULL);
		}
		log_debug("modem <- %s", ev->text);
		if (c->head && c->in_flight) {
			struct at_response r = { .final = ev->final, .code = ev->code, .text = ev->text };
			at_chan_finish(c, &r);
		} else {
			c->dropped++;
			log_info("modem: final result \"%.40s\" with no command in flight", ev->text);
		}
		return;
	}
}

struct at_chan *at_chan_new(struct loop *loop, const struct at_chan_io *io)
{
	struct at_chan *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = loop;
	c->io = *io;
	at_frame_init(&c->frame, at_chan_event, c);
	loop_timer_init(&c->timeout, at_chan_on_timeout, c);
	return c;
}

void at_chan_free(struct at_chan *c)
{
	if (!c)
		return;
	loop_timer_stop(c->loop, &c->timeout);
	struct at_cmd *cmd = c->head;
	while (cmd) {
		struct at_cmd *next = cmd->next;
		at_cmd_free(cmd);
		cmd = next;
	}
	free(c);
}

void at_chan_feed(struct at_chan *c, const uint8_t *buf, size_t n)
{
	at_frame_feed(&c->frame, buf, n);
}

void at_chan_on_writable(struct at_chan *c)
{
	at_chan_flush(c);
}

void at_chan_reset(struct at_chan *c)
{
	at_frame_reset(&c->frame);
	c->pending_urc = NULL;
	c->last = AT_ROUTE_NONE;
}

int at_chan_urc_add(struct at_chan *c, const char *prefix, bool with_pdu, at_urc_fn fn, void *ctx)
{
	if (c->nurcs == AT_CHAN_URC_MAX || strlen(prefix) >= sizeof c->urcs[0].prefix)
		return -1;
	struct at_urc *u = &c->urcs[c->nurcs++];
	snprintf(u->prefix, sizeof u->prefix, "%s", prefix);
	u->with_pdu = with_pdu;
	u->fn = fn;
	u->ctx = ctx;
	return 0;
}

int at_chan_final_add(struct at_chan *c, const char *prefix, enum at_final final)
{
	if (c->nfinals == AT_CHAN_FINAL_MAX || strlen(prefix) >= sizeof c->finals[0].prefix)
		return -1;
	snprintf(c->finals[c->nfinals].prefix, sizeof c->finals[0].prefix, "%s", prefix);
	c->finals[c->nfinals++].final = final;
	return 0;
}

bool at_chan_busy(const struct at_chan *c)
{
	return c->head != NULL;
}

size_t at_chan_queued(const struct at_chan *c)
{
	return c->queued;
}

unsigned long at_chan_dropped(const struct at_chan *c)
{
	return c->dropped;
}

/* test_at_chan.c: the AT command queue against scripted modem output: which
 * line belongs to the command and which is a URC, finals from the framer and
 * from a per-model table, the AT+CMGS prompt, timeouts on the fake clock,
 * cancel, and garbage that is skipped without harm. */
#include <stdint.h>

#include "check.h"
#include "log.h"
#include "loop.h"
#include "modem/at_chan.h"

struct io {
	char out[4096];
	size_t n;
	bool want_write;
	int idle;
	int limit;	/* bytes accepted per write call, 0 = all */
};

static ssize_t io_write(void *ctx, const void *buf, size_t n)
{
	struct io *io = ctx;
	if (io->limit < 0)
		return 0;
	if (io->limit && n > (size_t)io->limit)
		n = (size_t)io->limit;
	if (io->n + n >= sizeof io->out)
		n = sizeof io->out - io->n - 1;
	memcpy(io->out + io->n, buf, n);
	io->n += n;
	io->out[io->n] = 0;
	return (ssize_t)n;
}

static void io_want(void *ctx, bool on)
{
	((struct io *)ctx)->want_write = on;
}

static void io_idle(void *ctx)
{
	((struct io *)ctx)->idle++;
}

struct rec {
	char lines[16][300];
	bool pdu[16];
	int nlines;
	int done;
	struct at_response r;
	char final_text[64];
};

static void rec_line(void *ctx, const char *line, bool is_pdu)
{
	struct rec *r = ctx;
	if (r->nlines < 16) {
		snprintf(r->lines[r->nlines], sizeof r->lines[0], "%s", line);
		r->pdu[r->nlines++] = is_pdu;
	}
}

static void rec_done(void *ctx, const struct at_response *resp)
{
	struct rec *r = ctx;
	r->done++;
	r->r = *resp;
	snprintf(r->final_text, sizeof r->final_text, "%s", resp->text ? resp->text : "(null)");
}

struct urcs {
	char line[8][200];
	char pdu[8][200];
	int n;
};

static void urc_fn(void *ctx, const char *line, const char *pdu)
{
	struct urcs *u = ctx;
	if (u->n < 8) {
		snprintf(u->line[u->n], sizeof u->line[0], "%s", line);
		snprintf(u->pdu[u->n], sizeof u->pdu[0], "%s", pdu ? pdu : "(none)");
		u->n++;
	}
}

static void feed(struct at_chan *c, const char *s)
{
	at_chan_feed(c, (const uint8_t *)s, strlen(s));
}

static const char *const px_cmgl[] = { "+CMGL:", NULL };
static const char *const px_csq[] = { "+CSQ:", NULL };
static const char *const px_cmgs[] = { "+CMGS:", NULL };
static const char *const px_bare[] = { AT_PREFIX_BARE, NULL };

static struct at_chan *mk(struct loop **l, struct io *io)
{
	*l = loop_new(true);
	struct at_chan_io cio = { io_write, io_want, io_idle, io };
	return at_chan_new(*l, &cio);
}

static void send(struct at_chan *c, const char *cmd, const char *const *px, struct rec *r)
{
	struct at_req q = { .cmd = cmd, .prefixes = px, .timeout_ms = 1000, .on_line = rec_line,
			    .on_done = rec_done, .ctx = r };
	CHECK(at_chan_send(c, &q) == 0);
}

TEST(one_command_in_flight_in_order)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 }, b = { 0 };
	send(c, "AT", NULL, &a);
	send(c, "AT+CSQ", px_csq, &b);
	CHECK_STR(io.out, "AT\r");	/* the second waits for the first */
	CHECK_INT(at_chan_queued(c), 2);
	feed(c, "\r\nOK\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.r.final, AT_FINAL_OK);
	CHECK_STR(io.out, "AT\rAT+CSQ\r");
	feed(c, "\r\n+CSQ: 17,99\r\n\r\nOK\r\n");
	CHECK_INT(b.done, 1);
	CHECK_INT(b.nlines, 1);
	CHECK_STR(b.lines[0], "+CSQ: 17,99");
	CHECK(!at_chan_busy(c));
	CHECK(io.idle >= 1);
	at_chan_free(c);
	loop_free(l);
}

TEST(urc_during_command_goes_to_its_handler)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct urcs u = { 0 };
	CHECK(at_chan_urc_add(c, "+CMTI:", false, urc_fn, &u) == 0);
	struct rec a = { 0 };
	send(c, "AT+CSQ", px_csq, &a);
	/* The URC arrives between the answer and the OK: it must not be
	 * swallowed by the command, nor the command's line by the URC table. */
	feed(c, "\r\n+CSQ: 20,0\r\n\r\n+CMTI: \"SM\",3\r\n\r\nOK\r\n");
	CHECK_INT(a.nlines, 1);
	CHECK_STR(a.lines[0], "+CSQ: 20,0");
	CHECK_INT(u.n, 1);
	CHECK_STR(u.line[0], "+CMTI: \"SM\",3");
	CHECK_STR(u.pdu[0], "(none)");
	at_chan_free(c);
	loop_free(l);
}

TEST(cmgl_headers_and_pdus_belong_to_the_command)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	send(c, "AT+CMGL=4", px_cmgl, &a);
	feed(c, "\r\n+CMGL: 1,0,,24\r\n0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B\r\n"
		"+CMGL: 4,1,,5\r\n00112233445566\r\n\r\nOK\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.nlines, 4);
	CHECK(!a.pdu[0] && a.pdu[1] && !a.pdu[2] && a.pdu[3]);
	CHECK_STR(a.lines[2], "+CMGL: 4,1,,5");
	CHECK_STR(a.lines[3], "00112233445566");
	at_chan_free(c);
	loop_free(l);
}

TEST(cmt_urc_carries_its_pdu)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct urcs u = { 0 };
	at_chan_urc_add(c, "+CMT:", true, urc_fn, &u);
	at_chan_urc_add(c, "+CDS:", true, urc_fn, &u);
	feed(c, "\r\n+CMT: ,24\r\n07914487200030232400\r\n");
	CHECK_INT(u.n, 1);
	CHECK_STR(u.line[0], "+CMT: ,24");
	CHECK_STR(u.pdu[0], "07914487200030232400");
	/* Header then something else: the handler hears of the header with no
	 * PDU, and the other line is not taken as one. */
	feed(c, "\r\n+CDS: 25\r\nRING\r\n");
	CHECK_INT(u.n, 2);
	CHECK_STR(u.pdu[1], "(none)");
	CHECK_INT(at_chan_dropped(c), 1);	/* RING: no handler */
	at_chan_free(c);
	loop_free(l);
}

TEST(cmgs_prompt_then_pdu_and_ctrl_z)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	struct at_req q = { .cmd = "AT+CMGS=18", .prefixes = px_cmgs, .pdu = "0011000B918419325476F80000AA05E8329BFD06",
			    .timeout_ms = 60000, .on_line = rec_line, .on_done = rec_done, .ctx = &a };
	CHECK(at_chan_send(c, &q) == 0);
	CHECK_STR(io.out, "AT+CMGS=18\r");
	feed(c, "\r\n> ");
	CHECK_STR(io.out, "AT+CMGS=18\r0011000B918419325476F80000AA05E8329BFD06\x1a");
	feed(c, "\r\n+CMGS: 42\r\n\r\nOK\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.r.final, AT_FINAL_OK);
	CHECK_STR(a.lines[0], "+CMGS: 42");
	/* A prompt nobody waits for is left with ESC. */
	io.n = 0;
	feed(c, "> ");
	CHECK_STR(io.out, "\x1b");
	at_chan_free(c);
	loop_free(l);
}

/* A modem that swallows AT+CMGS gets the ordinary timeout, not the long
 * one meant for the network's answer after Ctrl-Z. */
TEST(cmgs_prompt_wait_has_the_short_timeout)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 }, b = { 0 };
	struct at_req q = { .cmd = "AT+CMGS=5", .prefixes = px_cmgs, .pdu = "0011223344",
			    .timeout_ms = 1000, .pdu_timeout_ms = 60000, .on_line = rec_line,
			    .on_done = rec_done, .ctx = &a };
	CHECK(at_chan_send(c, &q) == 0);
	send(c, "AT", NULL, &b);
	loop_advance(l, 999);
	CHECK_INT(a.done, 0);
	loop_advance(l, 2);
	CHECK_INT(a.done, 1);
	CHECK(a.r.timeout);
	CHECK_STR(io.out, "AT+CMGS=5\rAT\r");	/* no PDU went out */
	feed(c, "\r\nOK\r\n");
	CHECK_INT(b.done, 1);
	at_chan_free(c);
	loop_free(l);
}

/* After the PDU the long timeout runs from the Ctrl-Z, whatever time the
 * prompt took. */
TEST(cmgs_after_the_pdu_has_the_long_timeout)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	struct at_req q = { .cmd = "AT+CMGS=5", .prefixes = px_cmgs, .pdu = "0011223344",
			    .timeout_ms = 1000, .pdu_timeout_ms = 60000, .on_line = rec_line,
			    .on_done = rec_done, .ctx = &a };
	CHECK(at_chan_send(c, &q) == 0);
	loop_advance(l, 900);
	feed(c, "\r\n> ");
	CHECK_STR(io.out, "AT+CMGS=5\r0011223344\x1a");
	loop_advance(l, 59999);
	CHECK_INT(a.done, 0);
	loop_advance(l, 2);
	CHECK_INT(a.done, 1);
	CHECK(a.r.timeout);
	/* The answer arriving later is not taken for anything. */
	feed(c, "\r\n+CMGS: 7\r\n\r\nOK\r\n");
	CHECK_INT(a.done, 1);
	/* Without pdu_timeout_ms both phases take timeout_ms. */
	struct rec b = { 0 };
	io.n = 0;
	struct at_req r = { .cmd = "AT+CMGS=5", .prefixes = px_cmgs, .pdu = "0011223344",
			    .timeout_ms = 1000, .on_done = rec_done, .ctx = &b };
	CHECK(at_chan_send(c, &r) == 0);
	feed(c, "\r\n> ");
	loop_advance(l, 1001);
	CHECK_INT(b.done, 1);
	CHECK(b.r.timeout);
	at_chan_free(c);
	loop_free(l);
}

TEST(cms_error_is_final_with_code)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	send(c, "AT+CMGS=18", px_cmgs, &a);
	feed(c, "\r\n+CMS ERROR: 38\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.r.final, AT_FINAL_CMS_ERROR);
	CHECK_INT(a.r.code, 38);
	at_chan_free(c);
	loop_free(l);
}

TEST(timeout_on_the_fake_clock_then_next_command)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 }, b = { 0 };
	send(c, "AT+COPS?", NULL, &a);
	send(c, "AT", NULL, &b);
	loop_advance(l, 999);
	CHECK_INT(a.done, 0);
	loop_advance(l, 2);
	CHECK_INT(a.done, 1);
	CHECK(a.r.timeout);
	CHECK_INT(a.r.final, AT_FINAL_NONE);
	CHECK_STR(io.out, "AT+COPS?\rAT\r");
	feed(c, "OK\r\n");
	CHECK_INT(b.done, 1);
	CHECK(!b.r.timeout);
	at_chan_free(c);
	loop_free(l);
}

TEST(extra_final_from_the_model_table)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	CHECK(at_chan_final_add(c, "COMMAND NOT SUPPORT", AT_FINAL_ERROR) == 0);
	struct rec a = { 0 };
	send(c, "AT+CEREG?", NULL, &a);
	feed(c, "\r\nCOMMAND NOT SUPPORT\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.r.final, AT_FINAL_ERROR);
	at_chan_free(c);
	loop_free(l);
}

TEST(bare_prefix_takes_plain_lines_only)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct urcs u = { 0 };
	at_chan_urc_add(c, "+CMTI:", false, urc_fn, &u);
	struct rec a = { 0 };
	send(c, "AT+CGMM", px_bare, &a);
	feed(c, "\r\nEC25\r\n+CMTI: \"SM\",1\r\n+QIND: SMS DONE\r\nOK\r\n");
	CHECK_INT(a.nlines, 1);
	CHECK_STR(a.lines[0], "EC25");
	CHECK_INT(u.n, 1);
	CHECK_INT(at_chan_dropped(c), 1);	/* +QIND: nobody's */
	at_chan_free(c);
	loop_free(l);
}

TEST(garbage_and_stray_finals_are_skipped)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	feed(c, "\r\nOK\r\n\x01\x02\xff\xfe garbage line\r\n0123\r\n");
	CHECK(at_chan_dropped(c) >= 2);
	struct rec a = { 0 };
	send(c, "AT", NULL, &a);
	feed(c, "\r\nOK\r\n");
	CHECK_INT(a.done, 1);
	CHECK_INT(a.r.final, AT_FINAL_OK);
	at_chan_free(c);
	loop_free(l);
}

TEST(cancel_all_and_cancel_queued)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 }, b = { 0 }, d = { 0 };
	send(c, "AT+CSQ", px_csq, &a);
	send(c, "AT+CMGD=1", NULL, &b);
	send(c, "AT+CMGD=2", NULL, &d);
	at_chan_cancel_queued(c);
	CHECK_INT(a.done, 0);
	CHECK_INT(b.done, 1);
	CHECK(b.r.cancelled);
	CHECK_INT(d.done, 1);
	CHECK(at_chan_busy(c));
	feed(c, "+CSQ: 1,1\r\nOK\r\n");	/* the exchange in flight finishes */
	CHECK_INT(a.done, 1);
	CHECK(!a.r.cancelled);
	CHECK(!at_chan_busy(c));
	struct rec e = { 0 };
	send(c, "AT", NULL, &e);
	at_chan_cancel_all(c);
	CHECK_INT(e.done, 1);
	CHECK(e.r.cancelled);
	loop_advance(l, 5000);	/* its timer is gone too */
	CHECK_INT(e.done, 1);
	at_chan_free(c);
	loop_free(l);
}

TEST(partial_writes_wait_for_writability)
{
	struct loop *l;
	struct io io = { .limit = -1 };	/* the port takes nothing for now */
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	send(c, "AT+CPMS?", NULL, &a);
	CHECK_STR(io.out, "");
	CHECK(io.want_write);
	io.limit = 4;	/* then 4 bytes a call */
	at_chan_on_writable(c);
	CHECK_STR(io.out, "AT+CPMS?\r");
	CHECK(!io.want_write);
	at_chan_free(c);
	loop_free(l);
}

TEST(responses_split_across_reads)
{
	struct loop *l;
	struct io io = { 0 };
	struct at_chan *c = mk(&l, &io);
	struct rec a = { 0 };
	send(c, "AT+CSQ", px_csq, &a);
	const char *s = "\r\n+CSQ: 9,99\r\n\r\nOK\r\n";
	for (size_t i = 0; s[i]; i++)
		at_chan_feed(c, (const uint8_t *)&s[i], 1);
	CHECK_INT(a.done, 1);
	CHECK_STR(a.lines[0], "+CSQ: 9,99");
	at_chan_free(c);
	loop_free(l);
}

int main(void)
{
	log_init("test", LOG_LVL_ERR, false);
	RUN(one_command_in_flight_in_order);
	RUN(urc_during_command_goes_to_its_handler);
	RUN(cmgl_headers_and_pdus_belong_to_the_command);
	RUN(cmt_urc_carries_its_pdu);
	RUN(cmgs_prompt_then_pdu_and_ctrl_z);
	RUN(cmgs_prompt_wait_has_the_short_timeout);
	RUN(cmgs_after_the_pdu_has_the_long_timeout);
	RUN(cms_error_is_final_with_code);
	RUN(timeout_on_the_fake_clock_then_next_command);
	RUN(extra_final_from_the_model_table);
	RUN(bare_prefix_takes_plain_lines_only);
	RUN(garbage_and_stray_finals_are_skipped);
	RUN(cancel_all_and_cancel_queued);
	RUN(partial_writes_wait_for_writability);
	RUN(responses_split_across_reads);
	return check_done();
}

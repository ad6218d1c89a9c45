/* bench_at.c: AT framing throughput. Feeds a realistic modem stream (a
 * +CMGL listing with PDUs, URCs, prompts and finals) through at_frame in
 * chunks of the sizes a serial read returns, and tokenizes +CMGL headers.
 * Prints MB/s; the target is far above any serial line (115200 baud is
 * 0.0115 MB/s), so the framer is never the bottleneck even on a slow ARM. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sms/at_frame.h"
#include "sms/at_tok.h"

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct bench_ctx {
	unsigned long events, pdus, sum;
};

static void bench_cb(void *ctx, const struct at_event *ev)
{
	struct bench_ctx *c = ctx;
	c->events++;
	c->pdus += ev->kind == AT_EV_PDU;
	c->sum += ev->len;
}

static const char bench_block[] =
	"\r\n+CMGL: 0,1,,30\r\n07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07\r\n"
	"+CMGL: 1,0,,30\r\n0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B\r\n"
	"\r\n+CMTI: \"SM\",3\r\n"
	"+CMGL: 2,0,,25\r\n00060A0B918419214365F8621122910000006211229100000000\r\n"
	"\r\nOK\r\n"
	"AT+CMGS=19\r\r\n> 0011000B918419214365F80000AA05E8329BFD06\x1a\r\n+CMGS: 12\r\n\r\nOK\r\n"
	"\r\n+CEREG: 1,\"1A2B\",\"0123ABCD\",7\r\n\r\n+CSQ: 23,99\r\n\r\nOK\r\n"
	"\r\n+CUSD: 1,\"Chon:\r\n1. Tra cuu\r\n2. Nap the\",15\r\n";

int main(void)
{
	static uint8_t stream[1 << 20];
	size_t blen = sizeof bench_block - 1, n = 0;
	while (n + blen <= sizeof stream) {
		memcpy(stream + n, bench_block, blen);
		n += blen;
	}
	static const size_t chunks[] = { 1, 64, 4096 };
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		struct bench_ctx ctx = { 0, 0, 0 };
		struct at_frame f;
		at_frame_init(&f, bench_cb, &ctx);
		int rounds = chunks[c] == 1 ? 20 : 100;
		double t0 = bench_now();
		for (int r = 0; r < rounds; r++)
			for (size_t i = 0; i < n; i += chunks[c])
				at_frame_feed(&f, stream + i, i + chunks[c] <= n ? chunks[c] : n - i);
		double dt = bench_now() - t0;
		double mb = (double)n * rounds / 1e6;
		printf("at_frame chunk %4zu B: %8.1f MB/s  (%lu events, %lu PDUs; target >= 10 MB/s)\n",
		       chunks[c], mb / dt, ctx.events, ctx.pdus);
	}
	/* Tokenizing headers: the other per-line cost. */
	const char *hdr = "+CMGL: 12,1,\"\",30";
	long sum = 0;
	int iters = 5000000;
	double t0 = bench_now();
	for (int i = 0; i < iters; i++) {
		struct at_tok t;
		long idx = 0, stat = 0, len = 0;
		at_tok_start(&t, hdr, "+CMGL:");
		at_tok_next_int(&t, &idx);
		at_tok_next_int(&t, &stat);
		at_tok_skip(&t);
		at_tok_next_int(&t, &len);
		sum += idx + stat + len;
	}
	double dt = bench_now() - t0;
	printf("at_tok +CMGL header: %8.2f M headers/s (check %ld)\n", iters / dt / 1e6, sum);
	return 0;
}

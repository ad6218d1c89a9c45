/* fuzz_at_frame.c: properties of the AT framer on any byte string.
 *  - the same events (and counters) whatever the chunking: whole, byte by
 *    byte, and chunk sizes drawn from the input itself;
 *  - never more events than input bytes; no event text longer than
 *    AT_LINE_MAX; text length matches strlen; no CR in any text and LF only
 *    inside a +CUSD: line;
 *  - a FINAL event's text classifies as the same final; a PDU event is an
 *    even run of hex digits and carries its header. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/at_frame.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

struct fz_rec {
	uint64_t hash;
	size_t events;
};

static void fz_mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ULL;
	}
}

static void fz_cb(void *ctx, const struct at_event *ev)
{
	struct fz_rec *r = ctx;
	r->events++;
	FUZZ_REQUIRE(ev->text != NULL);
	FUZZ_REQUIRE(ev->len <= AT_LINE_MAX);
	FUZZ_REQUIRE(strlen(ev->text) == ev->len);
	FUZZ_REQUIRE(memchr(ev->text, '\r', ev->len) == NULL);
	if (memchr(ev->text, '\n', ev->len))
		FUZZ_REQUIRE(ev->kind == AT_EV_LINE && strncmp(ev->text, "+CUSD:", 6) == 0);
	switch (ev->kind) {
	case AT_EV_FINAL: {
		int code;
		FUZZ_REQUIRE(at_final_parse(ev->text, &code) == ev->final);
		FUZZ_REQUIRE(code == ev->code);
		break;
	}
	case AT_EV_PDU:
		FUZZ_REQUIRE(ev->header != NULL && at_frame_is_pdu_header(ev->header));
		FUZZ_REQUIRE(ev->len >= 2 && ev->len % 2 == 0);
		FUZZ_REQUIRE(strspn(ev->text, "0123456789abcdefABCDEF") == ev->len);
		break;
	case AT_EV_PROMPT:
		FUZZ_REQUIRE(ev->len == 0);
		break;
	case AT_EV_LINE:
		FUZZ_REQUIRE(ev->len > 0);
		FUZZ_REQUIRE(at_final_parse(ev->text, NULL) == AT_FINAL_NONE);
		break;
	case AT_EV_ECHO:	/* text typed before Ctrl-Z may be anything */
		FUZZ_REQUIRE(ev->len > 0);
		break;
	}
	int k = (int)ev->kind, fin = (int)ev->final;
	fz_mix(&r->hash, &k, sizeof k);
	fz_mix(&r->hash, &fin, sizeof fin);
	fz_mix(&r->hash, &ev->code, sizeof ev->code);
	fz_mix(&r->hash, ev->text, ev->len + 1);
	if (ev->header)
		fz_mix(&r->hash, ev->header, strlen(ev->header) + 1);
}

struct fz_run {
	struct fz_rec rec;
	unsigned long db, dl, mp;
	size_t len;
};

static void fz_finish(struct fz_run *run, const struct at_frame *f)
{
	run->db = f->dropped_bytes;
	run->dl = f->dropped_lines;
	run->mp = f->missing_pdus;
	run->len = f->len;
	FUZZ_REQUIRE(f->len <= AT_LINE_MAX);
}

static void fz_same(const struct fz_run *a, const struct fz_run *b)
{
	FUZZ_REQUIRE(a->rec.hash == b->rec.hash);
	FUZZ_REQUIRE(a->rec.events == b->rec.events);
	FUZZ_REQUIRE(a->db == b->db && a->dl == b->dl && a->mp == b->mp);
	FUZZ_REQUIRE(a->len == b->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct at_frame f;
	struct fz_run whole = { { 14695981039346656037ULL, 0 }, 0, 0, 0, 0 };
	struct fz_run bytes = whole, chunks = whole;

	at_frame_init(&f, fz_cb, &whole.rec);
	at_frame_feed(&f, data, size);
	fz_finish(&whole, &f);
	FUZZ_REQUIRE(whole.rec.events <= size);

	at_frame_init(&f, fz_cb, &bytes.rec);
	for (size_t i = 0; i < size; i++)
		at_frame_feed(&f, data + i, 1);
	fz_finish(&bytes, &f);
	fz_same(&whole, &bytes);

	/* Chunk sizes from the data itself, so the fuzzer explores splits. */
	at_frame_init(&f, fz_cb, &chunks.rec);
	size_t i = 0, k = 0;
	while (i < size) {
		size_t c = 1 + (size_t)(data[k++ % size] % 13);
		if (c > size - i)
			c = size - i;
		at_frame_feed(&f, data + i, c);
		i += c;
	}
	fz_finish(&chunks, &f);
	fz_same(&whole, &chunks);

	/* Reset always leaves a framer that frames a clean OK. */
	struct fz_rec after = { 0, 0 };
	f.ctx = &after;
	at_frame_reset(&f);
	at_frame_feed(&f, (const uint8_t *)"\r\nOK\r\n", 6);
	FUZZ_REQUIRE(after.events == 1);
	return 0;
}

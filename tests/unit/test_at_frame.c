/* test_at_frame.c: the AT framing state machine. Table-driven cases for
 * each rule, then every transcript in tests/fixtures/at/ fed whole, byte by
 * byte and in random chunkings, which must all give the expected events. */
#include "check.h"

#include <dirent.h>
#include <stdint.h>

#include "sms/at_frame.h"

/* ---- an event recorder: events serialised one per line ---- */

struct rec {
	char buf[65536];
	size_t len;
	size_t events;
	size_t max_len;
};

static void rec_puts(struct rec *r, const char *s, size_t n, bool escape)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		if (!escape)
			snprintf(tmp, sizeof tmp, "%c", c);
		else if (c == '\n')
			snprintf(tmp, sizeof tmp, "\\n");
		else if (c == '\\')
			snprintf(tmp, sizeof tmp, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
		else
			snprintf(tmp, sizeof tmp, "%c", c);
		size_t m = strlen(tmp);
		if (r->len + m < sizeof r->buf) {
			memcpy(r->buf + r->len, tmp, m);
			r->len += m;
			r->buf[r->len] = '\0';
		}
	}
}

static void rec_cb(void *ctx, const struct at_event *ev)
{
	struct rec *r = ctx;
	char tmp[64];
	r->events++;
	if (ev->len > r->max_len)
		r->max_len = ev->len;
	CHECK(ev->text != NULL);
	CHECK(strlen(ev->text) == ev->len);
	switch (ev->kind) {
	case AT_EV_LINE:
		rec_puts(r, "LINE ", 5, false);
		rec_puts(r, ev->text, ev->len, true);
		break;
	case AT_EV_FINAL:
		snprintf(tmp, sizeof tmp, "FINAL %s %d", at_final_name(ev->final), ev->code);
		rec_puts(r, tmp, strlen(tmp), false);
		break;
	case AT_EV_PDU:
		rec_puts(r, "PDU ", 4, false);
		rec_puts(r, ev->text, ev->len, true);
		rec_puts(r, " <- ", 4, false);
		CHECK(ev->header != NULL);
		if (ev->header)
			rec_puts(r, ev->header, strlen(ev->header), true);
		break;
	case AT_EV_PROMPT:
		rec_puts(r, "PROMPT", 6, false);
		break;
	case AT_EV_ECHO:
		rec_puts(r, "ECHO ", 5, false);
		rec_puts(r, ev->text, ev->len, true);
		break;
	}
	rec_puts(r, "\n", 1, false);
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
}

/* Fixture escapes: \r \n \t \\ \xNN. Returns the byte count. */
static size_t unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*s && n < cap) {
		if (*s != '\\') {
			out[n++] = (uint8_t)*s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case '\\': out[n++] = '\\'; s++; break;
		case 'x': {
			unsigned v = 0;
			sscanf(s + 1, "%2x", &v);
			out[n++] = (uint8_t)v;
			s += 3;
			break;
		}
		default:
			CHECKF(0, "bad escape \\%c", *s);
			return n;
		}
	}
	return n;
}

static void feed_all(struct at_frame *f, const char *esc)
{
	uint8_t buf[8192];
	size_t n = unescape(esc, buf, sizeof buf);
	at_frame_feed(f, buf, n);
}

/* ---- table-driven cases ---- */

static const struct {
	const char *name;
	const char *in;		/* escaped bytes */
	const char *want;	/* serialised events */
} frame_cases[] = {
	{ "crlf", "\\r\\nOK\\r\\n", "FINAL OK 0\n" },
	{ "lf only", "OK\\n", "FINAL OK 0\n" },
	{ "cr only", "OK\\r", "FINAL OK 0\n" },
	{ "lf cr", "+CSQ: 1,2\\n\\rOK\\n\\r", "LINE +CSQ: 1,2\nFINAL OK 0\n" },
	{ "no line end yet", "OK", "" },
	{ "empty lines", "\\r\\n\\r\\n\\n\\r\\r\\r", "" },
	{ "blank line", "   \\r\\n\\t\\r\\n", "" },
	{ "nul inside", "O\\x00K\\r\\n", "FINAL OK 0\n" },
	{ "error", "ERROR\\r\\n", "FINAL ERROR -1\n" },
	{ "cme numeric", "+CME ERROR: 30\\r\\n", "FINAL +CME ERROR 30\n" },
	{ "cme no space", "+CME ERROR:3\\r\\n", "FINAL +CME ERROR 3\n" },
	{ "cme verbose", "+CME ERROR: SIM PIN required\\r\\n", "FINAL +CME ERROR -1\n" },
	{ "cme digits then text", "+CME ERROR: 10 SIM\\r\\n", "FINAL +CME ERROR -1\n" },
	{ "cme huge", "+CME ERROR: 99999999999999\\r\\n", "FINAL +CME ERROR -1\n" },
	{ "cms", "+CMS ERROR: 321\\r\\n", "FINAL +CMS ERROR 321\n" },
	{ "cms verbose", "+CMS ERROR: invalid memory index\\r\\n", "FINAL +CMS ERROR -1\n" },
	{ "ok trailing blank", "OK  \\r\\n", "FINAL OK 0\n" },
	{ "not ok", "OKAY\\r\\n", "LINE OKAY\n" },
	{ "lowercase ok is a line", "ok\\r\\n", "LINE ok\n" },
	{ "numeric", "0\\r4\\r3\\r6\\r7\\r8\\r", "FINAL OK 0\nFINAL ERROR -1\nFINAL NO CARRIER 0\n"
	  "FINAL NO DIALTONE 0\nFINAL BUSY 0\nFINAL NO ANSWER 0\n" },
	{ "digit 1 and 2 are lines", "1\\r2\\r", "LINE 1\nLINE 2\n" },
	{ "prompt", "\\r\\n> ", "PROMPT\n" },
	{ "prompt then bytes", "> 00", "PROMPT\n" },
	{ "prompt crlf", ">\\r\\n", "PROMPT\n" },
	{ "prompt then text", "> hello\\r\\n", "PROMPT\nLINE hello\n" },
	{ "gt inside line", "a> b\\r\\n", "LINE a> b\n" },
	{ "echo", "AT+CMGF=0\\r\\r\\nOK\\r\\n", "ECHO AT+CMGF=0\nFINAL OK 0\n" },
	{ "echo lower", "at+csq\\r", "ECHO at+csq\n" },
	{ "echo repeat", "A/\\r", "ECHO A/\n" },
	{ "a alone is a line", "A\\r", "LINE A\n" },
	{ "ctrl-z ends echo", "0011AA\\x1a\\r\\n+CMGS: 3\\r\\n", "ECHO 0011AA\n"
	  "LINE +CMGS: 3\n" },
	{ "lone ctrl-z", "\\x1a\\r\\n", "" },
	{ "cmgr pdu", "+CMGR: 0,,3\\r\\n0011AA\\r\\nOK\\r\\n",
	  "LINE +CMGR: 0,,3\nPDU 0011AA <- +CMGR: 0,,3\nFINAL OK 0\n" },
	{ "cmti has no pdu", "+CMTI: \"SM\",1\\r\\n0011\\r\\n",
	  "LINE +CMTI: \"SM\",1\nLINE 0011\n" },
	{ "cdsi has no pdu", "+CDSI: \"SM\",1\\r\\n0011\\r\\n",
	  "LINE +CDSI: \"SM\",1\nLINE 0011\n" },
	{ "hex line without header", "0011AA\\r\\n", "LINE 0011AA\n" },
	{ "odd hex is no pdu", "+CMT: ,3\\r\\n001\\r\\n0011\\r\\n",
	  "LINE +CMT: ,3\nLINE 001\nPDU 0011 <- +CMT: ,3\n" },
	{ "header replaces header", "+CMT: ,3\\r\\n+CMT: ,4\\r\\nAA\\r\\n",
	  "LINE +CMT: ,3\nLINE +CMT: ,4\nPDU AA <- +CMT: ,4\n" },
	{ "pdu blanks trimmed", "+CDS: 3\\r\\n  00AA  \\r\\n", "LINE +CDS: 3\nPDU 00AA <- +CDS: 3\n" },
	{ "echo while pdu expected", "+CMGL: 1,0,,3\\r\\nAT00\\r\\n",
	  "LINE +CMGL: 1,0,,3\nECHO AT00\n" },
	{ "cusd crlf in quote", "+CUSD: 1,\"a\\r\\nb\",15\\r\\n", "LINE +CUSD: 1,\"a\\nb\",15\n" },
	{ "cusd cr in quote", "+CUSD: 1,\"a\\rb\",15\\r", "LINE +CUSD: 1,\"a\\nb\",15\n" },
	{ "cusd empty line in quote", "+CUSD: 1,\"a\\r\\n\\r\\nb\",15\\r\\n",
	  "LINE +CUSD: 1,\"a\\n\\nb\",15\n" },
	{ "cusd closed quote", "+CUSD: 0,\"a\",15\\r\\nOK\\r\\n", "LINE +CUSD: 0,\"a\",15\nFINAL OK 0\n" },
	{ "cusd broken quote", "+CUSD: 0,\"a\\r\\nERROR\\r\\n", "LINE +CUSD: 0,\"a\nFINAL ERROR -1\n" },
	{ "cusd broken quote cme", "+CUSD: 0,\"a\\r\\n+CME ERROR: 30\\r\\n",
	  "LINE +CUSD: 0,\"a\nFINAL +CME ERROR 30\n" },
	{ "cusd no quote", "+CUSD: 4\\r\\n", "LINE +CUSD: 4\n" },
	{ "quote in other urc", "+COPS: 0,0,\"Vi\\r\\nOK\\r\\n", "LINE +COPS: 0,0,\"Vi\nFINAL OK 0\n" },
	{ "garbage only line", "\\xff\\xfe\\r\\nOK\\r\\n", "FINAL OK 0\n" },
	{ "utf8 kept", "+CUSD: 0,\"Ti\\xe1\\xba\\xbfng\",72\\r\\n",
	  "LINE +CUSD: 0,\"Ti\\xe1\\xba\\xbfng\",72\n" },
	{ "urcs", "RING\\r\\n+CREG: 1\\r\\n+CEREG: 5\\r\\nRDY\\r\\n+CPIN: READY\\r\\nSMS Ready\\r\\n",
	  "LINE RING\nLINE +CREG: 1\nLINE +CEREG: 5\nLINE RDY\nLINE +CPIN: READY\nLINE SMS Ready\n" },
};

TEST(test_frame_cases)
{
	for (size_t i = 0; i < sizeof frame_cases / sizeof frame_cases[0]; i++) {
		static struct rec r;
		struct at_frame f;
		rec_init(&r);
		at_frame_init(&f, rec_cb, &r);
		feed_all(&f, frame_cases[i].in);
		CHECKF(strcmp(r.buf, frame_cases[i].want) == 0, "case '%s': got\n%s--- want\n%s---",
		       frame_cases[i].name, r.buf, frame_cases[i].want);
		/* The same bytes one at a time. */
		rec_init(&r);
		at_frame_init(&f, rec_cb, &r);
		uint8_t b[4096];
		size_t n = unescape(frame_cases[i].in, b, sizeof b);
		for (size_t k = 0; k < n; k++)
			at_frame_feed(&f, b + k, 1);
		CHECKF(strcmp(r.buf, frame_cases[i].want) == 0, "case '%s' bytewise: got\n%s---",
		       frame_cases[i].name, r.buf);
	}
}

static const struct {
	const char *line;
	enum at_final want;
	int code;
} final_cases[] = {
	{ "OK", AT_FINAL_OK, 0 },
	{ "ERROR", AT_FINAL_ERROR, -1 },
	{ "+CME ERROR: 0", AT_FINAL_CME_ERROR, 0 },
	{ "+CME ERROR: 30", AT_FINAL_CME_ERROR, 30 },
	{ "+CME ERROR:  262 ", AT_FINAL_CME_ERROR, 262 },
	{ "+CME ERROR: operation not allowed", AT_FINAL_CME_ERROR, -1 },
	{ "+CME ERROR:", AT_FINAL_CME_ERROR, -1 },
	{ "+CMS ERROR: 500", AT_FINAL_CMS_ERROR, 500 },
	{ "+CMS ERROR: 99999", AT_FINAL_CMS_ERROR, 99999 },
	{ "+CMS ERROR: 100000", AT_FINAL_CMS_ERROR, -1 },
	{ "+CMS ERROR: -5", AT_FINAL_CMS_ERROR, -1 },
	{ "NO CARRIER", AT_FINAL_NO_CARRIER, 0 },
	{ "BUSY", AT_FINAL_BUSY, 0 },
	{ "NO ANSWER", AT_FINAL_NO_ANSWER, 0 },
	{ "NO DIALTONE", AT_FINAL_NO_DIALTONE, 0 },
	{ "NO DIAL TONE", AT_FINAL_NO_DIALTONE, 0 },
	{ "0", AT_FINAL_OK, 0 },
	{ "4", AT_FINAL_ERROR, -1 },
	{ "3", AT_FINAL_NO_CARRIER, 0 },
	{ "6", AT_FINAL_NO_DIALTONE, 0 },
	{ "7", AT_FINAL_BUSY, 0 },
	{ "8", AT_FINAL_NO_ANSWER, 0 },
	{ "1", AT_FINAL_NONE, 0 },
	{ "00", AT_FINAL_NONE, 0 },
	{ "", AT_FINAL_NONE, 0 },
	{ "OK ", AT_FINAL_NONE, 0 },	/* the framer trims before asking */
	{ "+CME ERRORS", AT_FINAL_NONE, 0 },
	{ "+CMEERROR: 3", AT_FINAL_NONE, 0 },
	{ "RING", AT_FINAL_NONE, 0 },
	{ "CONNECT", AT_FINAL_NONE, 0 },
	{ "+CMGS: 12", AT_FINAL_NONE, 0 },
};

TEST(test_final_parse)
{
	for (size_t i = 0; i < sizeof final_cases / sizeof final_cases[0]; i++) {
		int code = 12345;
		enum at_final f = at_final_parse(final_cases[i].line, &code);
		CHECKF(f == final_cases[i].want, "'%s': final %d want %d", final_cases[i].line,
		       (int)f, (int)final_cases[i].want);
		CHECKF(code == final_cases[i].code, "'%s': code %d want %d", final_cases[i].line,
		       code, final_cases[i].code);
	}
	CHECK(at_final_parse(NULL, NULL) == AT_FINAL_NONE);
	CHECK(at_final_parse("OK", NULL) == AT_FINAL_OK);
	CHECK_STR(at_final_name(AT_FINAL_CMS_ERROR), "+CMS ERROR");
}

TEST(test_pdu_header)
{
	CHECK(at_frame_is_pdu_header("+CMT: ,24"));
	CHECK(at_frame_is_pdu_header("+CDS: 24"));
	CHECK(at_frame_is_pdu_header("+CMGR: 0,,24"));
	CHECK(at_frame_is_pdu_header("+CMGL: 1,0,,24"));
	CHECK(!at_frame_is_pdu_header("+CMTI: \"SM\",1"));
	CHECK(!at_frame_is_pdu_header("+CDSI: \"SM\",1"));
	CHECK(!at_frame_is_pdu_header("+CMGS: 3"));
	CHECK(!at_frame_is_pdu_header("CMT: 3"));
}

TEST(test_overlong_line)
{
	static struct rec r;
	struct at_frame f;
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	uint8_t big[5000];
	memset(big, 'A', sizeof big);
	big[0] = '+';
	at_frame_feed(&f, big, sizeof big);
	CHECK_INT(r.events, 0);
	CHECK(f.len <= AT_LINE_MAX);
	feed_all(&f, "\\r\\nOK\\r\\n");
	CHECK_STR(r.buf, "FINAL OK 0\n");
	CHECK_INT(f.dropped_lines, 1);
	CHECK_INT(f.dropped_bytes, 5000);
	/* Exactly AT_LINE_MAX fits; one more does not. */
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	memset(big, 'B', sizeof big);
	at_frame_feed(&f, big, AT_LINE_MAX);
	feed_all(&f, "\\r");
	CHECK_INT(r.events, 1);
	CHECK_INT(r.max_len, AT_LINE_MAX);
	at_frame_feed(&f, big, AT_LINE_MAX + 1);
	feed_all(&f, "\\r");
	CHECK_INT(r.events, 1);
	CHECK_INT(f.dropped_lines, 1);
	CHECK_INT(f.dropped_bytes, AT_LINE_MAX + 1);
}

TEST(test_overlong_cusd_quote)
{
	/* A +CUSD whose quote never closes and no final result comes: the line
	 * still stops at AT_LINE_MAX and is dropped, then framing recovers. */
	static struct rec r;
	struct at_frame f;
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	feed_all(&f, "+CUSD: 1,\"abc\\r\\n");
	for (int i = 0; i < 200; i++)
		feed_all(&f, "line of menu\\r\\n");
	CHECK_INT(f.dropped_lines, 1);
	CHECK(r.max_len <= AT_LINE_MAX);
	/* After the drop the menu lines come through one by one. */
	CHECK(r.events > 0 && r.events < 200);
	CHECK(strncmp(r.buf, "LINE line of menu\n", 18) == 0);
	feed_all(&f, "\\r\\nOK\\r\\n");
	size_t l = strlen(r.buf);
	CHECK(l > 11 && strcmp(r.buf + l - 11, "FINAL OK 0\n") == 0);
}

TEST(test_pdu_header_copy_bounded)
{
	static struct rec r;
	struct at_frame f;
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	char line[700];
	memset(line, 'x', sizeof line);
	memcpy(line, "+CMGL: 1,0,\"", 12);
	line[sizeof line - 1] = '\0';
	uint8_t buf[800];
	size_t n = (size_t)snprintf((char *)buf, sizeof buf, "%s\r\nAABB\r\n", line);
	at_frame_feed(&f, buf, n);
	CHECK_INT(r.events, 2);
	CHECK_INT(strlen(f.header), AT_HEADER_MAX);
}

TEST(test_reset)
{
	static struct rec r;
	struct at_frame f;
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	feed_all(&f, "+CMT: ,3\\r\\n00A");
	at_frame_reset(&f);
	feed_all(&f, "OK\\r\\nAABB\\r\\n");
	CHECK_STR(r.buf, "LINE +CMT: ,3\nFINAL OK 0\nLINE AABB\n");
	at_frame_init(&f, NULL, NULL);	/* no callback: no crash */
	feed_all(&f, "OK\\r\\n> ");
}

TEST(test_events_bounded_by_input)
{
	/* Every event needs at least one byte of its own. */
	static struct rec r;
	struct at_frame f;
	rec_init(&r);
	at_frame_init(&f, rec_cb, &r);
	feed_all(&f, "0\\r0\\r0\\r> > > 0\\r");
	CHECK_INT(r.events, 7);
}

/* ---- fixtures ---- */

struct fixture {
	uint8_t in[16384];
	size_t n;
	char want[16384];
	size_t want_len;
	bool has_counters;
	unsigned long dropped_bytes, dropped_lines, missing_pdus;
};

static bool fixture_load(const char *path, struct fixture *fx)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return false;
	memset(fx, 0, sizeof *fx);
	char line[4096];
	while (fgets(line, sizeof line, fp)) {
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (strncmp(line, "< ", 2) == 0) {
			fx->n += unescape(line + 2, fx->in + fx->n, sizeof fx->in - fx->n);
		} else if (strncmp(line, "= ", 2) == 0) {
			size_t m = strlen(line + 2);
			CHECK(fx->want_len + m + 2 < sizeof fx->want);
			memcpy(fx->want + fx->want_len, line + 2, m);
			fx->want_len += m;
			fx->want[fx->want_len++] = '\n';
			fx->want[fx->want_len] = '\0';
		} else if (line[0] == '!') {
			fx->has_counters = sscanf(line, "! dropped_bytes=%lu dropped_lines=%lu missing_pdus=%lu",
						  &fx->dropped_bytes, &fx->dropped_lines,
						  &fx->missing_pdus) == 3;
			CHECKF(fx->has_counters, "%s: bad counter line", path);
		} else if (line[0] && line[0] != '#' && line[0] != '>') {
			CHECKF(0, "%s: unknown line '%s'", path, line);
		}
	}
	fclose(fp);
	return true;
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void fixture_check(const char *path, const struct fixture *fx, struct rec *r,
			  const struct at_frame *f, const char *how)
{
	CHECKF(strcmp(r->buf, fx->want) == 0, "%s (%s): got\n%s--- want\n%s---", path, how,
	       r->buf, fx->want);
	if (fx->has_counters) {
		CHECKF(f->dropped_bytes == fx->dropped_bytes, "%s (%s): dropped_bytes %lu want %lu",
		       path, how, f->dropped_bytes, fx->dropped_bytes);
		CHECKF(f->dropped_lines == fx->dropped_lines, "%s (%s): dropped_lines %lu want %lu",
		       path, how, f->dropped_lines, fx->dropped_lines);
		CHECKF(f->missing_pdus == fx->missing_pdus, "%s (%s): missing_pdus %lu want %lu",
		       path, how, f->missing_pdus, fx->missing_pdus);
	}
	CHECKF(r->events <= fx->n, "%s: more events than bytes", path);
}

TEST(test_fixtures)
{
	const char *root = getenv("TINBAO_ROOT");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/at", root ? root : ".");
	DIR *d = opendir(dir);
	CHECKF(d != NULL, "cannot open %s", dir);
	if (!d)
		return;
	int files = 0;
	struct dirent *e;
	static struct fixture fx;
	static struct rec r;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!fixture_load(path, &fx)) {
			CHECKF(0, "cannot read %s", path);
			continue;
		}
		files++;
		CHECKF(fx.n > 0 && fx.want_len > 0, "%s: empty fixture", path);
		struct at_frame f;

		rec_init(&r);
		at_frame_init(&f, rec_cb, &r);
		at_frame_feed(&f, fx.in, fx.n);
		fixture_check(path, &fx, &r, &f, "whole");

		rec_init(&r);
		at_frame_init(&f, rec_cb, &r);
		for (size_t i = 0; i < fx.n; i++)
			at_frame_feed(&f, fx.in + i, 1);
		fixture_check(path, &fx, &r, &f, "byte by byte");

		for (int run = 0; run < 50; run++) {
			rec_init(&r);
			at_frame_init(&f, rec_cb, &r);
			size_t i = 0;
			while (i < fx.n) {
				size_t c = 1 + rng() % (run < 25 ? 7 : 97);
				if (c > fx.n - i)
					c = fx.n - i;
				at_frame_feed(&f, fx.in + i, c);
				i += c;
			}
			char how[32];
			snprintf(how, sizeof how, "random chunks #%d", run);
			fixture_check(path, &fx, &r, &f, how);
		}
	}
	closedir(d);
	CHECKF(files >= 12, "only %d fixtures in %s", files, dir);
}

int main(void)
{
	RUN(test_frame_cases);
	RUN(test_final_parse);
	RUN(test_pdu_header);
	RUN(test_overlong_line);
	RUN(test_overlong_cusd_quote);
	RUN(test_pdu_header_copy_bounded);
	RUN(test_reset);
	RUN(test_events_bounded_by_input);
	RUN(test_fixtures);
	return check_done();
}

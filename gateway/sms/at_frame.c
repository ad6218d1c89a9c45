/* at_frame.c: the AT framing state machine (see at_frame.h for the rules).
 * Owns: splitting a modem byte stream into lines, the "> " prompt, PDU lines
 * after their headers, echo, and the final-result table. Nothing else. */
#include "sms/at_frame.h"

#include <string.h>

enum at_frame_state {
	AT_FS_LINE = 0,		/* collecting a line */
	AT_FS_DISCARD,		/* dropping the rest of an overlong line */
};

/* Final results as data, not if-chains: per-model additions go here. The
 * numeric forms are what ATV0 prints (TS 27.007 / V.250 result codes). */
static const struct at_final_row {
	const char *text;
	enum at_final final;
	bool prefix;		/* "+CME ERROR:" is followed by a code or text */
} at_final_table[] = {
	{ "OK", AT_FINAL_OK, false },
	{ "ERROR", AT_FINAL_ERROR, false },
	{ "+CME ERROR:", AT_FINAL_CME_ERROR, true },
	{ "+CMS ERROR:", AT_FINAL_CMS_ERROR, true },
	{ "NO CARRIER", AT_FINAL_NO_CARRIER, false },
	{ "BUSY", AT_FINAL_BUSY, false },
	{ "NO ANSWER", AT_FINAL_NO_ANSWER, false },
	{ "NO DIALTONE", AT_FINAL_NO_DIALTONE, false },
	{ "NO DIAL TONE", AT_FINAL_NO_DIALTONE, false },
	{ "0", AT_FINAL_OK, false },
	{ "3", AT_FINAL_NO_CARRIER, false },
	{ "4", AT_FINAL_ERROR, false },
	{ "6", AT_FINAL_NO_DIALTONE, false },
	{ "7", AT_FINAL_BUSY, false },
	{ "8", AT_FINAL_NO_ANSWER, false },
};

static const char *const at_pdu_headers[] = { "+CMT:", "+CDS:", "+CMGR:", "+CMGL:" };

const char *at_final_name(enum at_final f)
{
	switch (f) {
	case AT_FINAL_NONE: return "NONE";
	case AT_FINAL_OK: return "OK";
	case AT_FINAL_ERROR: return "ERROR";
	case AT_FINAL_CME_ERROR: return "+CME ERROR";
	case AT_FINAL_CMS_ERROR: return "+CMS ERROR";
	case AT_FINAL_NO_CARRIER: return "NO CARRIER";
	case AT_FINAL_BUSY: return "BUSY";
	case AT_FINAL_NO_ANSWER: return "NO ANSWER";
	case AT_FINAL_NO_DIALTONE: return "NO DIALTONE";
	}
	return "?";
}

/* The error number after "+CME ERROR:", or -1 when the modem runs AT+CMEE=2
 * and prints text instead ("SIM PIN required"). */
static int at_error_code(const char *p)
{
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	long v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 99999)
			return -1;
	}
	while (*p == ' ')
		p++;
	return *p ? -1 : (int)v;
}

enum at_final at_final_parse(const char *line, int *code)
{
	int dummy;
	if (!code)
		code = &dummy;
	*code = 0;
	if (!line)
		return AT_FINAL_NONE;
	for (size_t i = 0; i < sizeof at_final_table / sizeof at_final_table[0]; i++) {
		const struct at_final_row *r = &at_final_table[i];
		size_t n = strlen(r->text);
		if (r->prefix) {
			if (strncmp(line, r->text, n) != 0)
				continue;
			*code = at_error_code(line + n);
			return r->final;
		}
		if (strcmp(line, r->text) == 0) {
			*code = r->final == AT_FINAL_ERROR ? -1 : 0;
			return r->final;
		}
	}
	return AT_FINAL_NONE;
}

bool at_frame_is_pdu_header(const char *line)
{
	for (size_t i = 0; i < sizeof at_pdu_headers / sizeof at_pdu_headers[0]; i++)
		if (strncmp(line, at_pdu_headers[i], strlen(at_pdu_headers[i])) == 0)
			return true;
	return false;
}

void at_frame_init(struct at_frame *f, at_frame_cb cb, void *ctx)
{
	memset(f, 0, sizeof *f);
	f->cb = cb;
	f->ctx = ctx;
	f->state = AT_FS_LINE;
}

void at_frame_reset(struct at_frame *f)
{
	f->len = 0;
	f->state = AT_FS_LINE;
	f->expect_pdu = 0;
	f->in_quote = false;
	f->last_cr = false;
	f->seg = 0;
	f->header[0] = '\0';
}

static void at_emit(struct at_frame *f, enum at_ev_kind kind, enum at_final final, int code,
		    const char *text, size_t len, const char *header)
{
	struct at_event ev = { kind, final, code, text, len, header };
	if (f->cb)
		f->cb(f->ctx, &ev);
}

static bool at_is_hex_line(const char *s, size_t n)
{
	if (n < 2 || n % 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool at_is_echo(const char *s, size_t n)
{
	if (n < 2 || (s[0] != 'A' && s[0] != 'a'))
		return false;
	return s[1] == 'T' || s[1] == 't' || s[1] == '/';
}

static bool at_has_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] > ' ' && s[i] < 0x7f)
			return true;
	return false;
}

/* Trims trailing blanks and NUL-terminates line[0..n). Returns the new length. */
static size_t at_trim(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
	return n;
}

/* Classifies and delivers the complete line f->line[0..n). */
static void at_deliver(struct at_frame *f, char *s, size_t n)
{
	n = at_trim(s, n);
	if (n == 0)
		return;
	if (!at_has_printable(s, n)) {
		f->dropped_lines++;
		f->dropped_bytes += n;
		return;
	}
	if (f->expect_pdu && at_is_hex_line(s, n)) {
		f->expect_pdu = 0;
		at_emit(f, AT_EV_PDU, AT_FINAL_NONE, 0, s, n, f->header);
		return;
	}
	int code;
	enum at_final fin = at_final_parse(s, &code);
	if (fin != AT_FINAL_NONE) {
		if (f->expect_pdu) {
			f->expect_pdu = 0;
			f->missing_pdus++;
		}
		at_emit(f, AT_EV_FINAL, fin, code, s, n, NULL);
		return;
	}
	if (n == 1 && s[0] == '>') {	/* a prompt some modems end with CRLF */
		at_emit(f, AT_EV_PROMPT, AT_FINAL_NONE, 0, "", 0, NULL);
		return;
	}
	if (at_is_echo(s, n)) {
		at_emit(f, AT_EV_ECHO, AT_FINAL_NONE, 0, s, n, NULL);
		return;
	}
	if (at_frame_is_pdu_header(s)) {
		if (f->expect_pdu)
			f->missing_pdus++;
		size_t h = n < AT_HEADER_MAX ? n : AT_HEADER_MAX;
		memcpy(f->header, s, h);
		f->header[h] = '\0';
		f->expect_pdu = 1;
	}
	at_emit(f, AT_EV_LINE, AT_FINAL_NONE, 0, s, n, NULL);
}

static bool at_is_cusd(const struct at_frame *f)
{
	return f->len >= 6 && memcmp(f->line, "+CUSD:", 6) == 0;
}

static void at_clear(struct at_frame *f)
{
	f->len = 0;
	f->in_quote = false;
	f->seg = 0;
}

static void at_overflow(struct at_frame *f)
{
	f->dropped_bytes += f->len + 1;	/* the line so far and this byte */
	f->dropped_lines++;
	at_clear(f);
	f->state = AT_FS_DISCARD;
}

/* A line end inside the quoted text of a +CUSD: line. */
static void at_quoted_newline(struct at_frame *f)
{
	char *seg = f->line + f->seg;
	size_t segn = f->len - f->seg;
	/* Segments are checked whole: a stray final result means the quote
	 * will never close; deliver what we have and then the result. */
	char save = f->line[f->len];
	f->line[f->len] = '\0';
	size_t t = segn;
	while (t > 0 && (seg[t - 1] == ' ' || seg[t - 1] == '\t'))
		t--;
	char endc = seg[t];
	seg[t] = '\0';
	bool fin = at_final_parse(seg, NULL) != AT_FINAL_NONE;
	seg[t] = endc;
	f->line[f->len] = save;
	if (fin) {
		char tmp[AT_LINE_MAX + 1];
		memcpy(tmp, seg, segn);
		size_t head = f->seg;
		at_deliver(f, f->line, head);
		at_deliver(f, tmp, segn);
		at_clear(f);
		return;
	}
	if (f->len >= AT_LINE_MAX) {
		at_overflow(f);
		return;
	}
	f->line[f->len++] = '\n';
	f->seg = f->len;
}

void at_frame_feed(struct at_frame *f, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];
		bool was_cr = f->last_cr;
		f->last_cr = c == '\r';
		if (f->state == AT_FS_DISCARD) {
			if (c == '\r' || c == '\n')
				f->state = AT_FS_LINE;
			else
				f->dropped_bytes++;
			continue;
		}
		switch (c) {
		case '\r':
		case '\n':
			if (f->in_quote) {
				if (!(c == '\n' && was_cr))
					at_quoted_newline(f);
				continue;
			}
			if (f->len > 0)
				at_deliver(f, f->line, f->len);
			at_clear(f);
			continue;
		case 0x1a:	/* Ctrl-Z ends the PDU typed after "> " */
		case 0x1b:	/* ESC cancels it */
			/* Only typed text ends this way; in a +CUSD: line (whose
			 * text may hold '\n') it is noise like any control byte. */
			if (f->len > 0 && !at_is_cusd(f)) {
				size_t m = at_trim(f->line, f->len);
				if (m > 0)
					at_emit(f, AT_EV_ECHO, AT_FINAL_NONE, 0, f->line, m, NULL);
				at_clear(f);
			} else {
				f->dropped_bytes++;
			}
			continue;
		default:
			break;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			f->dropped_bytes++;
			continue;
		}
		if (f->len == 0 && (c == ' ' || c == '\t'))
			continue;
		if (c == ' ' && f->len == 1 && f->line[0] == '>') {
			at_emit(f, AT_EV_PROMPT, AT_FINAL_NONE, 0, "", 0, NULL);
			at_clear(f);
			continue;
		}
		if (f->len >= AT_LINE_MAX) {
			at_overflow(f);
			continue;
		}
		f->line[f->len++] = (char)c;
		if (c == '"' && at_is_cusd(f))
			f->in_quote = !f->in_quote;
	}
}

/* test_pdu_roundtrip.c: a seeded, deterministic property test. Random
 * Unicode text (Vietnamese with and without diacritics, precomposed and
 * decomposed, emoji and other astral characters, GSM extension and Greek
 * characters, CR/LF) of 0..1000 characters is encoded as SMS-SUBMIT and
 * SMS-DELIVER; every part is decoded and the parts reassembled, which must
 * give the input back. Along the way: parts carry consistent concatenation
 * headers, the alphabet is GSM 7-bit exactly when every character has a GSM
 * form, no part ends inside an escape sequence or a surrogate pair, and every
 * part but the last is full (the next character would not have fitted).
 * TINBAO_SEED=<n> replays another seed; the seed is printed on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sms/gsm7.h"
#include "sms/pdu.h"
#include "sms/utf8.h"

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: enough randomness, same sequence everywhere. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 33) % n;
}

static const char *const viet_letters =
	"áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ"
	"ÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴĐ";
static const char *const gsm_specials = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r";
static const char *const gsm_ext = "{}[]~^|\\€\f";
static const uint32_t marks[] = { 0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0x0302, 0x0306, 0x031B };
static const uint32_t astral[] = { 0x1F600, 0x1F44D, 0x1F3FD, 0x1F64F, 0x1F4A9, 0x20BB7, 0x1F1FB,
				   0x1F1F3, 0x10348 };

/* The n-th code point of a UTF-8 string literal (n < its length). */
static uint32_t nth(const char *s, uint32_t n)
{
	uint32_t cp = 0;
	size_t len = strlen(s), i = 0;
	for (uint32_t k = 0; k <= n && i < len; k++)
		i += utf8_decode(s + i, len - i, &cp);
	return cp;
}

static uint32_t count_cps(const char *s)
{
	uint32_t n = 0;
	uint32_t cp;
	for (size_t i = 0, len = strlen(s); i < len; n++)
		i += utf8_decode(s + i, len - i, &cp);
	return n;
}

/* Kinds of text: 0 plain ASCII/GSM only, 1 GSM with extension and Greek,
 * 2 Vietnamese precomposed, 3 Vietnamese decomposed, 4 everything. */
static uint32_t pick(int kind)
{
	static uint32_t nviet, nspec, next;
	if (!nviet) {
		nviet = count_cps(viet_letters);
		nspec = count_cps(gsm_specials);
		next = count_cps(gsm_ext);
	}
	uint32_t r = rnd(100);
	if (kind == 0 || r < 50) {
		static const char ascii[] = "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,:;!?-+=/()#%&*'\"<>";
		return (uint8_t)ascii[rnd(sizeof ascii - 1)];
	}
	switch (kind) {
	case 1:
		return r < 75 ? nth(gsm_specials, rnd(nspec)) : nth(gsm_ext, rnd(next));
	case 2:
		return nth(viet_letters, rnd(nviet));
	case 3:
		return r < 75 ? (uint32_t)"aeiouyAEIOUY"[rnd(12)] : marks[rnd(8)];
	default:
		if (r < 60)
			return nth(viet_letters, rnd(nviet));
		if (r < 70)
			return marks[rnd(8)];
		if (r < 80)
			return nth(gsm_ext, rnd(next));
		if (r < 85)
			return nth(gsm_specials, rnd(nspec));
		if (r < 95)
			return astral[rnd(sizeof astral / sizeof astral[0])];
		return 0x4E00 + rnd(0x100);	/* CJK */
	}
}

static size_t make_text(char *buf, size_t cap, uint32_t nchars, int kind, int *all_gsm)
{
	size_t o = 0;
	*all_gsm = 1;
	for (uint32_t i = 0; i < nchars && o + 5 < cap; i++) {
		uint32_t cp = pick(kind);
		if (gsm7_septets(cp) == 0)
			*all_gsm = 0;
		o += utf8_encode(cp, buf + o);
	}
	buf[o] = '\0';
	return o;
}

/* Units a character takes in the alphabet. */
static size_t units_of(uint32_t cp, enum sms_enc enc)
{
	return enc == SMS_ENC_GSM7 ? (size_t)gsm7_septets(cp) : (size_t)utf16_units(cp);
}

static size_t units_str(const char *s, enum sms_enc enc)
{
	size_t n = 0;
	uint32_t cp;
	for (size_t i = 0, len = strlen(s); i < len;) {
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k)
			return (size_t)-1;
		n += units_of(cp, enc);
		i += k;
	}
	return n;
}

static struct pdu_part parts[PDU_MAX_PARTS];
static struct pdu_msg msgs[64];
static char text[8192], joined[8192];
static uint8_t utf16[8192];
static char why[256];
static int failures_shown;

static void check_parts(const char *what, int n, const char *in, int all_gsm, uint16_t ref,
			int ref16, enum pdu_type type, unsigned long long seed, int iter)
{
	if (n < 1 || n > 64) {
		CHECKF(0, "seed %llu iter %d %s: %d parts (%s)", seed, iter, what, n, why);
		return;
	}
	size_t jl = 0, ul = 0;
	joined[0] = '\0';
	for (int i = 0; i < n; i++) {
		struct pdu_msg *m = &msgs[i];
		int rc = pdu_decode(parts[i].hex, strlen(parts[i].hex), parts[i].tpdu_len, m, why,
				    sizeof why);
		CHECKF(rc == 0, "seed %llu iter %d %s part %d: %s", seed, iter, what, i + 1, why);
		if (rc)
			return;
		CHECK(m->type == type);
		CHECK(m->enc == (all_gsm ? SMS_ENC_GSM7 : SMS_ENC_UCS2));
		CHECK(utf8_valid(m->text, m->text_len));
		CHECK(strstr(m->text, "\xEF\xBF\xBD") == NULL);	/* no half pair */
		if (n > 1) {
			CHECK(m->concat.present && m->concat.total == n && m->concat.seq == i + 1 &&
			      m->concat.ref16 == ref16 && m->concat.ref == (ref16 ? ref : (ref & 0xFF)));
		} else {
			CHECK(!m->concat.present);
		}
		size_t tl = strlen(m->text);
		CHECK(tl == m->text_len);
		if (jl + tl < sizeof joined) {
			memcpy(joined + jl, m->text, tl + 1);
			jl += tl;
		}
		if (ul + m->data_len <= sizeof utf16) {
			memcpy(utf16 + ul, m->data, m->data_len);
			ul += m->data_len;
		}
	}
	/* Greedy and whole: a part's units plus the next part's first
	 * character exceed the capacity. */
	enum sms_enc enc = msgs[0].enc;
	size_t cap = n == 1 ? (enc == SMS_ENC_GSM7 ? 160 : 70)
			    : enc == SMS_ENC_GSM7 ? (ref16 ? 152 : 153) : (ref16 ? 66 : 67);
	for (int i = 0; i < n; i++) {
		size_t u = units_str(msgs[i].text, enc);
		CHECKF(u <= cap, "seed %llu iter %d %s: part %d has %zu units", seed, iter, what, i + 1, u);
		if (i + 1 < n) {
			uint32_t cp;
			size_t k = utf8_decode(msgs[i + 1].text, msgs[i + 1].text_len, &cp);
			CHECKF(k && u + units_of(cp, enc) > cap,
			       "seed %llu iter %d %s: part %d not full (%zu units)", seed, iter, what,
			       i + 1, u);
		}
	}
	const char *got = joined;
	static char from16[8192];
	if (enc == SMS_ENC_UCS2) {
		utf16be_to_utf8(utf16, ul, from16, sizeof from16);
		got = from16;
		CHECK(!strcmp(joined, from16));
	}
	if (strcmp(got, in) != 0) {
		CHECKF(0, "seed %llu iter %d %s: round trip differs (%zu vs %zu bytes)", seed, iter,
		       what, strlen(got), strlen(in));
		if (failures_shown++ < 3)
			fprintf(stderr, "  in:  %s\n  out: %s\n", in, got);
	}
}

TEST(random_round_trip)
{
	unsigned long long seed = 20261125ULL;
	if (getenv("TINBAO_SEED"))
		seed = strtoull(getenv("TINBAO_SEED"), NULL, 10);
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	int lengths_seen[4] = { 0 };
	for (int iter = 0; iter < 1500; iter++) {
		/* Lengths cover the edges: 0, around one part, around part
		 * boundaries, and up to 1000. */
		uint32_t nchars;
		switch (rnd(4)) {
		case 0: nchars = rnd(8); break;
		case 1: nchars = 60 + rnd(110); break;
		case 2: nchars = 140 + rnd(180); break;
		default: nchars = rnd(1001); break;
		}
		lengths_seen[nchars == 0 ? 0 : nchars < 500 ? 1 : nchars < 1000 ? 2 : 3]++;
		int kind = (int)rnd(5), all_gsm;
		make_text(text, sizeof text, nchars, kind, &all_gsm);
		uint16_t ref = (uint16_t)rnd(65536);
		int ref16 = (int)rnd(2);

		struct pdu_submit_opts so = { .to = "+84912345678", .text = text, .force = -1,
					      .ref = ref, .ref16 = ref16,
					      .status_report = rnd(2), .validity_minutes = (int)rnd(3) * 1440 };
		int n = pdu_encode_submit(&so, parts, PDU_MAX_PARTS, why, sizeof why);
		check_parts("submit", n, text, all_gsm, ref, ref16, PDU_SUBMIT, seed, iter);
		for (int i = 0; i < n && n > 0; i++)
			CHECK(strlen(parts[i].hex) == 2 * (size_t)(parts[i].tpdu_len + 1));

		struct pdu_deliver_opts dopt = {
			.from = rnd(2) ? "VIETTEL" : "0912345678", .smsc = rnd(2) ? "+84980200030" : NULL,
			.text = text, .force = -1, .ref = ref, .ref16 = ref16,
			.scts = { 2020 + (int)rnd(30), 1 + (int)rnd(12), 1 + (int)rnd(28), (int)rnd(24),
				  (int)rnd(60), (int)rnd(60), (int)rnd(111) - 55 },
		};
		dopt.alnum = dopt.from[0] == 'V';
		n = pdu_encode_deliver(&dopt, parts, PDU_MAX_PARTS, why, sizeof why);
		check_parts("deliver", n, text, all_gsm, ref, ref16, PDU_DELIVER, seed, iter);
		if (n > 0) {
			CHECK(!strcmp(msgs[0].addr.text, dopt.from));
			CHECK(msgs[0].scts.tz_quarters == dopt.scts.tz_quarters);
			CHECK(msgs[0].scts.minute == dopt.scts.minute);
		}
	}
	/* The generator really covered empty, short, long and 1000-character texts. */
	CHECK(lengths_seen[0] > 0 && lengths_seen[1] > 0 && lengths_seen[2] > 0);
}

TEST(forced_ucs2_round_trip)
{
	/* GSM-only text forced to UCS-2 splits at 67 units and still comes back. */
	rng = 7;
	for (int iter = 0; iter < 200; iter++) {
		int all_gsm;
		make_text(text, sizeof text, rnd(400), 1, &all_gsm);
		struct pdu_submit_opts so = { .to = "1414", .text = text, .force = SMS_ENC_UCS2 };
		int n = pdu_encode_submit(&so, parts, PDU_MAX_PARTS, why, sizeof why);
		check_parts("ucs2", n, text, 0, 0, 0, PDU_SUBMIT, 7, iter);
	}
}

int main(void)
{
	RUN(random_round_trip);
	RUN(forced_ucs2_round_trip);
	return check_done();
}

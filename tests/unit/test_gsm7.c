/* test_gsm7.c: the GSM 7-bit tables both ways (every septet of the default
 * alphabet and of the extension table), characters without a GSM form, and
 * septet packing at every bit offset. */
#include "check.h"
#include "sms/gsm7.h"
#include "sms/utf8.h"

TEST(default_table_round_trip)
{
	int seen = 0;
	for (int s = 0; s < 128; s++) {
		if (s == GSM7_ESC)
			continue;
		uint32_t cp = gsm7_to_ucs((uint8_t)s);
		CHECKF(gsm7_from_ucs(cp) == s, "septet %02X -> U+%04X -> %d", s, cp, gsm7_from_ucs(cp));
		CHECKF(gsm7_septets(cp) == 1, "septet %02X: 1 septet", s);
		seen++;
	}
	CHECK_INT(seen, 127);
	/* Spot checks against TS 23.038 6.2.1. */
	CHECK_INT(gsm7_to_ucs(0x00), '@');
	CHECK_INT(gsm7_to_ucs(0x02), '$');
	CHECK_INT(gsm7_to_ucs(0x11), '_');
	CHECK_INT(gsm7_to_ucs(0x24), 0x00A4);	/* currency sign, not '$' */
	CHECK_INT(gsm7_to_ucs(0x40), 0x00A1);
	CHECK_INT(gsm7_to_ucs(0x5F), 0x00A7);	/* section sign (node-pdu gets this wrong) */
	CHECK_INT(gsm7_to_ucs(0x60), 0x00BF);
	CHECK_INT(gsm7_to_ucs(0x7F), 0x00E0);
	CHECK_INT(gsm7_to_ucs(0x10), 0x0394);
	CHECK_INT(gsm7_to_ucs(0x1B), ' ');	/* a lone ESC shows as a space */
}

TEST(extension_table)
{
	static const struct { uint8_t s; uint32_t cp; } t[] = {
		{ 0x0A, 0x0C }, { 0x14, '^' }, { 0x28, '{' }, { 0x29, '}' }, { 0x2F, '\\' },
		{ 0x3C, '[' }, { 0x3D, '~' }, { 0x3E, ']' }, { 0x40, '|' }, { 0x65, 0x20AC },
	};
	int n = 0;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_INT(gsm7_ext_to_ucs(t[i].s), t[i].cp);
		CHECK_INT(gsm7_from_ucs(t[i].cp), GSM7_EXT | t[i].s);
		CHECK_INT(gsm7_septets(t[i].cp), 2);
	}
	for (int s = 0; s < 128; s++)
		n += gsm7_ext_to_ucs((uint8_t)s) != 0;
	CHECK_INT(n, 10);
}

TEST(not_in_gsm)
{
	static const uint32_t no[] = { '`', 0x7F, 0x09, 0x00, 0x0111, 0x00E1, 0x00A0, 0x03B1,
				       0x1F600, 0x00E7 /* ç: only Ç is there */, 0xFFFD };
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		CHECKF(gsm7_from_ucs(no[i]) == -1, "U+%04X has a GSM form?", no[i]);
		CHECKF(gsm7_septets(no[i]) == 0, "U+%04X septets", no[i]);
	}
}

TEST(pack_unpack_offsets)
{
	/* Every start offset 0..7 (fill bits after a UDH) and lengths 0..160. */
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 160 - off; n += 7) {
			uint8_t buf[141] = { 0 };
			for (size_t i = 0; i < n; i++)
				gsm7_put(buf, off + i, (uint8_t)((i * 37 + off) & 0x7F));
			CHECK(gsm7_octets(off + n) <= 140);
			for (size_t i = 0; i < n; i++)
				CHECKF(gsm7_get(buf, off + i) == ((i * 37 + off) & 0x7F),
				       "off %zu n %zu i %zu", off, n, i);
			/* Nothing is written past the septets' last octet. */
			for (size_t b = gsm7_octets(off + n); b < sizeof buf; b++)
				CHECKF(buf[b] == 0, "off %zu n %zu: byte %zu written", off, n, b);
		}
	}
}

TEST(unpack_utf8)
{
	/* "hellohello" from the well-known PDU. */
	static const uint8_t hello[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37 };
	char out[64];
	CHECK_INT(gsm7_unpack_utf8(hello, 0, 10, out, sizeof out), 10);
	CHECK_STR(out, "hellohello");
	CHECK_INT(gsm7_unpack_utf8(hello, 5, 5, out, sizeof out), 5);
	CHECK_STR(out, "hello");
	/* ESC + unknown shows the default character; ESC ESC a space; ESC at the end a space. */
	uint8_t b[8] = { 0 };
	gsm7_put(b, 0, 0x1B);
	gsm7_put(b, 1, 0x41);	/* no extension at 0x41: 'A' */
	gsm7_put(b, 2, 0x1B);
	gsm7_put(b, 3, 0x65);	/* euro */
	gsm7_put(b, 4, 0x1B);
	CHECK_INT(gsm7_unpack_utf8(b, 0, 5, out, sizeof out), 5);
	CHECK_STR(out, "A€ ");
	CHECK(utf8_valid(out, 5));
	/* Too small an output buffer is reported, never overrun. */
	CHECK(gsm7_unpack_utf8(hello, 0, 10, out, 5) == (size_t)-1);
	CHECK(gsm7_unpack_utf8(hello, 0, 10, out, 0) == (size_t)-1);
}

TEST(utf8_strict)
{
	uint32_t cp;
	CHECK_INT(utf8_decode("\xC0\x80", 2, &cp), 0);	/* overlong NUL */
	CHECK_INT(utf8_decode("\xED\xA0\x80", 3, &cp), 0);	/* surrogate */
	CHECK_INT(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0);	/* > U+10FFFF */
	CHECK_INT(utf8_decode("\xE2\x82", 2, &cp), 0);	/* truncated */
	CHECK_INT(utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	CHECK_INT(cp, 0x20AC);
	CHECK_INT(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);
	char o[4];
	CHECK_INT(utf8_encode(0xD800, o), 0);
	CHECK_INT(utf8_encode(0x110000, o), 0);
	/* UTF-16BE: pairs joined, lone halves replaced, odd tail ignored. */
	static const uint8_t u[] = { 0xD8, 0x3D, 0xDE, 0x00, 0xDC, 0x00, 0x00, 0x41, 0xD8, 0x00 };
	char out[32];
	CHECK_INT(utf16be_to_utf8(u, sizeof u, out, sizeof out), 4 + 3 + 1 + 3);
	CHECK_STR(out, "\xF0\x9F\x98\x80\xEF\xBF\xBD" "A\xEF\xBF\xBD");
	CHECK(utf16be_to_utf8(u, sizeof u, out, 5) == (size_t)-1);
}

int main(void)
{
	RUN(default_table_round_trip);
	RUN(extension_table);
	RUN(not_in_gsm);
	RUN(pack_unpack_offsets);
	RUN(unpack_utf8);
	RUN(utf8_strict);
	return check_done();
}

/* test_ussd.c: +CUSD decoding per DCS and AT+CSCS, and AT+CUSD requests. */
#include "check.h"

#include "modem/ussd.h"

static const struct {
	const char *line;
	enum ussd_charset cs;
	enum ussd_packed packed;
	int ret;
	int status;
	int dcs;
	const char *text;
	bool fallback;
} parse_cases[] = {
	/* IRA text, the usual reply */
	{ "+CUSD: 0,\"TKC 12500d, han 01/12/2026\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 15,
	  "TKC 12500d, han 01/12/2026", false },
	{ "+CUSD: 0,\"TKC 12500d\",0", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 0, "TKC 12500d", false },
	{ "+CUSD:1,\"Chon:\n1. Tra cuu\n2. Nap the\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 1, 15,
	  "Chon:\n1. Tra cuu\n2. Nap the", false },
	{ "+CUSD: 0,\"a\r\nb\rc\n\n\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 15, "a\nb\nc", false },
	/* UCS-2 by DCS (72 = 0x48), whatever the charset */
	{ "+CUSD: 0,\"0054004B0043002000310032002E0035003000300064\",72", USSD_CS_IRA,
	  USSD_PACKED_NEVER, 0, 0, 72, "TKC 12.500d", false },
	{ "+CUSD: 0,\"0054004B0043\",72", USSD_CS_GSM, USSD_PACKED_NEVER, 0, 0, 72, "TKC", false },
	{ "+CUSD: 0,\"005400691EC1006E\",72", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 72, "Tiền", false },
	{ "+CUSD: 0,\"D83DDE00\",72", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 72, "\xF0\x9F\x98\x80", false },
	/* UCS-2 because AT+CSCS="UCS2" */
	{ "+CUSD: 0,\"0054004B0043\",15", USSD_CS_UCS2, USSD_PACKED_NEVER, 0, 0, 15, "TKC", false },
	/* DCS 0x11: two octets of language first */
	{ "+CUSD: 0,\"656E0054\",17", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 17, "T", false },
	/* DCS 0x10: "en" CR before the text */
	{ "+CUSD: 0,\"en\nHello\",16", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 16, "Hello", false },
	/* packed 7-bit hex quirk */
	{ "+CUSD: 0,\"C8329BFD06\",15", USSD_CS_IRA, USSD_PACKED_ALWAYS, 0, 0, 15, "Hello", false },
	{ "+CUSD: 0,\"C8329BFD06\",15", USSD_CS_IRA, USSD_PACKED_AUTO, 0, 0, 15, "Hello", false },
	{ "+CUSD: 0,\"C8329BFD06\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 15, "C8329BFD06", false },
	{ "+CUSD: 0,\"D4E5101493D5603032\",15", USSD_CS_GSM, USSD_PACKED_AUTO, 0, 0, 15, "TKC 12500d", false },
	{ "+CUSD: 0,\"31D98C56B3DD1A\",15", USSD_CS_IRA, USSD_PACKED_ALWAYS, 0, 0, 15, "1234567", false },
	{ "+CUSD: 0,\"31D98C56B3DD70\",15", USSD_CS_IRA, USSD_PACKED_ALWAYS, 0, 0, 15, "12345678", false },
	/* AUTO leaves plain replies alone */
	{ "+CUSD: 0,\"12500\",15", USSD_CS_IRA, USSD_PACKED_AUTO, 0, 0, 15, "12500", false },
	{ "+CUSD: 0,\"12345678\",15", USSD_CS_IRA, USSD_PACKED_AUTO, 0, 0, 15, "12345678", false },
	{ "+CUSD: 0,\"TKC 1\",15", USSD_CS_IRA, USSD_PACKED_AUTO, 0, 0, 15, "TKC 1", false },
	/* packed hex under UCS2 charset (Huawei) */
	{ "+CUSD: 0,\"C8329BFD06\",15", USSD_CS_UCS2, USSD_PACKED_ALWAYS, 0, 0, 15, "Hello", false },
	/* AT+CSCS="GSM": bytes are GSM codes ('@' is 0x00, ESC e is the euro) */
	{ "+CUSD: 0,\"5 \x1b" "e ok\",15", USSD_CS_GSM, USSD_PACKED_NEVER, 0, 0, 15, "5 € ok", false },
	{ "+CUSD: 0,\"Tien: 100\",15", USSD_CS_GSM, USSD_PACKED_NEVER, 0, 0, 15, "Tien: 100", false },
	/* HEX charset: octets of the unpacked septets */
	{ "+CUSD: 0,\"48656C6C6F\",15", USSD_CS_HEX, USSD_PACKED_NEVER, 0, 0, 15, "Hello", false },
	/* 8-bit DCS (0x44): hex octets */
	{ "+CUSD: 0,\"48656C6C6F\",68", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 68, "Hello", false },
	{ "+CUSD: 0,\"E9\",68", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 68, "é", false },
	/* ISO 8859-1 text, and UTF-8 text a modem passes through */
	{ "+CUSD: 0,\"caf\xe9\",15", USSD_CS_8859_1, USSD_PACKED_NEVER, 0, 0, 15, "café", false },
	{ "+CUSD: 0,\"Ti\xe1\xbb\x81n\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 15, "Tiền", false },
	/* announced UCS-2 but plain text: kept as it came */
	{ "+CUSD: 0,\"TKC 5000d\",72", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 72, "TKC 5000d", true },
	{ "+CUSD: 0,\"TKC\",15", USSD_CS_UCS2, USSD_PACKED_NEVER, 0, 0, 15, "TKC", true },
	/* U+0000 from hex is dropped: the text stays a C string */
	{ "+CUSD: 0,\"00540000004B\",72", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 72, "TK", false },
	/* CR padding after 7 characters is dropped; zero bits there read as '@' */
	{ "+CUSD: 0,\"31D98C56B3DD00\",15", USSD_CS_IRA, USSD_PACKED_ALWAYS, 0, 0, 15, "1234567@", false },
	/* statuses without text */
	{ "+CUSD: 2", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 2, -1, "", false },
	{ "+CUSD: 4", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 4, -1, "", false },
	{ "+CUSD: 5", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 5, -1, "", false },
	{ "+CUSD: 0,\"\",15", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 0, 15, "", false },
	{ "+CUSD: 1,\"Nhap ma\"", USSD_CS_IRA, USSD_PACKED_NEVER, 0, 1, -1, "Nhap ma", false },
	/* errors */
	{ "+CUSD: 6", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: -1", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: ", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: x,\"a\",15", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CMGS: 1", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: 0,\"a\",300", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: 0,\"a\",x", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_SYNTAX, 0, -1, "", false },
	{ "+CUSD: 0,\"a\",96", USSD_CS_IRA, USSD_PACKED_NEVER, USSD_E_DCS, 0, 96, "", false },
};

TEST(test_parse_table)
{
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		struct ussd_opts o = { parse_cases[i].cs, parse_cases[i].packed };
		struct ussd_reply r;
		char why[128] = "";
		int ret = ussd_parse(parse_cases[i].line, &o, &r, why, sizeof why);
		CHECKF(ret == parse_cases[i].ret, "row %zu '%s': ret %d (%s)", i, parse_cases[i].line,
		       ret, why);
		if (ret != 0) {
			CHECKF(why[0] != '\0', "row %zu: no reason", i);
			continue;
		}
		CHECKF((int)r.status == parse_cases[i].status, "row %zu: status %d", i, r.status);
		CHECKF(r.dcs == parse_cases[i].dcs, "row %zu: dcs %d", i, r.dcs);
		CHECKF(strcmp(r.text, parse_cases[i].text) == 0, "row %zu '%s': text '%s' want '%s'", i,
		       parse_cases[i].line, r.text, parse_cases[i].text);
		CHECKF(r.text_len == strlen(r.text), "row %zu: text_len", i);
		CHECKF(r.raw_fallback == parse_cases[i].fallback, "row %zu: fallback %d", i,
		       r.raw_fallback);
	}
}

TEST(test_parse_long)
{
	/* 182 UCS-2 characters is over any real reply: must fit or fail cleanly. */
	char line[2048] = "+CUSD: 0,\"";
	for (int i = 0; i < 182; i++)
		strcat(line, "1EC1");
	strcat(line, "\",72");
	struct ussd_reply r;
	CHECK_INT(ussd_parse(line, NULL, &r, NULL, 0), 0);
	CHECK_INT(r.text_len, 182 * 3);
	/* Longer than the text buffer: an error, never an overflow. */
	char big[4096] = "+CUSD: 0,\"";
	for (int i = 0; i < 700; i++)
		strcat(big, "x");
	strcat(big, "\",15");
	char why[64];
	CHECK_INT(ussd_parse(big, NULL, &r, why, sizeof why), USSD_E_TOOLONG);
	CHECK_INT(ussd_parse(NULL, NULL, &r, NULL, 0), USSD_E_SYNTAX);
	CHECK_INT(ussd_parse("+CUSD: 0", NULL, NULL, NULL, 0), USSD_E_SYNTAX);
}

TEST(test_dcs_alphabet)
{
	static const struct { int dcs; int ok; enum ussd_alphabet a; } rows[] = {
		{ -1, 1, USSD_ALPHA_GSM7 }, { 0x00, 1, USSD_ALPHA_GSM7 }, { 0x0F, 1, USSD_ALPHA_GSM7 },
		{ 0x10, 1, USSD_ALPHA_GSM7 }, { 0x11, 1, USSD_ALPHA_UCS2 }, { 0x20, 1, USSD_ALPHA_GSM7 },
		{ 0x40, 1, USSD_ALPHA_GSM7 }, { 0x44, 1, USSD_ALPHA_8BIT }, { 0x48, 1, USSD_ALPHA_UCS2 },
		{ 0x4C, 1, USSD_ALPHA_GSM7 }, { 0x60, 0, USSD_ALPHA_GSM7 }, { 0x68, 0, USSD_ALPHA_GSM7 },
		{ 0x94, 1, USSD_ALPHA_8BIT }, { 0x98, 1, USSD_ALPHA_UCS2 }, { 0xF0, 1, USSD_ALPHA_GSM7 },
		{ 0xF4, 1, USSD_ALPHA_8BIT }, { 0xA0, 1, USSD_ALPHA_GSM7 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		enum ussd_alphabet a = USSD_ALPHA_GSM7;
		bool ok = ussd_dcs_alphabet(rows[i].dcs, &a);
		CHECKF(ok == (bool)rows[i].ok, "dcs 0x%02x ok %d", rows[i].dcs, ok);
		if (ok)
			CHECKF(a == rows[i].a, "dcs 0x%02x alphabet %d", rows[i].dcs, a);
	}
}

static const struct {
	const char *code;
	enum ussd_charset cs;
	enum ussd_packed packed;
	const char *cmd;	/* NULL: refused */
} req_cases[] = {
	{ "*101#", USSD_CS_IRA, USSD_PACKED_NEVER, "AT+CUSD=1,\"*101#\",15" },
	{ "*101#", USSD_CS_GSM, USSD_PACKED_NEVER, "AT+CUSD=1,\"*101#\",15" },
	{ "*101#", USSD_CS_8859_1, USSD_PACKED_AUTO, "AT+CUSD=1,\"*101#\",15" },
	{ "*101#", USSD_CS_UCS2, USSD_PACKED_NEVER, "AT+CUSD=1,\"002A0031003000310023\",15" },
	{ "*101#", USSD_CS_IRA, USSD_PACKED_ALWAYS, "AT+CUSD=1,\"AA182C3602\",15" },
	{ "1234567", USSD_CS_IRA, USSD_PACKED_ALWAYS, "AT+CUSD=1,\"31D98C56B3DD1A\",15" },
	{ "*101#", USSD_CS_HEX, USSD_PACKED_NEVER, "AT+CUSD=1,\"2A31303123\",15" },
	{ "1", USSD_CS_IRA, USSD_PACKED_NEVER, "AT+CUSD=1,\"1\",15" },
	{ "*100*123456789012#", USSD_CS_IRA, USSD_PACKED_NEVER, "AT+CUSD=1,\"*100*123456789012#\",15" },
	{ "Nguyen Van A", USSD_CS_IRA, USSD_PACKED_NEVER, "AT+CUSD=1,\"Nguyen Van A\",15" },
	{ "a@b", USSD_CS_GSM, USSD_PACKED_NEVER, NULL },
	{ "a@b", USSD_CS_IRA, USSD_PACKED_NEVER, "AT+CUSD=1,\"a@b\",15" },
	{ "", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },
	{ "a\"b", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },
	{ "a\\b", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },
	{ "*101#\r", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },
	{ "ti\xe1\xbb\x81n", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },
	{ "{1}", USSD_CS_IRA, USSD_PACKED_NEVER, NULL },	/* extension table: not in codes */
};

TEST(test_request_table)
{
	for (size_t i = 0; i < sizeof req_cases / sizeof req_cases[0]; i++) {
		struct ussd_opts o = { req_cases[i].cs, req_cases[i].packed };
		char out[USSD_CMD_MAX], why[128] = "";
		int r = ussd_format_request(req_cases[i].code, &o, out, sizeof out, why, sizeof why);
		if (req_cases[i].cmd) {
			CHECKF(r > 0 && strcmp(out, req_cases[i].cmd) == 0, "row %zu: %d '%s' want '%s' (%s)",
			       i, r, r > 0 ? out : "", req_cases[i].cmd, why);
			CHECKF(r == (int)strlen(req_cases[i].cmd), "row %zu: length", i);
		} else {
			CHECKF(r == USSD_E_ARG && why[0], "row %zu: accepted (%d)", i, r);
		}
	}
	char tiny[8];
	CHECK_INT(ussd_format_request("*101#", NULL, tiny, sizeof tiny, NULL, 0), USSD_E_TOOLONG);
	char code[200];
	memset(code, '1', 161);
	code[161] = '\0';
	char out[USSD_CMD_MAX];
	CHECK_INT(ussd_format_request(code, NULL, out, sizeof out, NULL, 0), USSD_E_ARG);
	code[160] = '\0';
	struct ussd_opts u = { USSD_CS_UCS2, USSD_PACKED_NEVER };
	CHECK(ussd_format_request(code, &u, out, sizeof out, NULL, 0) > 640);
}

TEST(test_request_roundtrip)
{
	/* What we send in packed form decodes back through the reply path. */
	const char *codes[] = { "*101#", "1234567", "12345678", "*100*1234567890123#", "Hello world",
				"Abcdefg@" };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct ussd_opts o = { USSD_CS_IRA, USSD_PACKED_ALWAYS };
		char cmd[USSD_CMD_MAX], line[USSD_CMD_MAX + 16];
		CHECK(ussd_format_request(codes[i], &o, cmd, sizeof cmd, NULL, 0) > 0);
		snprintf(line, sizeof line, "+CUSD: 0,%s", strchr(cmd, '"'));
		struct ussd_reply r;
		CHECK_INT(ussd_parse(line, &o, &r, NULL, 0), 0);
		CHECKF(strcmp(r.text, codes[i]) == 0, "'%s' came back as '%s'", codes[i], r.text);
		struct ussd_opts u = { USSD_CS_UCS2, USSD_PACKED_NEVER };
		CHECK(ussd_format_request(codes[i], &u, cmd, sizeof cmd, NULL, 0) > 0);
		snprintf(line, sizeof line, "+CUSD: 0,%s", strchr(cmd, '"'));
		CHECK_INT(ussd_parse(line, &u, &r, NULL, 0), 0);
		CHECK_STR(r.text, codes[i]);
	}
}

TEST(test_names)
{
	enum ussd_charset cs;
	CHECK(ussd_charset_parse("\"UCS2\"", &cs) && cs == USSD_CS_UCS2);
	CHECK(ussd_charset_parse("gsm", &cs) && cs == USSD_CS_GSM);
	CHECK(ussd_charset_parse("IRA", &cs) && cs == USSD_CS_IRA);
	CHECK(ussd_charset_parse("8859-1", &cs) && cs == USSD_CS_8859_1);
	CHECK(ussd_charset_parse("HEX", &cs) && cs == USSD_CS_HEX);
	CHECK(!ussd_charset_parse("UTF-8", &cs));
	CHECK(!ussd_charset_parse(NULL, &cs));
	CHECK_STR(ussd_charset_name(USSD_CS_UCS2), "UCS2");
	CHECK_STR(ussd_status_name(USSD_MORE), "more");
	CHECK_STR(ussd_status_name(USSD_TIMEOUT), "timeout");
	CHECK(ussd_code_valid("*101#"));
	CHECK(!ussd_code_valid(NULL));
}

int main(void)
{
	RUN(test_parse_table);
	RUN(test_parse_long);
	RUN(test_dcs_alphabet);
	RUN(test_request_table);
	RUN(test_request_roundtrip);
	RUN(test_names);
	return check_done();
}

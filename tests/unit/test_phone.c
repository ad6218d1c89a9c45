/* test_phone.c: phone_normalize, table driven: the three ways Vietnamese
 * numbers arrive are one person; short codes, service codes and names are
 * recognised so nobody answers them; junk is invalid. */
#include "check.h"
#include "sms/phone.h"

TEST(table)
{
	static const struct { const char *in, *country; enum phone_kind kind; const char *out; } t[] = {
		{ "0912345678", "+84", PHONE_E164, "+84912345678" },
		{ "84912345678", "+84", PHONE_E164, "+84912345678" },
		{ "+84912345678", "+84", PHONE_E164, "+84912345678" },
		{ "0084912345678", "+84", PHONE_E164, "+84912345678" },
		{ "091 234 5678", "+84", PHONE_E164, "+84912345678" },
		{ "+84 (91) 234-5678", "+84", PHONE_E164, "+84912345678" },
		{ "912345678", "+84", PHONE_E164, "+84912345678" },	/* TON national, no trunk 0 */
		{ "842345678", "+84", PHONE_E164, "+84842345678" },	/* NSN that starts like the cc */
		{ "0842345678", "+84", PHONE_E164, "+84842345678" },
		{ "02103812345", "+84", PHONE_E164, "+842103812345" },	/* landline */
		{ "+4915112345678", "+84", PHONE_E164, "+4915112345678" },
		{ "07700900123", "+44", PHONE_E164, "+447700900123" },
		{ "1414", "+84", PHONE_SHORT, "1414" },
		{ "9029", "+84", PHONE_SHORT, "9029" },
		{ "19001234", "+84", PHONE_SHORT, "19001234" },
		{ "*101#", "+84", PHONE_SHORT, "*101#" },
		{ "#123*4#", "+84", PHONE_SHORT, "#123*4#" },
		{ "VIETTEL", "+84", PHONE_ALNUM, "VIETTEL" },
		{ "Vietcombank", "+84", PHONE_ALNUM, "Vietcombank" },
		{ "MB Bank", "+84", PHONE_ALNUM, "MB Bank" },
		{ "", "+84", PHONE_INVALID, "" },
		{ "+", "+84", PHONE_INVALID, "" },
		{ "+0912345678", "+84", PHONE_INVALID, "" },
		{ "+1234567890123456", "+84", PHONE_INVALID, "" },	/* 16 digits */
		{ "0", "+84", PHONE_INVALID, "" },
		{ "00", "+84", PHONE_INVALID, "" },
		{ "  ", "+84", PHONE_INVALID, "" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[32];
		enum phone_kind k = phone_normalize(t[i].in, t[i].country, out, sizeof out);
		CHECKF(k == t[i].kind, "row %zu '%s': kind %d, want %d", i, t[i].in, k, t[i].kind);
		if (k != PHONE_INVALID)
			CHECKF(!strcmp(out, t[i].out), "row %zu '%s': '%s', want '%s'", i, t[i].in,
			       out, t[i].out);
	}
}

TEST(small_buffers)
{
	char out[8];
	CHECK_INT(phone_normalize("0912345678", "+84", out, sizeof out), PHONE_INVALID);
	CHECK_INT(phone_normalize("0912345678", "+84", out, 0), PHONE_INVALID);
	CHECK_INT(phone_normalize(NULL, "+84", out, sizeof out), PHONE_INVALID);
	char big[13];	/* "+84912345678" and its NUL exactly */
	CHECK_INT(phone_normalize("0912345678", "+84", big, sizeof big), PHONE_E164);
	CHECK_STR(big, "+84912345678");
	/* A long name with digits and letters is still a name, never a number. */
	char o2[64];
	CHECK_INT(phone_normalize("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij", "+84", o2,
				  sizeof o2), PHONE_ALNUM);
}

int main(void)
{
	RUN(table);
	RUN(small_buffers);
	return check_done();
}

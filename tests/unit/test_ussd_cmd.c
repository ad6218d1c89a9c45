/* test_ussd_cmd.c: the staff USSD / NAP commands: recognition in any case
 * and with diacritics, codes with stray spaces, answers, cancel, top-up
 * through the template with the card masked in the log, refusals with a
 * hint, and the reply texts for every result. */
#include "check.h"

#include "lang/ussd_cmd.h"

static const struct {
	const char *text;
	enum ussd_cmd_kind kind;
	const char *code;
	const char *log;
} rows[] = {
	{ "USSD *101#", USSD_CMD_RUN, "*101#", "*101#" },
	{ "ussd *101#", USSD_CMD_RUN, "*101#", "*101#" },
	{ "  Ussd: * 101 #  ", USSD_CMD_RUN, "*101#", "*101#" },
	{ "USSD *100*1#", USSD_CMD_RUN, "*100*1#", "*100*1#" },
	{ "USSD #123#", USSD_CMD_RUN, "#123#", "#123#" },
	{ "USSD 1", USSD_CMD_ANSWER, "1", "1" },
	{ "USSD Nguyen", USSD_CMD_ANSWER, "Nguyen", "Nguyen" },
	{ "USSD HUY", USSD_CMD_CANCEL, "", "" },
	{ "ussd hủy", USSD_CMD_CANCEL, "", "" },
	{ "NAP 1234 5678 9012", USSD_CMD_TOPUP, "*100*123456789012#", "*100*1234xxxx9012#" },
	{ "nạp 1234-5678-9012-345", USSD_CMD_TOPUP, "*100*123456789012345#", "*100*1234xxxxxxx2345#" },
	{ "Nap tien 1234 5678 9012", USSD_CMD_TOPUP, "*100*123456789012#", "*100*1234xxxx9012#" },
	{ "nạp thẻ: 1234 5678 9012", USSD_CMD_TOPUP, "*100*123456789012#", "*100*1234xxxx9012#" },
	{ "NAP theo 1234 5678 9012", USSD_CMD_BAD, "", "" },
	{ "NAP 1234", USSD_CMD_BAD, "", "" },
	{ "NAP 1234abcd9999", USSD_CMD_BAD, "", "" },
	{ "NAP 123456789012345678901234", USSD_CMD_BAD, "", "" },
	{ "USSD", USSD_CMD_BAD, "", "" },
	{ "USSD *10\"1#", USSD_CMD_BAD, "", "" },
	{ "USSD *101#€", USSD_CMD_BAD, "", "" },
	{ "BC DA4.1 HV 25", USSD_CMD_NONE, "", "" },
	{ "USSDX *101#", USSD_CMD_NONE, "", "" },
	{ "", USSD_CMD_NONE, "", "" },
};

TEST(test_parse)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct ussd_cmd c;
		enum ussd_cmd_kind k = ussd_cmd_parse(rows[i].text, "*100*{code}#", &c);
		CHECKF(k == rows[i].kind && c.kind == k, "'%s': %s want %s", rows[i].text,
		       ussd_cmd_kind_name(k), ussd_cmd_kind_name(rows[i].kind));
		CHECKF(!strcmp(c.code, rows[i].code), "'%s': code '%s' want '%s'", rows[i].text, c.code,
		       rows[i].code);
		CHECKF(!strcmp(c.log, rows[i].log), "'%s': log '%s' want '%s'", rows[i].text, c.log, rows[i].log);
		CHECKF((k == USSD_CMD_BAD) == (c.why[0] != '\0'), "'%s': why '%s'", rows[i].text, c.why);
	}
	struct ussd_cmd c;
	CHECK(ussd_cmd_parse("NAP 123456789012", NULL, &c) == USSD_CMD_BAD);
	CHECK(strstr(c.why, "credit.topup") != NULL);
	CHECK(ussd_cmd_parse(NULL, NULL, &c) == USSD_CMD_NONE);
}

TEST(test_replies)
{
	struct ussd_result r;
	char out[320];
	memset(&r, 0, sizeof r);
	r.kind = USSD_RES_DONE;
	snprintf(r.text, sizeof r.text, "Tài khoản chính: 5.000đ\nHSD 31/12");
	ussd_cmd_reply("*101#", &r, out, sizeof out);
	CHECK_STR(out, "USSD *101#: Tai khoan chinh: 5.000d HSD 31/12");
	r.kind = USSD_RES_MORE;
	snprintf(r.text, sizeof r.text, "1. Nap the");
	ussd_cmd_reply("*100#", &r, out, sizeof out);
	CHECK(strstr(out, "USSD *100#: 1. Nap the (tra loi: USSD <so>") == out);
	static const enum ussd_result_kind kinds[] = {
		USSD_RES_REFUSED, USSD_RES_UNSUPPORTED, USSD_RES_NETWORK_TIMEOUT, USSD_RES_TIMEOUT,
		USSD_RES_BAD_REPLY, USSD_RES_CANCELLED, USSD_RES_BAD_REQUEST,
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		r.kind = kinds[i];
		snprintf(r.text, sizeof r.text, "+CME ERROR: 30");
		ussd_cmd_reply("*100*1234xxxx9012#", &r, out, sizeof out);
		CHECKF(!strncmp(out, "USSD", 4) && strlen(out) <= 160, "%s: '%s'", ussd_result_name(kinds[i]), out);
		for (const char *p = out; *p; p++)
			CHECK((unsigned char)*p < 0x80);
	}
	/* Long answers are cut to the buffer. */
	r.kind = USSD_RES_DONE;
	memset(r.text, 'x', 500);
	r.text[500] = '\0';
	char small[40];
	ussd_cmd_reply("*101#", &r, small, sizeof small);
	CHECK_INT(strlen(small), 39);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_replies);
	return check_done();
}

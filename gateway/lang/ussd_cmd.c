/* ussd_cmd.c: parsing of the staff USSD / NAP commands and the wording of
 * their replies (see ussd_cmd.h). */
#include "lang/ussd_cmd.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conf_ussd.h"
#include "modem/ussd.h"
#include "sms/viet.h"

const char *ussd_cmd_kind_name(enum ussd_cmd_kind k)
{
	switch (k) {
	case USSD_CMD_NONE: return "none";
	case USSD_CMD_RUN: return "run";
	case USSD_CMD_ANSWER: return "answer";
	case USSD_CMD_CANCEL: return "cancel";
	case USSD_CMD_TOPUP: return "topup";
	case USSD_CMD_BAD: return "bad";
	}
	return "?";
}

static enum ussd_cmd_kind uc_bad(struct ussd_cmd *out, const char *why)
{
	out->kind = USSD_CMD_BAD;
	snprintf(out->why, sizeof out->why, "%s", why);
	return out->kind;
}

/* The first word (folded, lower case) and where the rest starts. */
static const char *uc_keyword(const char *folded, char *kw, size_t kwlen)
{
	const char *p = folded;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	size_t n = 0;
	while (*p && !isspace((unsigned char)*p) && *p != '*' && *p != '#' && n + 1 < kwlen) {
		if (!isalpha((unsigned char)*p))
			break;
		kw[n++] = *p++;
	}
	kw[n] = '\0';
	while (*p == ' ' || *p == '\t' || *p == ':' || *p == '\n')
		p++;
	return p;
}

enum ussd_cmd_kind ussd_cmd_parse(const char *text, const char *topup_template, struct ussd_cmd *out)
{
	memset(out, 0, sizeof *out);
	out->kind = USSD_CMD_NONE;
	if (!text)
		return out->kind;
	char folded[256], cased[256];
	viet_fold_lower(text, strlen(text), folded, sizeof folded);
	/* The same fold keeping case (same length): answers keep what was typed. */
	viet_fold(text, strlen(text), cased, sizeof cased, 0);
	char kw[16];
	const char *rest = uc_keyword(folded, kw, sizeof kw);
	char arg[200], larg[200];
	size_t n = 0, off = (size_t)(rest - folded);
	for (const char *p = cased + off; *p && n + 1 < sizeof arg; p++)
		arg[n++] = *p;
	while (n && isspace((unsigned char)arg[n - 1]))
		n--;
	arg[n] = '\0';
	for (size_t i = 0; i <= n; i++)
		larg[i] = (char)tolower((unsigned char)arg[i]);

	if (!strcmp(kw, "nap") || !strcmp(kw, "naptien") || !strcmp(kw, "napthe")) {
		/* Card numbers are typed in groups: keep the digits only. */
		char card[32];
		size_t c = 0;
		/* "nap tien 1234 ...", "nap the 1234 ...": the second word of
		 * a spelling dispatch accepts is not part of the card. */
		size_t skip = 0;
		if (!strcmp(kw, "nap"))
			skip = !strncmp(larg, "tien", 4) ? 4 : !strncmp(larg, "the", 3) ? 3 : 0;
		if (skip && larg[skip] != ' ' && larg[skip] != ':' && larg[skip] != '\0')
			skip = 0;
		while (skip && (arg[skip] == ' ' || arg[skip] == ':'))
			skip++;
		for (const char *p = arg + skip; *p; p++) {
			if (isdigit((unsigned char)*p)) {
				if (c + 1 >= sizeof card)
					return uc_bad(out, "Ma the qua dai. Vi du: NAP 1234 5678 9012");
				card[c++] = *p;
			} else if (*p != ' ' && *p != '-' && *p != '.') {
				return uc_bad(out, "Ma the chi gom chu so. Vi du: NAP 1234 5678 9012");
			}
		}
		card[c] = '\0';
		if (!topup_template)
			return uc_bad(out, "Chua cau hinh nap the (credit.topup)");
		if (conf_ussd_topup_code(topup_template, card, out->code, sizeof out->code) < 0)
			return uc_bad(out, "Ma the phai co 8-20 chu so. Vi du: NAP 1234 5678 9012");
		/* The log shows the first and last 4 digits only. */
		char masked[32];
		for (size_t i = 0; i < c; i++)
			masked[i] = (i < 4 || i + 4 >= c) ? card[i] : 'x';
		masked[c] = '\0';
		conf_ussd_topup_code(topup_template, card, out->log, sizeof out->log);
		char *at = strstr(out->log, card);
		if (at)
			memcpy(at, masked, c);
		out->kind = USSD_CMD_TOPUP;
		return out->kind;
	}
	if (strcmp(kw, "ussd") != 0)
		return out->kind;
	if (!arg[0])
		return uc_bad(out, "Vi du: USSD *101# (ma moi), USSD 1 (tra loi), USSD HUY");
	if (!strcmp(larg, "huy") || !strcmp(larg, "thoat") || !strcmp(larg, "cancel")) {
		out->kind = USSD_CMD_CANCEL;
		return out->kind;
	}
	/* Spaces inside a code are typing slips ("* 101 #"). */
	char code[176];
	size_t k = 0;
	bool is_code = arg[0] == '*' || arg[0] == '#';
	for (const char *p = arg; *p && k + 1 < sizeof code; p++)
		if (!(is_code && *p == ' '))
			code[k++] = *p;
	code[k] = '\0';
	/* A service code is digits, '*', '#' (and '+'); the fold above turned
	 * anything else into '?', so check the characters, not just the set the
	 * modem can send. */
	if (!ussd_code_valid(code) || (is_code && strspn(code, "0123456789*#+") != k))
		return uc_bad(out, "Ma USSD khong hop le. Vi du: USSD *101#");
	snprintf(out->code, sizeof out->code, "%s", code);
	snprintf(out->log, sizeof out->log, "%s", code);
	out->kind = is_code ? USSD_CMD_RUN : USSD_CMD_ANSWER;
	return out->kind;
}

void ussd_cmd_reply(const char *log_code, const struct ussd_result *r, char *out, size_t outlen)
{
	char text[USSD_TEXT_MAX];
	/* Replies go without diacritics (one GSM segment holds 160). */
	viet_fold(r->text, strlen(r->text), text, sizeof text, 0);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	const char *code = log_code ? log_code : "";
	switch (r->kind) {
	case USSD_RES_DONE:
		snprintf(out, outlen, "USSD %s: %s", code, text);
		break;
	case USSD_RES_MORE:
		snprintf(out, outlen, "USSD %s: %s (tra loi: USSD <so>, huy: USSD HUY)", code, text);
		break;
	case USSD_RES_REFUSED:
		snprintf(out, outlen, "USSD %s: mang tu choi (%s). Thu lai sau.", code, text);
		break;
	case USSD_RES_UNSUPPORTED:
		snprintf(out, outlen, "USSD %s: mang khong ho tro ma nay.", code);
		break;
	case USSD_RES_NETWORK_TIMEOUT:
	case USSD_RES_TIMEOUT:
		snprintf(out, outlen, "USSD %s: khong co tra loi tu mang. Thu lai sau.", code);
		break;
	case USSD_RES_BAD_REPLY:
		snprintf(out, outlen, "USSD %s: tra loi khong doc duoc.", code);
		break;
	case USSD_RES_CANCELLED:
		snprintf(out, outlen, "USSD: da huy phien.");
		break;
	case USSD_RES_BAD_REQUEST:
		snprintf(out, outlen, "USSD %s: %s", code, text);
		break;
	}
}

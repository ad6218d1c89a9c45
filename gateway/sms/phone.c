/* phone.c: phone numbers to E.164 with a default country, and the senders
 * nobody may answer (short codes, service codes, alphanumeric names). */
#include <string.h>

#include "sms/phone.h"

#define E164_MIN 8	/* country code plus the shortest subscriber numbers */
#define E164_MAX 15
/* Without a prefix, up to this many digits is a short code ("1414",
 * "9029", the 8-digit 1800xxxx / 1900xxxx service numbers). */
#define SHORT_MAX 8

static bool is_sep(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

static enum phone_kind copy_as_is(const char *in, enum phone_kind k, char *out, size_t outlen)
{
	size_t n = strlen(in);
	if (n + 1 > outlen)
		return PHONE_INVALID;
	memcpy(out, in, n + 1);
	return k;
}

static enum phone_kind e164(const char *cc, const char *nsn, size_t nlen, char *out,
			    size_t outlen)
{
	size_t clen = strlen(cc);
	size_t total = clen + nlen;
	if (total < E164_MIN || total > E164_MAX || total + 2 > outlen ||
	    (clen ? cc[0] == '0' : nlen && nsn[0] == '0'))
		return PHONE_INVALID;
	out[0] = '+';
	memcpy(out + 1, cc, clen);
	memcpy(out + 1 + clen, nsn, nlen);
	out[1 + total] = '\0';
	return PHONE_E164;
}

enum phone_kind phone_normalize(const char *in, const char *country, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return PHONE_INVALID;
	out[0] = '\0';
	if (!in)
		return PHONE_INVALID;
	/* Separators people type are dropped; what is left must be digits with
	 * an optional leading '+', a service code, or a name. */
	char d[40];
	size_t n = 0;
	bool plus = false, letters = false, service = false;
	for (const char *p = in; *p; p++) {
		if (is_sep(*p))
			continue;
		if (*p == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (*p == '*' || *p == '#')
			service = true;
		else if (*p < '0' || *p > '9')
			letters = true;
		if (n + 1 >= sizeof d)
			return letters ? copy_as_is(in, PHONE_ALNUM, out, outlen) : PHONE_INVALID;
		d[n++] = *p;
	}
	d[n] = '\0';
	if (n == 0)
		return PHONE_INVALID;
	if (letters)
		return copy_as_is(in, PHONE_ALNUM, out, outlen);
	if (service)
		return copy_as_is(d, PHONE_SHORT, out, outlen);

	const char *cc = country && country[0] == '+' ? country + 1 : country ? country : "";
	size_t clen = strlen(cc);
	for (size_t i = 0; i < clen; i++)
		if (cc[i] < '0' || cc[i] > '9')
			return PHONE_INVALID;
	if (plus)
		return e164("", d, n, out, outlen);
	if (n >= 2 && d[0] == '0' && d[1] == '0')	/* international prefix */
		return e164("", d + 2, n - 2, out, outlen);
	if (d[0] == '0')	/* national trunk prefix */
		return clen ? e164(cc, d + 1, n - 1, out, outlen) : PHONE_INVALID;
	if (n <= SHORT_MAX)
		return copy_as_is(d, PHONE_SHORT, out, outlen);
	/* Country code written without '+' ("84912345678"), when what follows
	 * is long enough to be a subscriber number; otherwise a national
	 * number sent without its trunk prefix (TON national). */
	if (clen && n >= clen + 8 && strncmp(d, cc, clen) == 0)
		return e164("", d, n, out, outlen);
	return clen ? e164(cc, d, n, out, outlen) : e164("", d, n, out, outlen);
}

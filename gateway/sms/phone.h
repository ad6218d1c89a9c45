/* phone.h: phone number normalisation to E.164. "0912345678",
 * "84912345678", "+84912345678" and "0084912345678" are one person with the
 * default country "+84". Short codes ("1414", "*101#") and alphanumeric
 * senders are recognised so that nobody ever answers them. Pure. */
#ifndef TINBAO_PHONE_H
#define TINBAO_PHONE_H

#include <stdbool.h>
#include <stddef.h>

enum phone_kind {
	PHONE_E164,	/* a subscriber number we may answer */
	PHONE_SHORT,	/* short code or service code: never answer */
	PHONE_ALNUM,	/* alphanumeric sender: never answer */
	PHONE_INVALID,
};

/* country is "+84" style. Writes the normalised form into out ("+84912345678";
 * short codes and alphanumerics copied as they are). */
enum phone_kind phone_normalize(const char *in, const char *country, char *out, size_t outlen);

#endif

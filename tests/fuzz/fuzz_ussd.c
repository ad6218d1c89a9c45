/* fuzz_ussd.c: properties of the +CUSD decoder on any line, under every
 * charset and packed mode (the first byte picks them):
 *  - it returns USSD_OK or an error with a reason, never crashes;
 *  - on OK the text is valid UTF-8 of text_len bytes, without CR, and the
 *    status is 0..5;
 *  - a line that is a valid request string comes back as itself through
 *    ussd_format_request and ussd_parse (UCS2 and packed forms). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modem/ussd.h"
#include "sms/utf8.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct ussd_opts o = { (enum ussd_charset)(data[0] % 5), (enum ussd_packed)((data[0] / 5) % 3) };
	char *line = malloc(size + 8);
	if (!line)
		return 0;
	memcpy(line, "+CUSD: ", 7);
	memcpy(line + 7, data + 1, size - 1);
	line[size + 6] = '\0';
	struct ussd_reply r;
	char why[128] = "";
	int rc = ussd_parse(line, &o, &r, why, sizeof why);
	if (rc == USSD_OK) {
		FUZZ_REQUIRE(r.status <= USSD_TIMEOUT);
		FUZZ_REQUIRE(strlen(r.text) == r.text_len);
		FUZZ_REQUIRE(utf8_valid(r.text, r.text_len));
		FUZZ_REQUIRE(strchr(r.text, '\r') == NULL);
	} else {
		FUZZ_REQUIRE(rc < 0 && why[0]);
	}
	/* The rest of the input as a code: if sendable, it round-trips. */
	const char *code = line + 7;
	if (ussd_code_valid(code)) {
		struct ussd_opts forms[] = { { USSD_CS_UCS2, USSD_PACKED_NEVER },
					     { USSD_CS_IRA, USSD_PACKED_ALWAYS } };
		for (int i = 0; i < 2; i++) {
			char cmd[USSD_CMD_MAX], back[USSD_CMD_MAX + 16];
			FUZZ_REQUIRE(ussd_format_request(code, &forms[i], cmd, sizeof cmd, NULL, 0) > 0);
			snprintf(back, sizeof back, "+CUSD: 0,%s", strchr(cmd, '"'));
			FUZZ_REQUIRE(ussd_parse(back, &forms[i], &r, NULL, 0) == USSD_OK);
			/* The decoder trims trailing blanks; a code rarely has them. */
			size_t n = strlen(code);
			while (n && code[n - 1] == ' ')
				n--;
			FUZZ_REQUIRE(r.text_len == n && memcmp(r.text, code, n) == 0);
		}
	}
	free(line);
	return 0;
}

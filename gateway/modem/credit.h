/* credit.h: the prepaid balance in a USSD reply, and when to warn. Pure.
 *
 * Operators word their replies differently and change them ("TKC 12500d",
 * "So du: 12.500 VND", "12,500 VND"), so the figure is found with a POSIX
 * extended regular expression from the config whose first capture group is
 * the number. The number is read the Vietnamese way when in doubt: a '.' or
 * ',' followed by exactly three digits groups thousands ("12.500" is 12500),
 * otherwise it is the decimal mark ("12,5"); with both marks the last one is
 * decimal ("1,234.56", "1.234,56").
 *
 * The alarm fires once when the balance goes below the threshold and is
 * re-armed only when a reading is back at or above it, so staff get one
 * alert per crossing, not one per check. Its state is one flag the caller
 * stores with each reading (credit_readings.armed) and restores at start. */
#ifndef TINBAO_CREDIT_H
#define TINBAO_CREDIT_H

#include <stdbool.h>
#include <stddef.h>

/* Matches "12.500d", "12,500 VND", "TKC 12500d", "12500 dong", "12.500đ". */
#define CREDIT_PATTERN_DEFAULT "([0-9]+([.,][0-9]+)*) ?(d|đ|vnd|dong)([^a-z]|$)"

struct credit_pattern;

/* Compiles pattern (REG_EXTENDED | REG_ICASE). It needs at least one
 * capture group. Returns 0, or -1 with the regcomp reason in why. */
int credit_pattern_new(struct credit_pattern **out, const char *pattern, char *why,
		       size_t whylen);
void credit_pattern_free(struct credit_pattern *p);	/* NULL-safe */

/* Finds the first match whose group 1 reads as a number. Returns 1 and sets
 * *amount (and figure, the matched text, when non-NULL), or 0. */
int credit_extract(const struct credit_pattern *p, const char *reply, double *amount,
		   char *figure, size_t figlen);

/* Reads "12.500", "12,500", "1.234.567", "12,5", "-500" (n bytes). */
bool credit_parse_amount(const char *s, size_t n, double *out);

struct credit_alarm {
	bool armed;		/* true: the next reading below the threshold alerts */
};

enum credit_alarm_event {
	CREDIT_ALARM_NONE,	/* nothing to tell */
	CREDIT_ALARM_LOW,	/* crossed below: alert staff (once) */
	CREDIT_ALARM_REARMED,	/* back at or above: the next crossing alerts */
};

void credit_alarm_init(struct credit_alarm *a);	/* armed */
enum credit_alarm_event credit_alarm_update(struct credit_alarm *a, double threshold,
					    double balance);
const char *credit_alarm_event_name(enum credit_alarm_event e);

#endif

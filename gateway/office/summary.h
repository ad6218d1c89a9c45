/* summary.h: the weekly summary text, built from figures gathered by the
 * caller (office/gather.c from the store): the week's totals per project
 * with the main indicators and the change since the previous week, the
 * household review changes, household coverage, how many communes and
 * villages reported and which did not, and the gateway's own health.
 * Pure: structs in, ASCII text out, at most three concatenated GSM 7-bit
 * segments (3 x 153 septets); parts are shortened, lowest priority first,
 * never cut mid-word. */
#ifndef TINBAO_SUMMARY_H
#define TINBAO_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/period.h"
#include "office/coverage.h"
#include "store/store_office.h"

struct catalog;

#define SUMMARY_SEPTETS 459
#define SUMMARY_MAX 640
#define SUMMARY_MISSING_MAX 256

struct summary_input {
	struct period week;
	const char *place;		/* "toan huyen" or the commune's ASCII name */
	bool commune_version;		/* missing[] lists villages, not communes */
	bool late;			/* queued after its time (box was off) */
	int64_t due_at;			/* the scheduled time, for the "late" note */
	int tz_offset_s;
	const struct office_totals *cur;
	const struct office_totals *prev;	/* the week before; may be NULL */
	int communes_reported, communes_total;
	int villages_reported, villages_total;
	const char *missing[SUMMARY_MISSING_MAX];	/* ASCII names that did not report */
	int nmissing;
	int review[4];			/* status rows of the week, by new hh_status */
	const struct office_totals *rs;	/* the week's RS review reports (signed); may be NULL */
	bool has_coverage;
	struct coverage coverage;	/* households reached this year, as of the week's end */
	/* Health; negative when unknown. */
	int64_t no_network_s;		/* seconds without network in the week */
	long credit;			/* SIM credit in VND as last read by USSD */
	int failed;			/* messages that failed in the week */
};

/* Writes the summary; returns its length. catalog gives the projects'
 * indicator order (the first ones are the main ones). */
size_t summary_build(const struct summary_input *in, const struct catalog *cat, char *out,
		     size_t outlen);

#endif

/* query.h: the TK query language of staff, officials and collaborators,
 * and its reply. "TK DA4 T11", "TK Vo Tranh 2026", "TK HN Q4",
 * "TK DA3.1 Vo Tranh thon 3 1/11-20/11": a project (or a family: DA4 is
 * DA4.1 and DA4.3), an indicator, a place and a period, in any order, each
 * at most once; default period this month, default place the district (a
 * collaborator's own commune). Parsing and formatting are pure (catalog
 * lookups only); the store query between them is store_office_totals().
 * The reply states period, place, reports and communes that reported,
 * shows the catalog's yearly targets, and fits two GSM 7-bit segments.
 * "TK TIEP CAN Vo Tranh 2026" asks household coverage instead (q.coverage;
 * answered by office_sms.c from the register). */
#ifndef TINBAO_QUERY_H
#define TINBAO_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/period.h"

struct catalog;
struct catalog_project;
struct catalog_indicator;
struct catalog_commune;
struct catalog_village;
struct user;
struct office_totals;

/* Two concatenated GSM 7-bit segments: 2 x 153 septets. */
#define QUERY_REPLY_SEPTETS 306
#define QUERY_REPLY_MAX 400

enum query_status {
	QUERY_OK,
	QUERY_E_EMPTY_KEYWORD,	/* the text does not start with TK */
	QUERY_E_UNKNOWN_WORD,	/* word: the word, hint: nearest name */
	QUERY_E_BAD_PERIOD,	/* T13, 31/2, TUAN 54 */
	QUERY_E_TWICE,		/* two periods, two places, two projects ... */
	QUERY_E_PLACE_AMBIGUOUS,
	QUERY_E_COVERAGE_FILTER,	/* TK TIEP CAN with a project or an indicator */
};

struct query {
	struct period period;
	bool period_given;
	char project[16];	/* "DA4.1", a family "DA4", or "" for all */
	const struct catalog_project *project_exact;	/* when one project */
	const struct catalog_indicator *indicator;	/* NULL: all */
	const struct catalog_commune *commune;		/* NULL: the district */
	const struct catalog_village *village;		/* NULL: the commune */
	/* "TK TIEP CAN [place] [period]" (also TIEPCAN, BAO PHU): household
	 * coverage instead of report totals (office/coverage.h). Not "TK HO":
	 * HO is the catalog's indicator "ho" (households taking part), and
	 * "TK HO Q4" already sums it. Default period: this year. */
	bool coverage;
	enum query_status status;
	char word[40];		/* the word that failed */
	char hint[64];		/* nearest valid form */
};

/* Parses a whole message; the keyword (TK, THONG KE) comes first. now and
 * tz_offset_s fix "this month". Returns 0 with q filled, or -1 with
 * q->status, q->word and q->hint saying what was wrong. */
int query_parse(const char *text, size_t len, const struct catalog *cat, int64_t now,
		int tz_offset_s, struct query *q);

/* True when the text is a TK query (its first word). */
bool query_is_query(const char *text, size_t len);

/* Who may ask what: staff, officials and admins anything; a collaborator
 * only their own commune (a query without a place is narrowed to it).
 * Returns 0 (q may have been narrowed) or -1 with a refusal in why. */
int query_authorize(struct query *q, const struct user *u, const struct catalog *cat,
		    char *why, size_t whylen);

/* The reply for totals t (store_office_totals with the query's filter):
 * "TK DA4 T11/2026 Vo Tranh: 12 bao cao, 4/5 thon. DA4.1 LOP 3 HV 75
 * (KH nam 370) ..." at most QUERY_REPLY_SEPTETS septets, ASCII.
 * communes_total / villages_total: how many could have reported (for "x/y
 * xa"). Returns the length. */
size_t query_format(const struct query *q, const struct office_totals *t,
		    const struct catalog *cat, int communes_total, char *out, size_t outlen);

/* The place a reply names: "Thon 3 Vo Tranh", "Vo Tranh" or "toan huyen"
 * (the whole district), ASCII. */
void query_place_label(const struct query *q, char *out, size_t outlen);

/* The refusal / hint reply for a failed parse. */
size_t query_format_error(const struct query *q, char *out, size_t outlen);

/* Septets text takes in GSM 7-bit (extension characters count two), or
 * (size_t)-1 when a character has no 7-bit form. */
size_t query_septets(const char *text);

#endif

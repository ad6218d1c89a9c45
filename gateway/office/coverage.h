/* coverage.h: how many poor, near-poor and newly-escaped households were
 * reached by at least one project in a period, by which projects, for a
 * commune, a village or the whole district. Pure given the catalog: the
 * store hands in hh_record rows (status on the counting day, projects that
 * reached each household in the period); places are taken as of the
 * counting day, so a village that moved to another commune counts there. */
#ifndef TINBAO_COVERAGE_H
#define TINBAO_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "office/households.h"

struct catalog;

struct cov_filter {
	const char *commune;	/* catalog code or NULL: the whole district */
	const char *village;	/* catalog village code or NULL */
	int32_t day;		/* the counting day (places and status as of it) */
};

struct coverage {
	int poor, poor_reached;
	int near_poor, near_poor_reached;
	int escaped, escaped_reached;
	int nprojects;
	struct {
		char code[HH_PROJECT_MAX];
		int households;	/* target households (poor, near-poor, escaped) it reached */
	} projects[HH_MAX_PROJECTS];
};

void coverage_init(struct coverage *c);

/* Where a household is on day: its village's code and commune code as of
 * that day (following moves and merges in the catalog; the stored codes
 * when the catalog does not know them). cat may be NULL. */
void coverage_place(const struct catalog *cat, const struct hh_record *h, int32_t day,
		    char *commune, size_t clen, char *village, size_t vlen);

/* True when h lies in the filter's place on its day. */
bool coverage_matches(const struct catalog *cat, const struct cov_filter *f,
		      const struct hh_record *h);

/* Counts h when it matches the filter. Returns 1 counted, 0 not (outside
 * the place or not a target household). */
int coverage_add(struct coverage *c, const struct catalog *cat, const struct cov_filter *f,
		 const struct hh_record *h);

/* A target household (poor, near-poor, newly escaped) never reached. */
bool coverage_unreached(const struct hh_record *h);

/* One line for SMS and summaries, ASCII:
 * "Ho ngheo tiep can 120/340, can ngheo 80/200". snprintf-style return. */
size_t coverage_format_line(const struct coverage *c, char *buf, size_t len);

/* The SMS answer to "TK TIEP CAN [place] [period]", ASCII, at most
 * QUERY_REPLY_SEPTETS (two GSM 7-bit segments):
 *   "<head>: ho ngheo tiep can 120/340, can ngheo 80/200[, moi thoat ngheo
 *   5/20]; DA3.1 90, DA4.1 40; chua tiep can 220: VT-0456, VT-0789 +218"
 * head names the query ("TK TIEP CAN 2026 Vo Tranh"); projects in catalog
 * order (cat may be NULL: as counted); never = target households never
 * reached; list (nlist entries, may be 0) = what the asker may see of them
 * (codes, with names for staff), listed while they fit, the rest counted.
 * Returns the length. */
size_t coverage_format_reply(const char *head, const struct coverage *c, const struct catalog *cat,
			     int never, const char *const *list, int nlist, char *out, size_t outlen);

/* Percentage reached, rounded down; 100 when there is nobody to reach. */
int coverage_percent(int reached, int total);

#endif

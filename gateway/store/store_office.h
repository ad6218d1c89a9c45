/* store_office.h: the aggregation queries of the district office over the
 * reports tables (002_reports.sql) and the monthly totals of
 * 004_office.sql. Only the current active version of a report counts:
 * amended versions, cancelled and training reports are out. Places are
 * those stored with each report (valid on its activity day), so a village
 * that moved counts in its old commune before the move and in its new one
 * after. Communes and the district are read from the cube of
 * 006_office_cube.sql (whole months, then single days at the period's
 * ends); villages from the reports themselves. */
#ifndef TINBAO_STORE_OFFICE_H
#define TINBAO_STORE_OFFICE_H

#include <stdbool.h>
#include <stdint.h>

struct store;

struct office_filter {
	int32_t from, to;	/* local day numbers, inclusive */
	const char *project;	/* "DA4.1", or a family "DA4" (DA4.1, DA4.3); NULL: all */
	const char *commune;	/* catalog code; NULL: the district */
	const char *village;	/* catalog village code; NULL: all */
	const char *indicator;	/* catalog code; NULL: all */
	/* The household review (project RS) counts only when asked for by
	 * project = "RS". */
};

#define OFFICE_TOTALS_MAX 256
#define OFFICE_PLACES_MAX 512

struct office_total {
	char project[16];
	char indicator[16];
	double value;
};

struct office_totals {
	int reports;		/* active reports in scope */
	int ncommunes;		/* communes with at least one of them */
	char communes[OFFICE_PLACES_MAX][64];
	int n;			/* sums, ordered by project then indicator */
	struct office_total t[OFFICE_TOTALS_MAX];
	bool overflow;		/* more sums than OFFICE_TOTALS_MAX */
};

/* Fills out (zeroed first). 0 or STORE_E_*. */
int store_office_totals(struct store *s, const struct office_filter *f, struct office_totals *out);

/* Sum of one project (family) and indicator in out; 0 when absent. */
double office_totals_get(const struct office_totals *t, const char *project, const char *indicator);

/* Villages (and their communes) with at least one active or amended
 * report dated in [from, to]. fn gets each (commune, village) once. */
int store_office_reporting_villages(struct store *s, int32_t from, int32_t to,
				    int (*fn)(const char *commune, const char *village, void *arg),
				    void *arg);

/* The newest activity day of a village's reports that count (active or
 * amended: a corrected report still shows the village reported), or
 * INT32_MIN when it never reported. 0 or STORE_E_*. */
int store_office_last_report(struct store *s, const char *village, int32_t *day);

/* The reports of a period for the desk outputs, oldest first: fn gets the
 * ref, day, commune, village, project and a "HV=25 HN=10" values string. */
struct office_report_row {
	char ref[8];
	int32_t day;
	char commune[64];
	char village[128];
	char project[16];
	char values[256];
	char phone[24];
};
/* Outbox rows created in [from, to) (unix seconds) that failed. */
int store_office_failed_between(struct store *s, int64_t from, int64_t to);

int store_office_reports_each(struct store *s, const struct office_filter *f,
			      int (*fn)(const struct office_report_row *r, void *arg), void *arg);

#endif

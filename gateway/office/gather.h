/* gather.h: collects what the weekly summary shows from the store and the
 * catalog (totals of the week and the week before, who reported, review
 * changes, coverage, the gateway's health) into a summary_input. The I/O
 * half of the summary; summary.c is the pure half. */
#ifndef TINBAO_GATHER_H
#define TINBAO_GATHER_H

#include "office/summary.h"

struct store;
struct catalog;

struct office_summary_data {
	struct summary_input in;
	struct office_totals cur, prev, rs;
	char names[SUMMARY_MISSING_MAX][96];
	char place[96];
};

/* week: the ISO week summarised; commune: a catalog code for a commune's
 * version, or NULL for the district. now: for the health figures. The
 * struct is large: allocate it. 0 or negative (store error). */
int office_summary_gather(struct store *s, const struct catalog *cat, const struct period *week,
			  const char *commune, int tz_offset_s, struct office_summary_data *d);

#endif

/* gather.c: the figures of a weekly summary (see gather.h). */
#include "office/gather.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "store/store.h"
#include "store/store_health.h"
#include "store/store_households.h"
#include "store/store_ussd.h"

struct seen {
	const struct catalog *cat;
	int32_t day;
	const char *commune;
	char (*villages)[128];
	int nvillages, cap;
};

static int note_village(const char *commune, const char *village, void *arg)
{
	(void)commune;
	struct seen *x = arg;
	if (x->nvillages < x->cap)
		snprintf(x->villages[x->nvillages++], 128, "%s", village);
	return 0;
}

static int village_seen(const struct seen *x, const char *code)
{
	for (int i = 0; i < x->nvillages; i++)
		if (!strcmp(x->villages[i], code))
			return 1;
	return 0;
}

struct cov_arg {
	const struct catalog *cat;
	struct cov_filter f;
	struct coverage *c;
};

static int cov_cb(const struct hh_record *h, void *arg)
{
	struct cov_arg *a = arg;
	coverage_add(a->c, a->cat, &a->f, h);
	return 0;
}

int office_summary_gather(struct store *s, const struct catalog *cat, const struct period *week,
			  const char *commune, int tz_offset_s, struct office_summary_data *d)
{
	memset(d, 0, sizeof *d);
	struct summary_input *in = &d->in;
	in->week = *week;
	in->tz_offset_s = tz_offset_s;
	in->commune_version = commune && *commune;
	const struct catalog_commune *cm =
		in->commune_version ? catalog_commune_by_code(cat, commune, week->last) : NULL;
	snprintf(d->place, sizeof d->place, "%s", cm ? cm->name_ascii : in->commune_version ? commune : "toan huyen");
	in->place = d->place;

	struct period prev;
	period_previous(week, &prev);
	struct office_filter f = { week->first, week->last, NULL, in->commune_version ? commune : NULL,
				   NULL, NULL };
	int rc = store_office_totals(s, &f, &d->cur);
	if (rc < 0)
		return rc;
	f.from = prev.first;
	f.to = prev.last;
	if ((rc = store_office_totals(s, &f, &d->prev)) < 0)
		return rc;
	in->cur = &d->cur;
	in->prev = &d->prev;

	/* Who reported: every village valid on the week's last day. */
	struct seen x = { cat, week->last, commune, NULL, 0, 4096 };
	x.villages = calloc((size_t)x.cap, sizeof *x.villages);
	if (!x.villages)
		return STORE_E_DB;
	rc = store_office_reporting_villages(s, week->first, week->last, note_village, &x);
	if (rc < 0) {
		free(x.villages);
		return rc;
	}
	for (size_t i = 0; i < catalog_commune_count(cat); i++) {
		const struct catalog_commune *c = catalog_commune_at(cat, i);
		if (!catalog_valid_on(c->from, c->until, week->last))
			continue;
		if (in->commune_version && strcmp(c->code, commune) != 0)
			continue;
		int total = 0, reported = 0;
		for (size_t k = 0; k < catalog_village_count(cat); k++) {
			const struct catalog_village *v = catalog_village_at(cat, k);
			if (v->commune != c || !catalog_valid_on(v->from, v->until, week->last))
				continue;
			total++;
			int r = village_seen(&x, v->code);
			reported += r;
			if (!r && in->commune_version && in->nmissing < SUMMARY_MISSING_MAX) {
				snprintf(d->names[in->nmissing], sizeof d->names[0], "%s", v->name_ascii);
				in->missing[in->nmissing] = d->names[in->nmissing];
				in->nmissing++;
			}
		}
		in->villages_total += total;
		in->villages_reported += reported;
		in->communes_total++;
		if (reported)
			in->communes_reported++;
		else if (!in->commune_version && in->nmissing < SUMMARY_MISSING_MAX) {
			snprintf(d->names[in->nmissing], sizeof d->names[0], "%s", c->name_ascii);
			in->missing[in->nmissing] = d->names[in->nmissing];
			in->nmissing++;
		}
	}
	free(x.villages);

	if ((rc = store_households_changes(s, week->first, week->last, in->review)) < 0)
		return rc;
	struct office_filter rf = { week->first, week->last, "RS", in->commune_version ? commune : NULL,
				    NULL, NULL };
	if ((rc = store_office_totals(s, &rf, &d->rs)) < 0)
		return rc;
	in->rs = &d->rs;

	/* Coverage this year up to the week's end. */
	int y, m, dd;
	period_civil(week->last, &y, &m, &dd);
	coverage_init(&in->coverage);
	struct cov_arg ca = { cat, { in->commune_version ? commune : NULL, NULL, week->last },
			      &in->coverage };
	if ((rc = store_households_each(s, week->last, period_days(y, 1, 1), week->last, cov_cb, &ca)) < 0)
		return rc;
	in->has_coverage = in->coverage.poor + in->coverage.near_poor > 0;

	/* Health of the gateway over the week. */
	int64_t from = period_day_start(week->first, tz_offset_s);
	int64_t to = period_day_start(week->last + 1, tz_offset_s);
	static const char *const down[] = { "searching", "denied", "unknown", NULL };
	in->no_network_s = store_health_seconds_in(s, "registration", down, from, to);
	/* The SIM's balance as the credit check last read it (a reading
	 * without a figure does not hide the last good one). */
	struct credit_reading cr;
	in->credit = -1;
	if (store_credit_last(s, true, &cr) == 1 && cr.has_balance && cr.balance >= 0)
		in->credit = (long)(cr.balance + 0.5);
	in->failed = store_office_failed_between(s, from, to);
	return 0;
}

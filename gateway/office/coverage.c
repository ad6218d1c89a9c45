/* coverage.c: counting reach of target households (see coverage.h). */
#include "office/coverage.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"

void coverage_init(struct coverage *c)
{
	memset(c, 0, sizeof *c);
}

void coverage_place(const struct catalog *cat, const struct hh_record *h, int32_t day,
		    char *commune, size_t clen, char *village, size_t vlen)
{
	const struct catalog_village *v = cat ? catalog_village_as_of(cat, h->village, day) : NULL;
	if (v) {
		snprintf(village, vlen, "%s", v->code);
		snprintf(commune, clen, "%s", v->commune ? v->commune->code : h->commune);
		return;
	}
	snprintf(village, vlen, "%s", h->village);
	snprintf(commune, clen, "%s", h->commune);
}

bool coverage_matches(const struct catalog *cat, const struct cov_filter *f,
		      const struct hh_record *h)
{
	if ((!f->commune || !*f->commune) && (!f->village || !*f->village))
		return true;
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(cat, h, f->day, commune, sizeof commune, village, sizeof village);
	if (f->commune && *f->commune && strcmp(commune, f->commune) != 0)
		return false;
	if (f->village && *f->village && strcmp(village, f->village) != 0)
		return false;
	return true;
}

bool coverage_unreached(const struct hh_record *h)
{
	return h->status != HH_NONE && h->nprojects == 0;
}

int coverage_add(struct coverage *c, const struct catalog *cat, const struct cov_filter *f,
		 const struct hh_record *h)
{
	if (h->status == HH_NONE || !coverage_matches(cat, f, h))
		return 0;
	int reached = h->nprojects > 0;
	switch (h->status) {
	case HH_POOR:
		c->poor++;
		c->poor_reached += reached;
		break;
	case HH_NEAR_POOR:
		c->near_poor++;
		c->near_poor_reached += reached;
		break;
	case HH_ESCAPED:
		c->escaped++;
		c->escaped_reached += reached;
		break;
	case HH_NONE:
		return 0;
	}
	for (int i = 0; i < h->nprojects; i++) {
		int j;
		for (j = 0; j < c->nprojects; j++)
			if (!strcmp(c->projects[j].code, h->projects[i]))
				break;
		if (j == c->nprojects) {
			if (c->nprojects == HH_MAX_PROJECTS)
				continue;
			snprintf(c->projects[j].code, sizeof c->projects[j].code, "%s", h->projects[i]);
			c->projects[j].households = 0;
			c->nprojects++;
		}
		c->projects[j].households++;
	}
	return 1;
}

int coverage_percent(int reached, int total)
{
	if (total <= 0)
		return 100;
	return (int)((long long)reached * 100 / total);
}

size_t coverage_format_line(const struct coverage *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "Ho ngheo tiep can %d/%d, can ngheo %d/%d", c->poor_reached,
			 c->poor, c->near_poor_reached, c->near_poor);
	return n < 0 ? 0 : (size_t)n;
}

/* coverage.c: counting reach of target households (see coverage.h). */
#include "office/coverage.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "lang/query.h"

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

/* The projects' place in the catalog (the order of TK totals and the
 * weekly summary); unknown codes after them. */
static int project_rank(const struct catalog *cat, const char *code)
{
	size_t n = cat ? catalog_project_count(cat) : 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(catalog_project_at(cat, i)->code, code))
			return (int)i;
	return (int)n;
}

/* Appends piece when the result still fits budget septets (and outlen). */
static bool put(char *out, size_t outlen, size_t *n, const char *piece, size_t budget)
{
	size_t pl = strlen(piece);
	if (*n + pl + 1 > outlen)
		return false;
	memcpy(out + *n, piece, pl + 1);
	if (query_septets(out) > budget) {
		out[*n] = 0;
		return false;
	}
	*n += pl;
	return true;
}

size_t coverage_format_reply(const char *head, const struct coverage *c, const struct catalog *cat,
			     int never, const char *const *list, int nlist, char *out, size_t outlen)
{
	if (!outlen)
		return 0;
	out[0] = 0;
	size_t n = 0;
	const size_t budget = QUERY_REPLY_SEPTETS;
	char piece[160];
	snprintf(piece, sizeof piece, "%.120s: ", head);
	put(out, outlen, &n, piece, budget);
	if (c->poor + c->near_poor + c->escaped == 0) {
		put(out, outlen, &n, "chua co ho ngheo, can ngheo nao trong danh sach ho.", budget);
		return n;
	}
	snprintf(piece, sizeof piece, "ho ngheo tiep can %d/%d, can ngheo %d/%d", c->poor_reached, c->poor,
		 c->near_poor_reached, c->near_poor);
	put(out, outlen, &n, piece, budget);
	if (c->escaped) {
		snprintf(piece, sizeof piece, ", moi thoat ngheo %d/%d", c->escaped_reached, c->escaped);
		put(out, outlen, &n, piece, budget);
	}
	/* Projects in catalog order (insertion sort: a dozen at most). */
	int order[HH_MAX_PROJECTS], rank[HH_MAX_PROJECTS];
	for (int i = 0; i < c->nprojects; i++) {
		int r = project_rank(cat, c->projects[i].code), j = i;
		for (; j > 0 && rank[j - 1] > r; j--) {
			rank[j] = rank[j - 1];
			order[j] = order[j - 1];
		}
		rank[j] = r;
		order[j] = i;
	}
	/* Room kept for the households never reached: the point of asking. */
	char tail[48];
	snprintf(tail, sizeof tail, "; chua tiep can %d", never);
	size_t keep = strlen(tail) + 8;
	for (int i = 0; i < c->nprojects; i++) {
		snprintf(piece, sizeof piece, "%s%s %d", i ? ", " : "; ", c->projects[order[i]].code,
			 c->projects[order[i]].households);
		if (!put(out, outlen, &n, piece, budget - keep)) {
			put(out, outlen, &n, " ...", budget - keep + 4);
			break;
		}
	}
	put(out, outlen, &n, tail, budget);
	int shown = 0;
	for (; shown < nlist; shown++) {
		/* " +NNNNN" must still fit after this entry unless it is the last. */
		size_t room = shown + 1 < never ? 8 : 0;
		snprintf(piece, sizeof piece, "%s%.140s", shown ? ", " : ": ", list[shown]);
		if (!put(out, outlen, &n, piece, budget - room))
			break;
	}
	if (shown && shown < never) {
		snprintf(piece, sizeof piece, " +%d", never - shown);
		put(out, outlen, &n, piece, budget);
	}
	return n;
}

/* report_check.c: the rules a parsed report must meet (report_check.h). */
#include "lang/report_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store_users.h"

static const struct report_value *value_of(const struct report *r, const struct catalog_indicator *ind)
{
	for (int i = 0; i < r->nvalues; i++)
		if (r->values[i].ind == ind)
			return &r->values[i];
	return NULL;
}

static void fmt_num(double v, char *buf, size_t len)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
}

int report_check_values(const struct report *r, struct report_problems *pr)
{
	int before = pr->n + pr->dropped;
	const struct catalog_project *p = r->project;
	for (int i = 0; i < r->nvalues; i++) {
		const struct report_value *v = &r->values[i];
		bool allowed = !p || catalog_project_allows(p, v->ind);
		bool negative = v->value < 0 && !(p && p->signed_values);
		bool big = fabs(v->value) > v->ind->max;
		if (allowed && !negative && !big)
			continue;	/* the common case, without formatting */
		char subj[40], num[24], hint[48];
		fmt_num(v->value, num, sizeof num);
		snprintf(subj, sizeof subj, "%s %s", v->ind->code, num);
		if (!allowed) {
			/* No sure fix: leaving it out would have the sender resend a
			 * report without it (five cows under a vocational project are
			 * more likely a wrong project than cows to forget), so the
			 * reply shows the project's example instead. */
			report_problem_add(pr, REPORT_P_NOT_ALLOWED, v->ind->code, p->code);
			continue;
		}
		if (negative) {
			report_problem_add(pr, REPORT_P_NEGATIVE, subj, "");
			continue;
		}
		if (big) {
			fmt_num(v->ind->max, hint, sizeof hint);
			report_problem_add(pr, REPORT_P_TOO_BIG, subj, hint);
		}
	}
	/* Breakdowns only make sense on absolute counts, not on review deltas. */
	if (p && !p->signed_values) {
		for (int k = 0; k < p->nrules; k++) {
			const struct catalog_rule *rule = &p->rules[k];
			const struct report_value *total = value_of(r, rule->total);
			if (!total)
				continue;
			double sum = 0;
			int present = 0;
			for (int j = 0; j < rule->nparts; j++) {
				const struct report_value *v = value_of(r, rule->parts[j]);
				if (!v)
					continue;
				sum += v->value;
				present++;
			}
			if (!present || sum <= total->value + 1e-9)
				continue;
			/* "HN+CN" only for a breakdown that fails: most reports meet
			 * every rule and formatting them all was a tenth of the check. */
			char parts[40] = "";
			for (int j = 0, np = 0; j < rule->nparts; j++) {
				if (!value_of(r, rule->parts[j]))
					continue;
				size_t l = strlen(parts);
				snprintf(parts + l, sizeof parts - l, "%s%s", np++ ? "+" : "", rule->parts[j]->code);
			}
			char subj[40], hint[48], a[24], b[24];
			fmt_num(sum, a, sizeof a);
			fmt_num(total->value, b, sizeof b);
			snprintf(subj, sizeof subj, "%.28s=%.10s", parts, a);
			snprintf(hint, sizeof hint, "%s=%s", rule->total->code, b);
			report_problem_add(pr, REPORT_P_BREAKDOWN, subj, hint);
		}
	}
	return pr->n + pr->dropped - before;
}

static void place_name(const struct catalog_commune *c, const struct catalog_village *v, char *buf,
		       size_t len)
{
	if (v)
		snprintf(buf, len, "%.30s %.30s", v->name_ascii, c ? c->name_ascii : "");
	else
		snprintf(buf, len, "%.40s", c ? c->name_ascii : "");
}

int report_check(struct report *r, const struct report_env *env, struct report_problems *pr)
{
	int before = pr->n + pr->dropped;
	const struct catalog *c = env->catalog;
	report_check_values(r, pr);

	const struct user *u = env->sender;
	bool staff = u && (u->role == ROLE_STAFF || u->role == ROLE_ADMIN);
	bool place_reported = false;
	for (int i = 0; i < pr->n; i++)
		place_reported |= pr->p[i].code == REPORT_P_UNKNOWN_PLACE;
	if (!r->place_named) {
		if (place_reported)
			return pr->n + pr->dropped - before;
		if (staff || !u) {
			report_problem_add(pr, REPORT_P_NO_PLACE, "", catalog_settings(c)->example_place);
		} else {
			/* The collaborator's own place, as it is on the activity day
			 * (a village may have moved to another commune since). */
			r->village = u->village[0] ? catalog_village_as_of(c, u->village, r->day) : NULL;
			r->commune = r->village ? r->village->commune
				   : u->commune[0] ? catalog_commune_as_of(c, u->commune, r->day) : NULL;
			if (!r->commune)
				report_problem_add(pr, REPORT_P_PLACE_INVALID, u->village[0] ? u->village : u->commune, "");
		}
		return pr->n + pr->dropped - before;
	}
	if (!r->commune) {
		report_problem_add(pr, REPORT_P_UNKNOWN_PLACE, "", "");
		return pr->n + pr->dropped - before;
	}
	if (!catalog_valid_on(r->commune->from, r->commune->until, r->day) ||
	    (r->village && !catalog_valid_on(r->village->from, r->village->until, r->day))) {
		char name[72];
		place_name(r->commune, r->village, name, sizeof name);
		report_problem_add(pr, REPORT_P_PLACE_INVALID, name, "");
		return pr->n + pr->dropped - before;
	}
	if (staff)
		return pr->n + pr->dropped - before;
	/* A collaborator names a place: it must be their own. */
	const struct catalog_village *own_v = u && u->village[0] ? catalog_village_as_of(c, u->village, r->day) : NULL;
	const struct catalog_commune *own_c = own_v ? own_v->commune
					    : u && u->commune[0] ? catalog_commune_as_of(c, u->commune, r->day) : NULL;
	bool ok = own_c && own_c == r->commune;
	if (ok && own_v) {
		if (r->village && r->village != own_v)
			ok = false;
		else
			r->village = own_v;	/* "xa Vo Tranh" from a Thon 3 collaborator */
	}
	if (!ok) {
		char name[72];
		place_name(own_c, own_v, name, sizeof name);
		report_problem_add(pr, REPORT_P_NOT_YOUR_PLACE, "", name);
	}
	return pr->n + pr->dropped - before;
}

/* Appends the values the fixes put before values[pos]. */
static void add_fixed_at(int pos, const struct report_problems *pr, struct report *out)
{
	for (int i = 0; i < pr->n && out->nvalues < REPORT_VALUES_MAX; i++)
		if (pr->p[i].fix.kind == REPORT_FIX_VALUE && pr->p[i].fix.pos == pos)
			out->values[out->nvalues++] = pr->p[i].fix.value;
}

bool report_corrected(const struct report *r, const struct report_problems *pr, struct report *out)
{
	/* Household codes (MAHO) are checked against the office's list after
	 * this pure layer: no form naming them can be vouched for here. */
	if (pr->dropped || r->nhouseholds || (r->form != REPORT_FORM_BC && r->form != REPORT_FORM_RS))
		return false;
	*out = *r;
	for (int i = 0; i < pr->n; i++) {
		if (pr->p[i].fix.kind == REPORT_FIX_NONE)
			return false;
		if (pr->p[i].fix.kind == REPORT_FIX_PROJECT)
			out->project = pr->p[i].fix.project;
	}
	out->nvalues = 0;
	for (int k = 0; k < r->nvalues; k++) {
		add_fixed_at(k, pr, out);
		if (out->nvalues < REPORT_VALUES_MAX)
			out->values[out->nvalues++] = r->values[k];
	}
	add_fixed_at(r->nvalues, pr, out);
	/* The fixed form must itself be right: a guessed HN may break HN <= HV. */
	struct report_problems again;
	memset(&again, 0, sizeof again);
	return out->project && out->nvalues > 0 && report_check_values(out, &again) == 0;
}

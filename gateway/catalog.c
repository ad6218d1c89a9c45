/* catalog.c: loading catalog.conf (libconfig 1.5) into plain arrays, and the
 * simple accessors. Every string is copied out of libconfig, which frees its
 * own at config_destroy(). libconfig answers "not found" alike for a missing
 * key, a misspelt key and a wrong type, so each group is checked key by key
 * against the list of keys it may hold, with the line of the offender. */
#include "catalog.h"
#include "catalog_internal.h"

#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/viet.h"

struct loader {
	const char *file;
	char *why;
	size_t whylen;
	struct catalog *c;
};

static int fail(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(L->why, L->whylen, "%s:%d: %s", L->file, s ? (int)config_setting_source_line(s) : 0,
		 msg);
	return -1;
}

/* Rejects members of group g whose names are not in keys (NULL-terminated). */
static int only_keys(struct loader *L, const config_setting_t *g, const char *what,
		     const char *const *keys)
{
	int n = config_setting_length(g);
	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		bool ok = false;
		for (const char *const *k = keys; *k; k++)
			if (name && !strcmp(name, *k))
				ok = true;
		if (!ok) {
			char list[200] = "";
			for (const char *const *k = keys; *k; k++) {
				strncat(list, *k, sizeof list - strlen(list) - 1);
				if (k[1])
					strncat(list, ", ", sizeof list - strlen(list) - 1);
			}
			return fail(L, m, "unknown key '%s' in %s (expected one of: %s)",
				    name ? name : "?", what, list);
		}
	}
	return 0;
}

static int get_str(struct loader *L, const config_setting_t *g, const char *key, bool required,
		   char *out, size_t outlen, const char *what)
{
	config_setting_t *m = config_setting_get_member(g, key);
	out[0] = 0;
	if (!m) {
		if (required)
			return fail(L, g, "%s needs %s = \"...\"", what, key);
		return 0;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return fail(L, m, "%s: %s must be a string in double quotes", what, key);
	const char *v = config_setting_get_string(m);
	if (strlen(v) >= outlen)
		return fail(L, m, "%s: %s is longer than %zu bytes", what, key, outlen - 1);
	if (required && !*v)
		return fail(L, m, "%s: %s must not be empty", what, key);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int get_bool(struct loader *L, const config_setting_t *g, const char *key, bool *out,
		    const char *what)
{
	config_setting_t *m = config_setting_get_member(g, key);
	*out = false;
	if (!m)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL)
		return fail(L, m, "%s: %s must be true or false", what, key);
	*out = config_setting_get_bool(m);
	return 0;
}

static int get_number(struct loader *L, const config_setting_t *m, double *out, const char *what)
{
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
		*out = config_setting_get_int(m);
		return 0;
	case CONFIG_TYPE_INT64:
		*out = (double)config_setting_get_int64(m);
		return 0;
	case CONFIG_TYPE_FLOAT:
		*out = config_setting_get_float(m);
		return 0;
	default:
		return fail(L, m, "%s must be a number", what);
	}
}

static int get_day(struct loader *L, const config_setting_t *g, const char *key, catalog_day *out,
		   const char *what)
{
	char buf[32];
	*out = CATALOG_DAY_NONE;
	if (get_str(L, g, key, false, buf, sizeof buf, what) < 0)
		return -1;
	if (!buf[0])
		return 0;
	*out = catalog_day_parse(buf);
	if (*out == CATALOG_DAY_NONE)
		return fail(L, config_setting_get_member(g, key),
			    "%s: %s must be a date \"YYYY-MM-DD\", not \"%s\"", what, key, buf);
	return 0;
}

/* Folded ASCII (diacritics dropped, case kept) of a UTF-8 name. */
static void ascii_of(const char *utf8, char *out, size_t outlen)
{
	viet_fold(utf8, strlen(utf8), out, outlen, 0);
}

/* "Thôn 3" → "thon-3": a code derived from a name. */
static void code_of(const char *utf8, char *out, size_t outlen)
{
	char low[CATALOG_NAME_MAX * 2];
	viet_fold_lower(utf8, strlen(utf8), low, sizeof low);
	size_t o = 0;
	bool dash = false;
	for (const char *p = low; *p && o + 2 < outlen; p++) {
		char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && o)
				out[o++] = '-';
			out[o++] = ch;
			dash = false;
		} else {
			dash = true;
		}
	}
	out[o] = 0;
}

static bool code_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* ---- indicators ---- */

static int load_indicator(struct loader *L, const config_setting_t *g, struct catalog_indicator *ind)
{
	static const char *const keys[] = { "code", "name", "synonyms", "unit", "type", "max", NULL };
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(L, g, "each indicator must be a group { code = ...; name = ...; }");
	if (only_keys(L, g, "indicator", keys) < 0)
		return -1;
	if (get_str(L, g, "code", true, ind->code, sizeof ind->code, "indicator") < 0 ||
	    get_str(L, g, "name", true, ind->name, sizeof ind->name, "indicator") < 0 ||
	    get_str(L, g, "unit", true, ind->unit, sizeof ind->unit, "indicator") < 0)
		return -1;
	for (char *p = ind->code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return fail(L, config_setting_get_member(g, "code"),
				    "indicator code \"%s\" must be upper-case letters and digits",
				    ind->code);
	ascii_of(ind->name, ind->name_ascii, sizeof ind->name_ascii);
	ascii_of(ind->unit, ind->unit_ascii, sizeof ind->unit_ascii);
	catalog_fold_key(ind->unit, ind->unit_key, sizeof ind->unit_key);
	char type[16];
	if (get_str(L, g, "type", true, type, sizeof type, "indicator") < 0)
		return -1;
	if (!strcmp(type, "count"))
		ind->type = CATALOG_COUNT;
	else if (!strcmp(type, "money"))
		ind->type = CATALOG_MONEY;
	else
		return fail(L, config_setting_get_member(g, "type"),
			    "indicator %s: type must be \"count\" or \"money\", not \"%s\"", ind->code,
			    type);
	config_setting_t *m = config_setting_get_member(g, "max");
	if (!m)
		return fail(L, g, "indicator %s needs max = N (a sane maximum for one report)",
			    ind->code);
	if (get_number(L, m, &ind->max, "max") < 0)
		return -1;
	if (!(ind->max > 0))
		return fail(L, m, "indicator %s: max must be above 0", ind->code);
	/* The code and the name always match; synonyms add to them. */
	catalog_fold_key(ind->code, ind->synonyms[0], sizeof ind->synonyms[0]);
	catalog_fold_key(ind->name, ind->synonyms[1], sizeof ind->synonyms[1]);
	ind->nsynonyms = strcmp(ind->synonyms[0], ind->synonyms[1]) ? 2 : 1;
	m = config_setting_get_member(g, "synonyms");
	if (m) {
		if (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(m) != CONFIG_TYPE_LIST)
			return fail(L, m, "indicator %s: synonyms must be a list [\"...\", ...]",
				    ind->code);
		int n = config_setting_length(m);
		for (int i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_STRING)
				return fail(L, e, "indicator %s: each synonym must be a string",
					    ind->code);
			char key[48];
			catalog_fold_key(config_setting_get_string(e), key, sizeof key);
			if (!key[0])
				return fail(L, e, "indicator %s: empty synonym", ind->code);
			bool dup = false;
			for (int k = 0; k < ind->nsynonyms; k++)
				dup |= !strcmp(ind->synonyms[k], key);
			if (dup)
				continue;
			if (ind->nsynonyms >= CATALOG_MAX_SYNONYMS + 2)
				return fail(L, e, "indicator %s: at most %d synonyms", ind->code,
					    CATALOG_MAX_SYNONYMS);
			memcpy(ind->synonyms[ind->nsynonyms++], key, sizeof key);
		}
	}
	return 0;
}

/* ---- projects ---- */

static const struct catalog_indicator *project_ind(const struct catalog_project *p, const char *code)
{
	for (int i = 0; i < p->nindicators; i++)
		if (!strcmp(p->indicators[i]->code, code))
			return p->indicators[i];
	return NULL;
}

/* "HN+CN+TN <= HV" */
static int parse_rule(struct loader *L, const config_setting_t *e, struct catalog_project *p,
		      struct catalog_rule *r)
{
	const char *s = config_setting_get_string(e);
	const char *le = strstr(s, "<=");
	if (!le)
		return fail(L, e, "project %s: rule \"%s\" must read \"A+B <= TOTAL\"", p->code, s);
	char lhs[128], rhs[32];
	size_t ln = (size_t)(le - s);
	if (ln >= sizeof lhs || strlen(le + 2) >= sizeof rhs)
		return fail(L, e, "project %s: rule too long", p->code);
	memcpy(lhs, s, ln);
	lhs[ln] = 0;
	snprintf(rhs, sizeof rhs, "%s", le + 2);
	char tok[32];
	size_t t = 0;
	for (const char *q = rhs; *q; q++)
		if (*q != ' ' && t + 1 < sizeof tok)
			tok[t++] = *q;
	tok[t] = 0;
	r->total = project_ind(p, tok);
	if (!r->total)
		return fail(L, e, "project %s: rule total \"%s\" is not one of its indicators",
			    p->code, tok);
	r->nparts = 0;
	char *save = NULL;
	for (char *part = strtok_r(lhs, "+", &save); part; part = strtok_r(NULL, "+", &save)) {
		t = 0;
		for (char *q = part; *q; q++)
			if (*q != ' ' && t + 1 < sizeof tok)
				tok[t++] = *q;
		tok[t] = 0;
		const struct catalog_indicator *ind = project_ind(p, tok);
		if (!ind)
			return fail(L, e, "project %s: rule part \"%s\" is not one of its indicators",
				    p->code, tok);
		if (r->nparts >= CATALOG_MAX_RULE_PARTS)
			return fail(L, e, "project %s: at most %d parts in a rule", p->code,
				    CATALOG_MAX_RULE_PARTS);
		r->parts[r->nparts++] = ind;
	}
	if (!r->nparts)
		return fail(L, e, "project %s: rule \"%s\" has no parts", p->code, s);
	return 0;
}

static int load_project(struct loader *L, const config_setting_t *g, struct catalog_project *p)
{
	static const char *const keys[] = { "code", "name", "indicators", "rules", "targets",
					    "example", "signed", "review", NULL };
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(L, g, "each project must be a group { code = ...; name = ...; }");
	if (only_keys(L, g, "project", keys) < 0)
		return -1;
	if (get_str(L, g, "code", true, p->code, sizeof p->code, "project") < 0 ||
	    get_str(L, g, "name", true, p->name, sizeof p->name, "project") < 0 ||
	    get_str(L, g, "example", true, p->example, sizeof p->example, "project") < 0 ||
	    get_bool(L, g, "signed", &p->signed_values, "project") < 0 ||
	    get_bool(L, g, "review", &p->review, "project") < 0)
		return -1;
	ascii_of(p->name, p->name_ascii, sizeof p->name_ascii);
	viet_fold_lower(p->code, strlen(p->code), p->code_fold, sizeof p->code_fold);
	catalog_fold_key(p->code, p->code_key, sizeof p->code_key);
	config_setting_t *m = config_setting_get_member(g, "indicators");
	if (!m || (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
		   config_setting_type(m) != CONFIG_TYPE_LIST) || config_setting_length(m) < 1)
		return fail(L, m ? m : g, "project %s needs indicators = [\"CODE\", ...]", p->code);
	int n = config_setting_length(m);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail(L, e, "project %s: indicators are strings", p->code);
		const struct catalog_indicator *ind =
			catalog_indicator_by_code(L->c, config_setting_get_string(e));
		if (!ind)
			return fail(L, e, "project %s: no indicator with code \"%s\"", p->code,
				    config_setting_get_string(e));
		if (project_ind(p, ind->code))
			return fail(L, e, "project %s: indicator %s listed twice", p->code, ind->code);
		if (p->nindicators >= CATALOG_MAX_PROJECT_INDICATORS)
			return fail(L, e, "project %s: at most %d indicators", p->code,
				    CATALOG_MAX_PROJECT_INDICATORS);
		p->indicators[p->nindicators++] = ind;
	}
	m = config_setting_get_member(g, "rules");
	if (m) {
		if (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(m) != CONFIG_TYPE_LIST)
			return fail(L, m, "project %s: rules must be [\"A+B <= T\", ...]", p->code);
		n = config_setting_length(m);
		for (int i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_STRING)
				return fail(L, e, "project %s: rules are strings", p->code);
			if (p->nrules >= (int)(sizeof p->rules / sizeof p->rules[0]))
				return fail(L, e, "project %s: too many rules", p->code);
			if (parse_rule(L, e, p, &p->rules[p->nrules]) < 0)
				return -1;
			p->nrules++;
		}
	}
	m = config_setting_get_member(g, "targets");
	if (m) {
		if (config_setting_type(m) != CONFIG_TYPE_GROUP)
			return fail(L, m, "project %s: targets must be a group { HV = 300; }", p->code);
		n = config_setting_length(m);
		for (int i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
			const struct catalog_indicator *ind = project_ind(p, config_setting_name(e));
			if (!ind)
				return fail(L, e, "project %s: target for \"%s\", not one of its indicators",
					    p->code, config_setting_name(e));
			if (p->ntargets >= (int)(sizeof p->targets / sizeof p->targets[0]))
				return fail(L, e, "project %s: too many targets", p->code);
			struct catalog_target *t = &p->targets[p->ntargets++];
			t->indicator = ind;
			if (get_number(L, e, &t->per_year, "target") < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- places ---- */

static int load_village(struct loader *L, const config_setting_t *e, struct catalog_commune *com,
			struct catalog_village *v)
{
	static const char *const keys[] = { "code", "name", "from", "until", "moved_to", NULL };
	char code[CATALOG_CODE_MAX] = "";
	v->from = v->until = CATALOG_DAY_NONE;
	if (config_setting_type(e) == CONFIG_TYPE_STRING) {
		const char *name = config_setting_get_string(e);
		if (!*name || strlen(name) >= sizeof v->name)
			return fail(L, e, "commune %s: village name empty or too long", com->code);
		memcpy(v->name, name, strlen(name) + 1);
	} else if (config_setting_type(e) == CONFIG_TYPE_GROUP) {
		if (only_keys(L, e, "village", keys) < 0 ||
		    get_str(L, e, "name", true, v->name, sizeof v->name, "village") < 0 ||
		    get_str(L, e, "code", false, code, sizeof code, "village") < 0 ||
		    get_day(L, e, "from", &v->from, "village") < 0 ||
		    get_day(L, e, "until", &v->until, "village") < 0 ||
		    get_str(L, e, "moved_to", false, v->moved_to, sizeof v->moved_to, "village") < 0)
			return -1;
	} else {
		return fail(L, e, "commune %s: a village is \"Name\" or { name = ...; from = ...; }",
			    com->code);
	}
	if (!code[0])
		code_of(v->name, code, sizeof code);
	if (!code_ok(code))
		return fail(L, e, "village code \"%s\" must be lower-case a-z, 0-9 and '-'", code);
	snprintf(v->code, sizeof v->code, "%s/%s", com->code, code);
	ascii_of(v->name, v->name_ascii, sizeof v->name_ascii);
	catalog_fold_key(v->name, v->key, sizeof v->key);
	/* A village is never valid outside its commune's period. */
	if (v->from == CATALOG_DAY_NONE || (com->from != CATALOG_DAY_NONE && v->from < com->from))
		v->from = com->from;
	if (v->until == CATALOG_DAY_NONE || (com->until != CATALOG_DAY_NONE && v->until > com->until))
		v->until = com->until;
	if (v->from != CATALOG_DAY_NONE && v->until != CATALOG_DAY_NONE && v->until < v->from)
		return fail(L, e, "village %s: until is before from", v->code);
	return 0;
}

static int load_commune(struct loader *L, const config_setting_t *g, struct catalog_commune *com)
{
	static const char *const keys[] = { "code", "name", "kind", "aliases", "villages",
					    "from", "until", "merged_into", NULL };
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(L, g, "each commune must be a group { code = ...; name = ...; }");
	if (only_keys(L, g, "commune", keys) < 0 ||
	    get_str(L, g, "name", true, com->name, sizeof com->name, "commune") < 0 ||
	    get_str(L, g, "code", false, com->code, sizeof com->code, "commune") < 0 ||
	    get_str(L, g, "kind", false, com->kind, sizeof com->kind, "commune") < 0 ||
	    get_day(L, g, "from", &com->from, "commune") < 0 ||
	    get_day(L, g, "until", &com->until, "commune") < 0 ||
	    get_str(L, g, "merged_into", false, com->merged_into, sizeof com->merged_into,
		    "commune") < 0)
		return -1;
	if (!com->code[0])
		code_of(com->name, com->code, sizeof com->code);
	if (!code_ok(com->code))
		return fail(L, g, "commune code \"%s\" must be lower-case a-z, 0-9 and '-'", com->code);
	if (!com->kind[0])
		snprintf(com->kind, sizeof com->kind, "xa");
	if (strcmp(com->kind, "xa") && strcmp(com->kind, "thi tran") && strcmp(com->kind, "phuong"))
		return fail(L, config_setting_get_member(g, "kind"),
			    "commune %s: kind must be \"xa\", \"thi tran\" or \"phuong\"", com->code);
	if (com->from != CATALOG_DAY_NONE && com->until != CATALOG_DAY_NONE && com->until < com->from)
		return fail(L, g, "commune %s: until is before from", com->code);
	ascii_of(com->name, com->name_ascii, sizeof com->name_ascii);
	catalog_fold_key(com->name, com->key, sizeof com->key);
	config_setting_t *m = config_setting_get_member(g, "aliases");
	if (m) {
		if (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(m) != CONFIG_TYPE_LIST)
			return fail(L, m, "commune %s: aliases must be a list of strings", com->code);
		int n = config_setting_length(m);
		for (int i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_STRING)
				return fail(L, e, "commune %s: aliases are strings", com->code);
			if (com->naliases >= 4)
				return fail(L, e, "commune %s: at most 4 aliases", com->code);
			catalog_fold_key(config_setting_get_string(e), com->aliases[com->naliases++],
					 sizeof com->aliases[0]);
		}
	}
	return 0;
}

static size_t syn_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

const struct catalog_indicator *catalog_indicator_by_synonym(const struct catalog *c, const char *key)
{
	if (!c->syn || !key[0])
		return NULL;
	for (size_t h = syn_hash(key) & c->syn_mask; c->syn[h].key; h = (h + 1) & c->syn_mask)
		if (!strcmp(c->syn[h].key, key))
			return c->syn[h].ind;
	return NULL;
}

static int load_all(struct loader *L, config_t *cfg)
{
	static const char *const top[] = { "version", "reports", "indicators", "projects", "communes",
					   NULL };
	static const char *const rkeys[] = { "max_age_days", "resend_window_hours", "diacritics",
					     "example_place", NULL };
	struct catalog *c = L->c;
	if (only_keys(L, config_root_setting(cfg), "the catalog", top) < 0)
		return -1;
	c->settings.max_age_days = 60;
	c->settings.resend_window = 86400;
	snprintf(c->settings.example_place, sizeof c->settings.example_place, "XA Vo Tranh THON 3");
	config_setting_t *rep = config_lookup(cfg, "reports");
	if (rep) {
		if (config_setting_type(rep) != CONFIG_TYPE_GROUP)
			return fail(L, rep, "expected reports = { max_age_days = 60; ... };");
		if (only_keys(L, rep, "reports", rkeys) < 0 ||
		    get_bool(L, rep, "diacritics", &c->settings.diacritics, "reports") < 0)
			return -1;
		config_setting_t *m = config_setting_get_member(rep, "max_age_days");
		if (m) {
			if (config_setting_type(m) != CONFIG_TYPE_INT || config_setting_get_int(m) < 1 ||
			    config_setting_get_int(m) > 3660)
				return fail(L, m, "reports: max_age_days must be a whole number of days, 1..3660");
			c->settings.max_age_days = config_setting_get_int(m);
		}
		m = config_setting_get_member(rep, "resend_window_hours");
		if (m) {
			if (config_setting_type(m) != CONFIG_TYPE_INT || config_setting_get_int(m) < 0 ||
			    config_setting_get_int(m) > 24 * 30)
				return fail(L, m, "reports: resend_window_hours must be 0..720");
			c->settings.resend_window = (int64_t)config_setting_get_int(m) * 3600;
		}
		char ex[64];
		if (get_str(L, rep, "example_place", false, ex, sizeof ex, "reports") < 0)
			return -1;
		if (ex[0])
			memcpy(c->settings.example_place, ex, sizeof ex);
	}

	config_setting_t *inds = config_lookup(cfg, "indicators");
	config_setting_t *projs = config_lookup(cfg, "projects");
	config_setting_t *coms = config_lookup(cfg, "communes");
	if (!inds || config_setting_type(inds) != CONFIG_TYPE_LIST)
		return fail(L, inds, "expected indicators = ( { code = \"HV\"; ... }, ... );");
	if (!projs || config_setting_type(projs) != CONFIG_TYPE_LIST)
		return fail(L, projs, "expected projects = ( { code = \"DA4.1\"; ... }, ... );");
	if (!coms || config_setting_type(coms) != CONFIG_TYPE_LIST)
		return fail(L, coms, "expected communes = ( { name = \"Vô Tranh\"; ... }, ... );");

	c->nind = (size_t)config_setting_length(inds);
	c->ind = calloc(c->nind ? c->nind : 1, sizeof *c->ind);
	c->nproj = (size_t)config_setting_length(projs);
	c->proj = calloc(c->nproj ? c->nproj : 1, sizeof *c->proj);
	c->ncom = (size_t)config_setting_length(coms);
	c->com = calloc(c->ncom ? c->ncom : 1, sizeof *c->com);
	size_t nvil = 0;
	for (size_t i = 0; i < c->ncom; i++) {
		config_setting_t *v = config_setting_get_member(
			config_setting_get_elem(coms, (unsigned)i), "villages");
		if (v)
			nvil += (size_t)config_setting_length(v);
	}
	c->vil = calloc(nvil ? nvil : 1, sizeof *c->vil);
	if (!c->ind || !c->proj || !c->com || !c->vil)
		return fail(L, NULL, "out of memory");

	for (size_t i = 0; i < c->nind; i++) {
		config_setting_t *g = config_setting_get_elem(inds, (unsigned)i);
		/* Count only what is loaded so far: lookups during loading see a
		 * consistent prefix. */
		size_t full = c->nind;
		c->nind = i;
		int rc = load_indicator(L, g, &c->ind[i]);
		bool dup = rc == 0 && catalog_indicator_by_code(c, c->ind[i].code);
		c->nind = full;
		if (rc < 0)
			return -1;
		if (dup)
			return fail(L, g, "indicator code %s used twice", c->ind[i].code);
	}
	/* A word must name one indicator only, or reports become guesses. */
	for (size_t i = 0; i < c->nind; i++)
		for (size_t k = 0; k < i; k++)
			for (int a = 0; a < c->ind[i].nsynonyms; a++)
				for (int b = 0; b < c->ind[k].nsynonyms; b++)
					if (!strcmp(c->ind[i].synonyms[a], c->ind[k].synonyms[b]))
						return fail(L, config_setting_get_elem(inds, (unsigned)i),
							    "indicator %s: \"%s\" already names %s",
							    c->ind[i].code, c->ind[i].synonyms[a],
							    c->ind[k].code);
	size_t nsyn = 0, size = 16;
	for (size_t i = 0; i < c->nind; i++)
		nsyn += (size_t)c->ind[i].nsynonyms;
	while (size < nsyn * 4)
		size *= 2;
	c->syn = calloc(size, sizeof *c->syn);
	if (!c->syn)
		return fail(L, NULL, "out of memory");
	c->syn_mask = size - 1;
	for (size_t i = 0; i < c->nind; i++)
		for (int k = 0; k < c->ind[i].nsynonyms; k++) {
			size_t h = syn_hash(c->ind[i].synonyms[k]) & c->syn_mask;
			while (c->syn[h].key)
				h = (h + 1) & c->syn_mask;
			c->syn[h].key = c->ind[i].synonyms[k];
			c->syn[h].ind = &c->ind[i];
		}
	for (size_t i = 0; i < c->nproj; i++) {
		config_setting_t *g = config_setting_get_elem(projs, (unsigned)i);
		if (load_project(L, g, &c->proj[i]) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(c->proj[k].code_fold, c->proj[i].code_fold))
				return fail(L, g, "project code %s used twice", c->proj[i].code);
	}
	for (size_t i = 0; i < c->ncom; i++) {
		config_setting_t *g = config_setting_get_elem(coms, (unsigned)i);
		struct catalog_commune *com = &c->com[i];
		if (load_commune(L, g, com) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(c->com[k].code, com->code))
				return fail(L, g, "commune code %s used twice", com->code);
		config_setting_t *vs = config_setting_get_member(g, "villages");
		if (!vs)
			continue;
		if (config_setting_type(vs) != CONFIG_TYPE_LIST &&
		    config_setting_type(vs) != CONFIG_TYPE_ARRAY)
			return fail(L, vs, "commune %s: villages = ( \"Thôn 1\", { ... } );", com->code);
		int n = config_setting_length(vs);
		for (int k = 0; k < n; k++) {
			config_setting_t *e = config_setting_get_elem(vs, (unsigned)k);
			struct catalog_village *v = &c->vil[c->nvil];
			if (load_village(L, e, com, v) < 0)
				return -1;
			for (size_t j = 0; j < c->nvil; j++)
				if (!strcmp(c->vil[j].code, v->code))
					return fail(L, e, "village code %s used twice", v->code);
			c->nvil++;
		}
	}
	for (size_t i = 0; i < c->ncom; i++) {
		const struct catalog_commune *com = &c->com[i];
		const char *keys[5] = { com->key };
		int nk = 1;
		for (int a = 0; a < com->naliases; a++)
			keys[nk++] = com->aliases[a];
		for (int k = 0; k < nk; k++) {
			const char *w = keys[k];
			if (w[0] >= 'a' && w[0] <= 'z' && w[1] >= 'a' && w[1] <= 'z')
				c->prefix2[(w[0] - 'a') * 26 + (w[1] - 'a')] = 1;
		}
	}
	size_t vsize = 16;
	while (vsize < c->nvil * 4)
		vsize *= 2;
	c->vil_slot = malloc(vsize * sizeof *c->vil_slot);
	if (!c->vil_slot)
		return fail(L, NULL, "out of memory");
	for (size_t i = 0; i < vsize; i++)
		c->vil_slot[i] = -1;
	c->vil_mask = vsize - 1;
	for (size_t i = 0; i < c->nvil; i++) {
		size_t h = syn_hash(c->vil[i].code) & c->vil_mask;
		while (c->vil_slot[h] >= 0)
			h = (h + 1) & c->vil_mask;
		c->vil_slot[h] = (int32_t)i;
	}
	/* Communes were copied into a fixed array: link villages now. */
	for (size_t i = 0, vi = 0; i < c->ncom; i++) {
		size_t plen = strlen(c->com[i].code);
		for (; vi < c->nvil && !strncmp(c->vil[vi].code, c->com[i].code, plen) &&
		       c->vil[vi].code[plen] == '/';
		     vi++)
			c->vil[vi].commune = &c->com[i];
	}
	for (size_t i = 0; i < c->ncom; i++) {
		const struct catalog_commune *com = &c->com[i];
		if (com->merged_into[0]) {
			const struct catalog_commune *to =
				catalog_commune_by_code(c, com->merged_into, CATALOG_DAY_NONE);
			if (!to || to == com)
				return fail(L, config_setting_get_elem(coms, (unsigned)i),
					    "commune %s: merged_into \"%s\" names no other commune",
					    com->code, com->merged_into);
			if (com->until == CATALOG_DAY_NONE)
				return fail(L, config_setting_get_elem(coms, (unsigned)i),
					    "commune %s: merged_into needs until = \"YYYY-MM-DD\"",
					    com->code);
		}
	}
	for (size_t i = 0; i < c->nvil; i++) {
		const struct catalog_village *v = &c->vil[i];
		if (!v->moved_to[0])
			continue;
		const struct catalog_village *to = catalog_village_by_code(c, v->moved_to,
									   CATALOG_DAY_NONE);
		if (!to || to == v || v->until == CATALOG_DAY_NONE)
			return fail(L, coms, "village %s: moved_to \"%s\" must name another village, "
				    "and the village needs until = \"YYYY-MM-DD\"", v->code, v->moved_to);
	}
	return 0;
}

static int load_cfg(struct catalog **out, config_t *cfg, int read_ok, const char *name, char *why,
		    size_t whylen)
{
	*out = NULL;
	if (!read_ok) {
		snprintf(why, whylen, "%s:%d: %s", config_error_file(cfg) ? config_error_file(cfg) : name,
			 config_error_line(cfg), config_error_text(cfg));
		config_destroy(cfg);
		return -1;
	}
	struct catalog *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(why, whylen, "%s: out of memory", name);
		config_destroy(cfg);
		return -1;
	}
	struct loader L = { name, why, whylen, c };
	int rc = load_all(&L, cfg);
	config_destroy(cfg);
	if (rc < 0) {
		catalog_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int catalog_load(struct catalog **out, const char *path, char *why, size_t whylen)
{
	config_t cfg;
	config_init(&cfg);
	int ok = config_read_file(&cfg, path) == CONFIG_TRUE;
	if (!ok && config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
		snprintf(why, whylen, "%s:0: cannot read the catalog file", path);
		config_destroy(&cfg);
		*out = NULL;
		return -1;
	}
	return load_cfg(out, &cfg, ok, path, why, whylen);
}

int catalog_load_string(struct catalog **out, const char *text, const char *name, char *why,
			size_t whylen)
{
	config_t cfg;
	config_init(&cfg);
	int ok = config_read_string(&cfg, text) == CONFIG_TRUE;
	return load_cfg(out, &cfg, ok, name, why, whylen);
}

void catalog_free(struct catalog *c)
{
	if (!c)
		return;
	free(c->ind);
	free(c->proj);
	free(c->com);
	free(c->vil);
	free(c->syn);
	free(c->vil_slot);
	free(c);
}

/* ---- accessors ---- */

const struct catalog_settings *catalog_settings(const struct catalog *c) { return &c->settings; }

bool catalog_may_start_commune(const struct catalog *c, const char *w)
{
	if (!(w[0] >= 'a' && w[0] <= 'z' && w[1] >= 'a' && w[1] <= 'z'))
		return false;
	return c->prefix2[(w[0] - 'a') * 26 + (w[1] - 'a')] != 0;
}
size_t catalog_commune_count(const struct catalog *c) { return c->ncom; }
const struct catalog_commune *catalog_commune_at(const struct catalog *c, size_t i)
{
	return i < c->ncom ? &c->com[i] : NULL;
}
size_t catalog_village_count(const struct catalog *c) { return c->nvil; }
const struct catalog_village *catalog_village_at(const struct catalog *c, size_t i)
{
	return i < c->nvil ? &c->vil[i] : NULL;
}
size_t catalog_project_count(const struct catalog *c) { return c->nproj; }
const struct catalog_project *catalog_project_at(const struct catalog *c, size_t i)
{
	return i < c->nproj ? &c->proj[i] : NULL;
}
size_t catalog_indicator_count(const struct catalog *c) { return c->nind; }
const struct catalog_indicator *catalog_indicator_at(const struct catalog *c, size_t i)
{
	return i < c->nind ? &c->ind[i] : NULL;
}

const struct catalog_indicator *catalog_indicator_by_code(const struct catalog *c, const char *code)
{
	for (size_t i = 0; i < c->nind; i++)
		if (!strcasecmp(c->ind[i].code, code))
			return &c->ind[i];
	return NULL;
}

bool catalog_project_allows(const struct catalog_project *p, const struct catalog_indicator *ind)
{
	for (int i = 0; i < p->nindicators; i++)
		if (p->indicators[i] == ind)
			return true;
	return false;
}

bool catalog_valid_on(catalog_day from, catalog_day until, catalog_day day)
{
	if (day == CATALOG_DAY_NONE)
		return true;
	if (from != CATALOG_DAY_NONE && day < from)
		return false;
	if (until != CATALOG_DAY_NONE && day > until)
		return false;
	return true;
}

const struct catalog_commune *catalog_commune_by_code(const struct catalog *c, const char *code,
						      catalog_day day)
{
	for (size_t i = 0; i < c->ncom; i++)
		if (!strcmp(c->com[i].code, code) &&
		    catalog_valid_on(c->com[i].from, c->com[i].until, day))
			return &c->com[i];
	return NULL;
}

const struct catalog_village *catalog_village_by_code(const struct catalog *c, const char *code,
						      catalog_day day)
{
	if (c->vil_slot) {
		for (size_t h = syn_hash(code) & c->vil_mask; c->vil_slot[h] >= 0; h = (h + 1) & c->vil_mask) {
			const struct catalog_village *v = &c->vil[c->vil_slot[h]];
			if (!strcmp(v->code, code) && catalog_valid_on(v->from, v->until, day))
				return v;
		}
		return NULL;
	}
	for (size_t i = 0; i < c->nvil; i++)
		if (!strcmp(c->vil[i].code, code) &&
		    catalog_valid_on(c->vil[i].from, c->vil[i].until, day))
			return &c->vil[i];
	return NULL;
}

const struct catalog_commune *catalog_commune_as_of(const struct catalog *c, const char *code,
						    catalog_day day)
{
	const struct catalog_commune *com = catalog_commune_by_code(c, code, CATALOG_DAY_NONE);
	/* Merges form a chain in time; the bound stops a looping config. */
	for (int hops = 0; com && hops < 8; hops++) {
		if (catalog_valid_on(com->from, com->until, day))
			return com;
		if (day != CATALOG_DAY_NONE && com->until != CATALOG_DAY_NONE && day > com->until &&
		    com->merged_into[0])
			com = catalog_commune_by_code(c, com->merged_into, CATALOG_DAY_NONE);
		else
			return NULL;
	}
	return NULL;
}

const struct catalog_village *catalog_village_as_of(const struct catalog *c, const char *code,
						    catalog_day day)
{
	const struct catalog_village *v = catalog_village_by_code(c, code, CATALOG_DAY_NONE);
	for (int hops = 0; v && hops < 8; hops++) {
		if (catalog_valid_on(v->from, v->until, day))
			return v;
		if (day != CATALOG_DAY_NONE && v->until != CATALOG_DAY_NONE && day > v->until &&
		    v->moved_to[0])
			v = catalog_village_by_code(c, v->moved_to, CATALOG_DAY_NONE);
		else
			return NULL;
	}
	return NULL;
}

const struct catalog_project *catalog_project_find(const struct catalog *c, const char *text)
{
	/* Reduce both sides to their digits after an optional "da"/"duan":
	 * "DA4.1", "da 4,1", "4.1", "DA41" all become "41". */
	char f[64], want[16];
	catalog_fold_key(text, f, sizeof f);
	const char *p = f;
	if (!strncmp(p, "tieuduan", 8))
		p += 8;
	else if (!strncmp(p, "duan", 4))
		p += 4;
	else if (!strncmp(p, "da", 2))
		p += 2;
	size_t n = 0;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 < sizeof want)
				want[n++] = *p;
		} else {
			/* Letters after the digits: not a project code (RS is matched
			 * by its own code below). */
			n = 0;
			break;
		}
	}
	want[n] = 0;
	const struct catalog_project *hit = NULL;
	for (size_t i = 0; i < c->nproj; i++) {
		const char *k = c->proj[i].code_key;
		if (!strcmp(k, f))
			return &c->proj[i];
		if (!n)
			continue;
		const char *q = k;
		if (!strncmp(q, "da", 2))
			q += 2;
		if (!strcmp(q, want)) {
			if (hit)
				return NULL;
			hit = &c->proj[i];
		}
	}
	return hit;
}

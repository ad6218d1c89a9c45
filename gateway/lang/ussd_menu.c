/* ussd_menu.c: the USSD reporting menu (see ussd_menu.h). Owns replaying an
 * input history into a menu position and drawing the screen for it; storing
 * the resulting report is dispatch's job, HTTP is http_ussd's. */
#include "lang/ussd_menu.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

#define UM_MAX_PROJECTS 64
#define UM_INPUT_MAX 32

/* Everything the history has decided so far. */
struct um_state {
	const struct catalog_project *projects[UM_MAX_PROJECTS];
	int nprojects;
	enum ussd_menu_stage stage;
	int page;
	const struct catalog_project *project;
	int ind;				/* indicator being entered */
	bool has[CATALOG_MAX_PROJECT_INDICATORS];
	double val[CATALOG_MAX_PROJECT_INDICATORS];
	int nvals;
	char err[96];				/* why the newest input was refused */
	enum ussd_menu_outcome outcome;
};

/* A bounded string builder: never overflows, remembers truncation. */
struct um_buf {
	char *p;
	size_t cap, len;
	bool full;
};

static void um_add(struct um_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void um_add(struct um_buf *b, const char *fmt, ...)
{
	if (b->len >= b->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		b->len = b->cap - 1;
		b->full = true;
	} else {
		b->len += (size_t)n;
	}
}

const char *ussd_menu_outcome_name(enum ussd_menu_outcome o)
{
	switch (o) {
	case USSD_MENU_CONTINUE: return "continue";
	case USSD_MENU_SUBMIT: return "submit";
	case USSD_MENU_CANCEL: return "cancel";
	case USSD_MENU_ABORT: return "abort";
	}
	return "?";
}

static void um_projects(const struct catalog *cat, const struct ussd_menu_opts *o,
			struct um_state *s)
{
	s->nprojects = 0;
	if (!cat)
		return;
	if (o && o->projects && o->nprojects) {
		for (size_t i = 0; i < o->nprojects && s->nprojects < UM_MAX_PROJECTS; i++) {
			const struct catalog_project *p = catalog_project_find(cat, o->projects[i]);
			/* The household review needs signed changes ("HN+2"),
			 * which a phone keypad cannot type between '*'. */
			if (p && !p->signed_values && p->nindicators > 0)
				s->projects[s->nprojects++] = p;
		}
		return;
	}
	size_t n = catalog_project_count(cat);
	for (size_t i = 0; i < n && s->nprojects < UM_MAX_PROJECTS; i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		if (p && !p->signed_values && !p->review && p->nindicators > 0)
			s->projects[s->nprojects++] = p;
	}
}

/* A whole number 1..max written as digits only; -1 otherwise. */
static int um_choice(const char *in, int max)
{
	if (!*in || strlen(in) > 3)
		return -1;
	int v = 0;
	for (const char *p = in; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= max ? v : -1;
}

/* A value as typed on a keypad: digits, '#' as the decimal mark (the
 * '*' key separates inputs). Counts are whole; money has up to 3 decimals. */
static bool um_value(const char *in, enum catalog_value_type type, double *out)
{
	size_t n = strlen(in);
	if (n == 0 || n > 12)
		return false;
	double v = 0, scale = 1;
	bool frac = false;
	int decimals = 0;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if ((c == '#' || c == '.' || c == ',') && !frac && i > 0 && i + 1 < n) {
			frac = true;
			continue;
		}
		if (c < '0' || c > '9')
			return false;
		if (frac) {
			if (++decimals > 3)
				return false;
			scale /= 10;
			v += (c - '0') * scale;
		} else {
			v = v * 10 + (c - '0');
		}
	}
	if (frac && type == CATALOG_COUNT)
		return false;
	*out = v;
	return true;
}

/* Numbers as the SMS language reads them: whole numbers plain, decimals
 * with the Vietnamese decimal comma and no trailing zeros ("2,5"; a single
 * comma is always decimal to report_parse_number, "1.500" would be 1500). */
static void um_fmt_value(char *buf, size_t len, double v)
{
	double r = round(v);
	if (fabs(v - r) < 1e-9) {
		snprintf(buf, len, "%.0f", r);
		return;
	}
	snprintf(buf, len, "%.3f", v);
	char *e = buf + strlen(buf) - 1;
	while (e > buf && *e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
}

static int um_ind_index(const struct catalog_project *p, const struct catalog_indicator *ind)
{
	for (int i = 0; i < p->nindicators; i++)
		if (p->indicators[i] == ind)
			return i;
	return -1;
}

/* The first breakdown rule the values break, written into s->err. */
static bool um_rules_ok(struct um_state *s)
{
	const struct catalog_project *p = s->project;
	for (int r = 0; r < p->nrules; r++) {
		const struct catalog_rule *rule = &p->rules[r];
		int t = um_ind_index(p, rule->total);
		if (t < 0 || !s->has[t])
			continue;
		double sum = 0;
		bool any = false;
		for (int k = 0; k < rule->nparts; k++) {
			int i = um_ind_index(p, rule->parts[k]);
			if (i >= 0 && s->has[i]) {
				sum += s->val[i];
				any = true;
			}
		}
		if (any && sum > s->val[t] + 1e-9) {
			char parts[64] = "";
			struct um_buf b = { parts, sizeof parts, 0, false };
			for (int k = 0; k < rule->nparts; k++)
				um_add(&b, "%s%s", k ? "+" : "", rule->parts[k]->code);
			snprintf(s->err, sizeof s->err, "%s lon hon %s", parts, rule->total->code);
			return false;
		}
	}
	return true;
}

static void um_report(const struct um_state *s, char *out, size_t len)
{
	struct um_buf b = { out, len, 0, false };
	out[0] = '\0';
	um_add(&b, "BC %s", s->project->code);
	for (int i = 0; i < s->project->nindicators; i++) {
		if (!s->has[i])
			continue;
		char v[32];
		um_fmt_value(v, sizeof v, s->val[i]);
		um_add(&b, " %s %s", s->project->indicators[i]->code, v);
	}
}

static void um_input(struct um_state *s, const char *in)
{
	s->err[0] = '\0';
	switch (s->stage) {
	case USSD_MENU_PROJECT: {
		if (strcmp(in, USSD_MENU_PAGE_NEXT) == 0) {
			s->page++;
			return;
		}
		int k = um_choice(in, s->nprojects);
		if (k < 0) {
			snprintf(s->err, sizeof s->err, "Chon so 1-%d", s->nprojects);
			return;
		}
		s->project = s->projects[k - 1];
		s->stage = USSD_MENU_INDICATOR;
		s->page = 0;
		return;
	}
	case USSD_MENU_INDICATOR: {
		if (strcmp(in, USSD_MENU_PAGE_NEXT) == 0) {
			s->page++;
			return;
		}
		if (strcmp(in, "0") == 0) {
			if (s->nvals == 0) {
				snprintf(s->err, sizeof s->err, "Chua nhap so lieu nao");
				return;
			}
			if (!um_rules_ok(s))
				return;
			s->stage = USSD_MENU_CONFIRM;
			return;
		}
		int k = um_choice(in, s->project->nindicators);
		if (k < 0) {
			snprintf(s->err, sizeof s->err, "Chon so 1-%d hoac 0", s->project->nindicators);
			return;
		}
		s->ind = k - 1;
		s->stage = USSD_MENU_VALUE;
		return;
	}
	case USSD_MENU_VALUE: {
		const struct catalog_indicator *ind = s->project->indicators[s->ind];
		double v;
		if (!um_value(in, ind->type, &v)) {
			snprintf(s->err, sizeof s->err, "%s", ind->type == CATALOG_MONEY
				 ? "Nhap so, # la dau thap phan" : "Nhap so nguyen");
			return;
		}
		if (ind->max > 0 && v > ind->max) {
			char m[32];
			um_fmt_value(m, sizeof m, ind->max);
			snprintf(s->err, sizeof s->err, "Toi da %s", m);
			return;
		}
		if (!s->has[s->ind])
			s->nvals++;
		s->has[s->ind] = true;
		s->val[s->ind] = v;
		s->stage = USSD_MENU_INDICATOR;
		return;
	}
	case USSD_MENU_CONFIRM:
		if (strcmp(in, "1") == 0) {
			s->stage = USSD_MENU_DONE;
			s->outcome = USSD_MENU_SUBMIT;
		} else if (strcmp(in, "2") == 0) {
			s->stage = USSD_MENU_DONE;
			s->outcome = USSD_MENU_CANCEL;
		} else {
			snprintf(s->err, sizeof s->err, "Chon 1 hoac 2");
		}
		return;
	case USSD_MENU_DONE:
		return;
	}
}

/* Draws "CON header\nitems...\nfooter" with as many items as fit in
 * screen_max, from page `page` (wrapping). At least one item per page. */
static void um_list(struct um_buf *b, int screen_max, const char *head, char items[][96], int n,
		    const char *foot, int page)
{
	/* Page starts, computed the same way for every page: everything on
	 * one page when it fits, else pages that each leave room for "99 Tiep". */
	int starts[CATALOG_MAX_PROJECT_INDICATORS + UM_MAX_PROJECTS + 1];
	int npages = 0, i = 0;
	size_t fixed = b->len + strlen(head) + (foot ? strlen(foot) + 1 : 0);
	size_t more = strlen("\n" USSD_MENU_PAGE_NEXT " Tiep");
	size_t all = fixed;
	for (int k = 0; k < n; k++)
		all += strlen(items[k]) + 1;
	if (all > (size_t)screen_max)
		fixed += more;
	while (i < n) {
		starts[npages++] = i;
		size_t used = fixed;
		int first = i;
		while (i < n) {
			size_t add = strlen(items[i]) + 1;
			if (i > first && used + add > (size_t)screen_max)
				break;
			used += add;
			i++;
		}
	}
	if (npages == 0)
		starts[npages++] = 0;
	int pg = page % npages;
	int from = starts[pg], to = pg + 1 < npages ? starts[pg + 1] : n;
	um_add(b, "%s", head);
	for (int k = from; k < to; k++)
		um_add(b, "\n%s", items[k]);
	if (foot)
		um_add(b, "\n%s", foot);
	if (npages > 1)
		um_add(b, "\n%s Tiep", USSD_MENU_PAGE_NEXT);
}

/* ASCII name cut to n characters, for list lines. */
static void um_short(char *out, size_t outlen, const char *code, const char *name, size_t n)
{
	snprintf(out, outlen, "%s %.*s", code, (int)n, name);
	size_t l = strlen(out);
	while (l > 0 && out[l - 1] == ' ')
		out[--l] = '\0';
}

static void um_screen(const struct um_state *s, int screen_max, struct ussd_menu_result *out)
{
	struct um_buf b = { out->screen, sizeof out->screen, 0, false };
	out->screen[0] = '\0';
	if (s->outcome == USSD_MENU_SUBMIT) {
		um_add(&b, "END Da gui: %s\nBien nhan se gui qua SMS.", out->report);
		return;
	}
	if (s->outcome == USSD_MENU_CANCEL) {
		um_add(&b, "END Da huy, khong gui bao cao.");
		return;
	}
	um_add(&b, "CON ");
	if (s->err[0])
		um_add(&b, "Sai: %s\n", s->err);
	char items[CATALOG_MAX_PROJECT_INDICATORS + UM_MAX_PROJECTS][96];
	switch (s->stage) {
	case USSD_MENU_PROJECT:
		for (int i = 0; i < s->nprojects; i++) {
			char line[40];
			um_short(line, sizeof line, s->projects[i]->code, s->projects[i]->name_ascii, 14);
			snprintf(items[i], sizeof items[i], "%d %s", i + 1, line);
		}
		um_list(&b, screen_max, "Bao cao: chon du an", items, s->nprojects, NULL, s->page);
		break;
	case USSD_MENU_INDICATOR: {
		const struct catalog_project *p = s->project;
		for (int i = 0; i < p->nindicators; i++) {
			const struct catalog_indicator *ind = p->indicators[i];
			if (s->has[i]) {
				char v[32];
				um_fmt_value(v, sizeof v, s->val[i]);
				snprintf(items[i], sizeof items[i], "%d %s=%s", i + 1, ind->code, v);
			} else {
				char line[40];
				um_short(line, sizeof line, ind->code, ind->name_ascii, 12);
				snprintf(items[i], sizeof items[i], "%d %s", i + 1, line);
			}
		}
		char head[48];
		snprintf(head, sizeof head, "%s: chon chi so", p->code);
		um_list(&b, screen_max, head, items, p->nindicators, "0 Xong", s->page);
		break;
	}
	case USSD_MENU_VALUE: {
		const struct catalog_indicator *ind = s->project->indicators[s->ind];
		um_add(&b, "%s %s (%s)\nNhap so%s:", ind->code, ind->name_ascii, ind->unit_ascii,
		       ind->type == CATALOG_MONEY ? ", # la dau phay" : "");
		break;
	}
	case USSD_MENU_CONFIRM: {
		char rep[USSD_MENU_REPORT_MAX];
		um_report(s, rep, sizeof rep);
		um_add(&b, "Gui bao cao?\n%s\n1 Gui\n2 Huy", rep);
		break;
	}
	case USSD_MENU_DONE:
		break;
	}
}

enum ussd_menu_outcome ussd_menu_step(const struct catalog *cat, const struct ussd_menu_opts *o,
				      const char *text, struct ussd_menu_result *out)
{
	static struct um_state zero;
	struct um_state s = zero;
	memset(out, 0, sizeof *out);
	int screen_max = o && o->screen_max > 0 ? o->screen_max : USSD_MENU_SCREEN_DEFAULT;
	if (screen_max > USSD_MENU_OUT_MAX - 1)
		screen_max = USSD_MENU_OUT_MAX - 1;
	um_projects(cat, o, &s);
	s.stage = USSD_MENU_PROJECT;
	s.outcome = USSD_MENU_CONTINUE;
	if (s.nprojects == 0) {
		snprintf(out->screen, sizeof out->screen, "END Chua co du an nao de bao cao.");
		out->outcome = USSD_MENU_ABORT;
		out->stage = USSD_MENU_DONE;
		return out->outcome;
	}
	/* Replay the history. Inputs are separated by '*'; an empty text is
	 * the first request. */
	const char *p = text ? text : "";
	int inputs = 0;
	bool refused = false;
	while (*p && s.stage != USSD_MENU_DONE) {
		const char *e = strchr(p, '*');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (++inputs > USSD_MENU_MAX_INPUTS) {
			snprintf(out->screen, sizeof out->screen,
				 "END Qua nhieu buoc. Vui long quay so lai.");
			out->outcome = USSD_MENU_ABORT;
			out->stage = USSD_MENU_DONE;
			out->inputs = inputs;
			out->errors = 0;
			return out->outcome;
		}
		char in[UM_INPUT_MAX + 1];
		/* Blanks around an input are the handset's, not the user's. */
		while (n > 0 && (*p == ' ')) {
			p++;
			n--;
		}
		size_t m = n;
		while (m > 0 && p[m - 1] == ' ')
			m--;
		if (m > UM_INPUT_MAX) {
			snprintf(s.err, sizeof s.err, "Qua dai");
			refused = true;
		} else {
			memcpy(in, p, m);
			in[m] = '\0';
			um_input(&s, in);
			refused = s.err[0] != '\0';
		}
		out->errors += refused;
		p = e ? e + 1 : p + n;
		if (e && !*p && s.stage != USSD_MENU_DONE) {
			/* A trailing '*' is an empty last input: refused. */
			um_input(&s, "");
			refused = s.err[0] != '\0';
			out->errors += refused;
			inputs++;
		}
	}
	out->inputs = inputs;
	out->last_refused = refused;
	out->stage = s.stage;
	out->outcome = s.outcome;
	if (s.outcome == USSD_MENU_SUBMIT)
		um_report(&s, out->report, sizeof out->report);
	um_screen(&s, screen_max, out);
	return out->outcome;
}

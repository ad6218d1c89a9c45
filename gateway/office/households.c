/* households.c: parsing and validating the household register CSV, place
 * resolution against the catalog and the status rules (see households.h).
 * The CSV reader follows RFC 4180 as spreadsheets actually write it: a BOM
 * or not, "sep=;" first line from Excel, comma or semicolon (the header
 * decides), quoted fields that may hold separators, quotes ("") and line
 * breaks, CRLF or LF. Columns are found by header name, so column order and
 * extra columns (STT, ghi chu) do not matter. */
#include "office/households.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lang/period.h"
#include "sms/utf8.h"
#include "sms/viet.h"

struct hh_import *hh_import_new(void)
{
	return calloc(1, sizeof(struct hh_import));
}

void hh_import_free(struct hh_import *im)
{
	if (!im)
		return;
	free(im->rows);
	free(im);
}

void hh_error_add(struct hh_import *im, int line, const char *fmt, ...)
{
	if (im->nerrors < HH_ERRORS_KEPT) {
		struct hh_error *e = &im->errors[im->nerrors];
		e->line = line;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	im->nerrors++;
}

/* Folded key: lower-case ASCII without diacritics, only letters and
 * digits ("Cận nghèo" and "can_ngheo" both give "canngheo"). */
static void fold_key(const char *s, size_t len, char *out, size_t outlen)
{
	char tmp[256];
	viet_fold_lower(s, len, tmp, sizeof tmp);
	size_t j = 0;
	for (size_t i = 0; tmp[i] && j + 1 < outlen; i++) {
		char c = tmp[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[j++] = c;
	}
	if (outlen)
		out[j] = 0;
}

int hh_status_parse(const char *text, enum hh_status *out)
{
	char k[64];
	fold_key(text, strlen(text), k, sizeof k);
	static const struct {
		const char *key;
		enum hh_status st;
	} map[] = {
		{ "ngheo", HH_POOR },		{ "hongheo", HH_POOR },
		{ "poor", HH_POOR },		{ "canngheo", HH_NEAR_POOR },
		{ "hocanngheo", HH_NEAR_POOR }, { "nearpoor", HH_NEAR_POOR },
		{ "thoatngheo", HH_ESCAPED },	{ "moithoatngheo", HH_ESCAPED },
		{ "homoithoatngheo", HH_ESCAPED }, { "escaped", HH_ESCAPED },
		{ "khong", HH_NONE },		{ "none", HH_NONE },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(k, map[i].key)) {
			*out = map[i].st;
			return 0;
		}
	return -1;
}

const char *hh_status_code(enum hh_status s)
{
	switch (s) {
	case HH_POOR:
		return "poor";
	case HH_NEAR_POOR:
		return "near_poor";
	case HH_ESCAPED:
		return "escaped";
	case HH_NONE:
		break;
	}
	return "none";
}

const char *hh_status_vi(enum hh_status s)
{
	switch (s) {
	case HH_POOR:
		return "ngheo";
	case HH_NEAR_POOR:
		return "can ngheo";
	case HH_ESCAPED:
		return "moi thoat ngheo";
	case HH_NONE:
		break;
	}
	return "khong";
}

int hh_status_from_code(const char *code, enum hh_status *out)
{
	for (int s = HH_NONE; s <= HH_ESCAPED; s++)
		if (!strcmp(code, hh_status_code((enum hh_status)s))) {
			*out = (enum hh_status)s;
			return 0;
		}
	return -1;
}

int32_t hh_escaped_until(int32_t since)
{
	return period_add_months(since, HH_ESCAPED_MONTHS) - 1;
}

enum hh_status hh_status_on(enum hh_status recorded, int32_t since, int32_t day)
{
	if (day < since)
		return HH_NONE;
	if (recorded == HH_ESCAPED && day > hh_escaped_until(since))
		return HH_NONE;
	return recorded;
}

int hh_code_valid(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n >= HH_CODE_MAX)
		return 0;
	/* A letter or digit first: "-12" would read as a formula in a sheet. */
	if (!((code[0] >= 'a' && code[0] <= 'z') || (code[0] >= 'A' && code[0] <= 'Z') ||
	      (code[0] >= '0' && code[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

/* ---- CSV records ---- */

#define CSV_MAX_FIELDS 64
#define CSV_FIELD_MAX 512

struct csv_field {
	char text[CSV_FIELD_MAX];
	size_t len;
	int truncated;
};

struct csv {
	const char *s;
	size_t len, i;
	int line;		/* physical line at i */
	char sep;
};

/* Reads one record. Returns the number of fields, 0 at the end, -1 on an
 * unterminated quote. *rec_line gets the line the record starts on. */
static int csv_record(struct csv *c, struct csv_field *f, int maxf, int *rec_line)
{
	if (c->i >= c->len)
		return 0;
	*rec_line = c->line;
	int n = 0;
	for (;;) {
		struct csv_field tmp;
		struct csv_field *cur = n < maxf ? &f[n] : &tmp;
		cur->len = 0;
		cur->truncated = 0;
		int quoted = 0;
		/* Leading blanks before an opening quote are tolerated. */
		size_t j = c->i;
		while (j < c->len && (c->s[j] == ' ' || c->s[j] == '\t'))
			j++;
		if (j < c->len && c->s[j] == '"') {
			quoted = 1;
			c->i = j + 1;
		}
		for (;;) {
			if (c->i >= c->len) {
				if (quoted)
					return -1;
				break;
			}
			char ch = c->s[c->i];
			if (quoted) {
				if (ch == '"') {
					if (c->i + 1 < c->len && c->s[c->i + 1] == '"') {
						c->i += 2;
					} else {
						c->i++;
						quoted = 0;
						/* After the closing quote, anything up to the
						 * separator is kept (lenient, as LibreOffice). */
						continue;
					}
				} else {
					if (ch == '\n')
						c->line++;
					c->i++;
				}
			} else {
				if (ch == c->sep || ch == '\n' || ch == '\r')
					break;
				c->i++;
			}
			if (cur->len + 1 < CSV_FIELD_MAX)
				cur->text[cur->len++] = ch;
			else
				cur->truncated = 1;
		}
		cur->text[cur->len] = 0;
		n++;
		if (c->i < c->len && c->s[c->i] == c->sep) {
			c->i++;
			continue;
		}
		/* End of record: CRLF, LF or lone CR. */
		if (c->i < c->len && c->s[c->i] == '\r')
			c->i++;
		if (c->i < c->len && c->s[c->i] == '\n')
			c->i++;
		c->line++;
		return n;
	}
}

static void trim(struct csv_field *f)
{
	size_t a = 0, b = f->len;
	while (a < b && (f->text[a] == ' ' || f->text[a] == '\t'))
		a++;
	while (b > a && (f->text[b - 1] == ' ' || f->text[b - 1] == '\t'))
		b--;
	memmove(f->text, f->text + a, b - a);
	f->len = b - a;
	f->text[f->len] = 0;
}

/* The header line picks the separator: whichever of ';' and ',' occurs
 * more often outside quotes (Excel in a Vietnamese locale writes ';'). */
static char detect_sep(const char *s, size_t len)
{
	int comma = 0, semi = 0, q = 0;
	for (size_t i = 0; i < len && s[i] != '\n'; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == ';')
			semi++;
	}
	return semi > comma ? ';' : ',';
}

enum col {
	COL_CODE, COL_HEAD, COL_COMMUNE, COL_VILLAGE, COL_STATUS, COL_DAY,
	COL_ETHNIC, COL_MERIT, COL_DISABLED, COL_FEMALE, COL_CHILDREN, COL_N
};

static const struct {
	const char *name;	/* as documented */
	const char *keys[3];	/* folded header spellings accepted */
	int required;
} cols[COL_N] = {
	[COL_CODE] = { "ma_ho", { "maho", "mahogiadinh", NULL }, 1 },
	[COL_HEAD] = { "chu_ho", { "chuho", "hotenchuho", "tenchuho" }, 1 },
	[COL_COMMUNE] = { "xa", { "xa", "xaphuong", "xathitran" }, 1 },
	[COL_VILLAGE] = { "thon", { "thon", "thonkhu", "thonxom" }, 1 },
	[COL_STATUS] = { "tinh_trang", { "tinhtrang", "phanloai", NULL }, 1 },
	[COL_DAY] = { "ngay", { "ngay", "ngaycongnhan", NULL }, 1 },
	[COL_ETHNIC] = { "dtts", { "dtts", "dantocthieuso", NULL }, 0 },
	[COL_MERIT] = { "nguoi_co_cong", { "nguoicocong", "cocong", NULL }, 0 },
	[COL_DISABLED] = { "khuyet_tat", { "khuyettat", "nguoikhuyettat", NULL }, 0 },
	[COL_FEMALE] = { "nu_chu_ho", { "nuchuho", "chuhonu", NULL }, 0 },
	[COL_CHILDREN] = { "tre_em", { "treem", "treemduoi16", NULL }, 0 },
};

static int flag_value(const char *t, int *v)
{
	char k[32];
	fold_key(t, strlen(t), k, sizeof k);
	if (!k[0] || !strcmp(k, "0") || !strcmp(k, "khong")) {
		*v = 0;
		return 0;
	}
	if (!strcmp(k, "1") || !strcmp(k, "x") || !strcmp(k, "co")) {
		*v = 1;
		return 0;
	}
	return -1;
}

static int copy_text(char *dst, size_t dstlen, const struct csv_field *f)
{
	if (f->truncated || f->len >= dstlen)
		return -1;
	memcpy(dst, f->text, f->len + 1);
	return 0;
}

/* Validates one record into row; returns the errors it found. */
static int parse_row(struct hh_import *im, const int *at, const struct csv_field *f, int nf,
		     int line, int32_t today, struct hh_row *row)
{
	size_t before = im->nerrors;
	memset(row, 0, sizeof *row);
	row->line = line;
	const struct csv_field empty = { "", 0, 0 };
	const struct csv_field *v[COL_N];
	for (int c = 0; c < COL_N; c++)
		v[c] = at[c] >= 0 && at[c] < nf ? &f[at[c]] : &empty;
	for (int c = 0; c < COL_N; c++)
		if (memchr(v[c]->text, 0, v[c]->len)) {
			hh_error_add(im, line, "%s: contains a NUL byte (not a text CSV?)", cols[c].name);
			return (int)(im->nerrors - before);
		}
	for (int c = 0; c < COL_N; c++)
		if (!utf8_valid(v[c]->text, v[c]->len)) {
			hh_error_add(im, line, "%s: not UTF-8 (save the sheet as \"CSV UTF-8\")",
				     cols[c].name);
			return (int)(im->nerrors - before);
		}
	if (!v[COL_CODE]->len)
		hh_error_add(im, line, "ma_ho: empty");
	else if (copy_text(row->code, sizeof row->code, v[COL_CODE]) || !hh_code_valid(row->code))
		hh_error_add(im, line, "ma_ho: '%.40s' is not a household code (letters, digits, . _ - /)",
			     v[COL_CODE]->text);
	if (!v[COL_HEAD]->len)
		hh_error_add(im, line, "chu_ho: empty");
	else if (copy_text(row->head, sizeof row->head, v[COL_HEAD]))
		hh_error_add(im, line, "chu_ho: longer than %d bytes", HH_NAME_MAX - 1);
	if (!v[COL_COMMUNE]->len || copy_text(row->commune, sizeof row->commune, v[COL_COMMUNE]))
		hh_error_add(im, line, "xa: empty or too long");
	if (!v[COL_VILLAGE]->len || copy_text(row->village, sizeof row->village, v[COL_VILLAGE]))
		hh_error_add(im, line, "thon: empty or too long");
	if (hh_status_parse(v[COL_STATUS]->text, &row->status) || row->status == HH_NONE)
		hh_error_add(im, line, "tinh_trang: '%.40s', expected ngheo, can_ngheo or thoat_ngheo",
			     v[COL_STATUS]->text);
	if (period_parse_date(v[COL_DAY]->text, &row->day))
		hh_error_add(im, line, "ngay: '%.40s', expected a date d/m/yyyy or yyyy-mm-dd",
			     v[COL_DAY]->text);
	else if (row->day > today)
		hh_error_add(im, line, "ngay: '%.40s' is in the future", v[COL_DAY]->text);
	static const struct {
		enum col c;
		unsigned flag;
	} flags[] = { { COL_ETHNIC, HH_ETHNIC }, { COL_MERIT, HH_MERIT },
		      { COL_DISABLED, HH_DISABLED }, { COL_FEMALE, HH_FEMALE_HEAD } };
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		int fv;
		if (flag_value(v[flags[i].c]->text, &fv))
			hh_error_add(im, line, "%s: '%.20s', expected 1, 0, x or blank",
				     cols[flags[i].c].name, v[flags[i].c]->text);
		else if (fv)
			row->flags |= flags[i].flag;
	}
	const char *t = v[COL_CHILDREN]->text;
	if (*t) {
		char *end;
		long n = strtol(t, &end, 10);
		if (end == t || *end || n < 0 || n > 30)
			hh_error_add(im, line, "tre_em: '%.20s', expected a number 0..30", t);
		else
			row->children = (int)n;
	}
	return (int)(im->nerrors - before);
}

static int push_row(struct hh_import *im, const struct hh_row *row)
{
	if (im->nrows == im->caprows) {
		size_t cap = im->caprows ? im->caprows * 2 : 256;
		struct hh_row *r = realloc(im->rows, cap * sizeof *r);
		if (!r)
			return -1;
		im->rows = r;
		im->caprows = cap;
	}
	im->rows[im->nrows++] = *row;
	return 0;
}

static int cmp_code(const void *a, const void *b)
{
	const struct hh_row *x = *(const struct hh_row *const *)a;
	const struct hh_row *y = *(const struct hh_row *const *)b;
	int c = strcmp(x->code, y->code);
	return c ? c : x->line - y->line;
}

int hh_csv_parse(const char *buf, size_t len, int32_t today, struct hh_import *im)
{
	struct csv c = { buf, len, 0, 1, ',' };
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		c.i = 3;
	/* Excel's "sep=;" hint line. */
	if (c.i + 5 <= len && !strncmp(buf + c.i, "sep=", 4)) {
		c.sep = buf[c.i + 4];
		while (c.i < len && buf[c.i] != '\n')
			c.i++;
		if (c.i < len)
			c.i++;
		c.line++;
	} else {
		c.sep = detect_sep(buf + c.i, len - c.i);
	}
	struct csv_field *f = malloc(CSV_MAX_FIELDS * sizeof *f);
	if (!f)
		return -1;
	int line, nf;
	int at[COL_N];
	for (int k = 0; k < COL_N; k++)
		at[k] = -1;
	/* Header: the first non-blank record. */
	do {
		nf = csv_record(&c, f, CSV_MAX_FIELDS, &line);
	} while (nf == 1 && f[0].len == 0);
	if (nf <= 0) {
		hh_error_add(im, 1, "no header line (expected ma_ho, chu_ho, xa, thon, tinh_trang, ngay)");
		free(f);
		return (int)im->nerrors;
	}
	for (int i = 0; i < nf && i < CSV_MAX_FIELDS; i++) {
		char k[64];
		fold_key(f[i].text, f[i].len, k, sizeof k);
		for (int col = 0; col < COL_N; col++)
			for (int s = 0; s < 3 && cols[col].keys[s]; s++)
				if (!strcmp(k, cols[col].keys[s])) {
					if (at[col] >= 0)
						hh_error_add(im, line, "column %s appears twice", cols[col].name);
					at[col] = i;
				}
	}
	for (int col = 0; col < COL_N; col++)
		if (cols[col].required && at[col] < 0)
			hh_error_add(im, line, "missing column %s", cols[col].name);
	if (im->nerrors) {
		free(f);
		return (int)im->nerrors;
	}
	for (;;) {
		nf = csv_record(&c, f, CSV_MAX_FIELDS, &line);
		if (nf == 0)
			break;
		if (nf < 0) {
			hh_error_add(im, line, "a quote opened here is never closed");
			break;
		}
		int blank = 1;
		for (int i = 0; i < nf && i < CSV_MAX_FIELDS; i++) {
			trim(&f[i]);
			if (f[i].len)
				blank = 0;
		}
		if (blank)
			continue;	/* spreadsheets leave empty lines at the end */
		struct hh_row row;
		if (parse_row(im, at, f, nf < CSV_MAX_FIELDS ? nf : CSV_MAX_FIELDS, line, today, &row))
			continue;
		if (push_row(im, &row)) {
			free(f);
			return -1;
		}
	}
	free(f);
	/* The same household twice in one file is ambiguous: refuse it. */
	if (im->nrows > 1) {
		const struct hh_row **p = malloc(im->nrows * sizeof *p);
		if (!p)
			return -1;
		for (size_t i = 0; i < im->nrows; i++)
			p[i] = &im->rows[i];
		qsort(p, im->nrows, sizeof *p, cmp_code);
		for (size_t i = 1; i < im->nrows; i++)
			if (!strcmp(p[i]->code, p[i - 1]->code))
				hh_error_add(im, p[i]->line, "ma_ho %s already on line %d", p[i]->code,
					     p[i - 1]->line);
		free(p);
	}
	return (int)im->nerrors;
}

/* Exact matches on the folded name first ("Phương Viên" = "phuongvien"),
 * with "xa", "thi tran", "thon", "khu" prefixes also tried without; the
 * catalog's free-text matcher (typos, abbreviations) comes after. */
static const struct catalog_commune *commune_by_key(const struct catalog *cat, const char *text,
						    catalog_day day)
{
	char k[HH_PLACE_MAX];
	catalog_fold_key(text, k, sizeof k);
	const char *alt = !strncmp(k, "xa", 2) ? k + 2 : !strncmp(k, "thitran", 7) ? k + 7 : k;
	for (size_t i = 0; i < catalog_commune_count(cat); i++) {
		const struct catalog_commune *c = catalog_commune_at(cat, i);
		if (!catalog_valid_on(c->from, c->until, day))
			continue;
		if (!strcmp(c->key, k) || !strcmp(c->key, alt))
			return c;
		for (int a = 0; a < c->naliases; a++)
			if (!strcmp(c->aliases[a], k))
				return c;
	}
	return NULL;
}

static const struct catalog_village *village_by_key(const struct catalog *cat,
						    const struct catalog_commune *cm,
						    const char *text, catalog_day day)
{
	char k[HH_PLACE_MAX];
	catalog_fold_key(text, k, sizeof k);
	for (size_t i = 0; i < catalog_village_count(cat); i++) {
		const struct catalog_village *v = catalog_village_at(cat, i);
		if (v->commune != cm || !catalog_valid_on(v->from, v->until, day))
			continue;
		if (!strcmp(v->key, k))
			return v;
	}
	return NULL;
}

int hh_resolve_places(const struct catalog *cat, struct hh_import *im)
{
	size_t before = im->nerrors;
	for (size_t i = 0; i < im->nrows; i++) {
		struct hh_row *r = &im->rows[i];
		const struct catalog_commune *cm = catalog_commune_by_code(cat, r->commune, r->day);
		if (!cm)
			cm = commune_by_key(cat, r->commune, r->day);
		if (!cm) {
			struct catalog_place_match m;
			memset(&m, 0, sizeof m);
			if (catalog_find_place(cat, r->commune, r->day, &m) == 1 && m.commune &&
			    !m.ambiguous && !m.village)
				cm = m.commune;
			if (!cm) {
				char d[16];
				period_day_iso(r->day, d, sizeof d);
				hh_error_add(im, r->line, "xa: '%.60s' is not a commune on %s%s%s",
					     r->commune, d, m.suggestion[0] ? "; did you mean " : "",
					     m.suggestion);
				continue;
			}
		}
		/* The village: its full code, its code within the commune, or its
		 * name. */
		const struct catalog_village *vg = catalog_village_by_code(cat, r->village, r->day);
		if (!vg) {
			char full[HH_PLACE_MAX * 2];
			snprintf(full, sizeof full, "%s/%s", cm->code, r->village);
			vg = catalog_village_by_code(cat, full, r->day);
		}
		if (!vg)
			vg = village_by_key(cat, cm, r->village, r->day);
		if (!vg) {
			char folded[HH_PLACE_MAX * 2];
			viet_fold_lower(r->village, strlen(r->village), folded, sizeof folded);
			const char *words[16];
			int nw = 0;
			for (char *p = folded; *p && nw < 16;) {
				while (*p == ' ' || *p == ',' || *p == '-')
					*p++ = 0;
				if (!*p)
					break;
				words[nw++] = p;
				while (*p && *p != ' ' && *p != ',' && *p != '-')
					p++;
			}
			struct catalog_place_match m;
			memset(&m, 0, sizeof m);
			if (nw && catalog_match_place(cat, words, nw, cm, r->day, &m) >= 0 && m.village &&
			    !m.ambiguous && m.words_used == nw)
				vg = m.village;
			if (!vg) {
				hh_error_add(im, r->line, "thon: '%.60s' is not a village of %s%s%s",
					     r->village, cm->name_ascii,
					     m.suggestion[0] ? "; did you mean " : "", m.suggestion);
				continue;
			}
		}
		if (vg->commune != cm && strcmp(vg->commune->code, cm->code) != 0) {
			hh_error_add(im, r->line, "thon: '%.60s' belongs to %s, not %s", r->village,
				     vg->commune->name_ascii, cm->name_ascii);
			continue;
		}
		snprintf(r->commune, sizeof r->commune, "%s", cm->code);
		snprintf(r->village, sizeof r->village, "%s", vg->code);
	}
	return (int)(im->nerrors - before);
}

/* period.c: calendar arithmetic and the period language (see period.h).
 * The grammar is matched with a small backtracking cursor: each form is
 * tried on a copy of the cursor, the first that matches wins, and a match
 * must end at a word boundary so that "T11A" is not a month. */
#include "lang/period.h"

#include <stdio.h>
#include <string.h>

/* ---- calendar (proleptic Gregorian, after H. Hinnant's civil algorithms) ---- */

int32_t period_days(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2u) / 5u + (unsigned)d - 1u;
	unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void period_civil(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400) + (mm <= 2);
	*m = mm;
	*d = dd;
}

static int month_len(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return len[m - 1];
}

int period_valid_date(int y, int m, int d)
{
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= month_len(y, m);
}

int period_weekday(int32_t day)
{
	int r = (int)(((int64_t)day % 7 + 7) % 7);
	return (r + 3) % 7 + 1;	/* day 0 (1970-01-01) was a Thursday */
}

void period_iso_week(int32_t day, int *iso_year, int *week)
{
	/* The ISO year of a week is the year of its Thursday. */
	int32_t thu = day - (period_weekday(day) - 1) + 3;
	int y, m, d;
	period_civil(thu, &y, &m, &d);
	*iso_year = y;
	*week = (thu - period_days(y, 1, 1)) / 7 + 1;
}

int period_iso_weeks(int iso_year)
{
	int y, w;
	period_iso_week(period_days(iso_year, 12, 28), &y, &w);
	return w;
}

int32_t period_iso_week_monday(int iso_year, int week)
{
	int32_t jan4 = period_days(iso_year, 1, 4);
	return jan4 - (period_weekday(jan4) - 1) + 7 * (week - 1);
}

int32_t period_local_day(int64_t unix_s, int tz_offset_s)
{
	int64_t t = unix_s + tz_offset_s;
	return (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

int64_t period_day_start(int32_t day, int tz_offset_s)
{
	return (int64_t)day * 86400 - tz_offset_s;
}

int32_t period_add_months(int32_t day, int months)
{
	int y, m, d;
	period_civil(day, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	y = idx / 12;
	m = idx % 12 + 1;
	if (d > month_len(y, m))
		d = month_len(y, m);
	return period_days(y, m, d);
}

/* ---- period constructors ---- */

void period_week(int iso_year, int week, struct period *out)
{
	out->kind = PERIOD_WEEK;
	out->first = period_iso_week_monday(iso_year, week);
	out->last = out->first + 6;
	out->year = iso_year;
	out->num = week;
}

void period_this_week(int32_t today, struct period *out)
{
	int y, w;
	period_iso_week(today, &y, &w);
	period_week(y, w, out);
}

void period_month(int year, int month, struct period *out)
{
	out->kind = PERIOD_MONTH;
	out->first = period_days(year, month, 1);
	out->last = out->first + month_len(year, month) - 1;
	out->year = year;
	out->num = month;
}

void period_this_month(int32_t today, struct period *out)
{
	int y, m, d;
	period_civil(today, &y, &m, &d);
	period_month(y, m, out);
}

static void period_quarter(int year, int q, struct period *out)
{
	out->kind = PERIOD_QUARTER;
	out->first = period_days(year, 3 * q - 2, 1);
	out->last = period_days(year, 3 * q, month_len(year, 3 * q));
	out->year = year;
	out->num = q;
}

static void period_year(int year, struct period *out)
{
	out->kind = PERIOD_YEAR;
	out->first = period_days(year, 1, 1);
	out->last = period_days(year, 12, 31);
	out->year = year;
	out->num = 0;
}

static void period_span(int32_t first, int32_t last, struct period *out)
{
	int y, m, d;
	period_civil(first, &y, &m, &d);
	out->kind = first == last ? PERIOD_DAY : PERIOD_RANGE;
	out->first = first;
	out->last = last;
	out->year = y;
	out->num = 0;
}

void period_previous(const struct period *p, struct period *out)
{
	switch (p->kind) {
	case PERIOD_WEEK:
		period_this_week(p->first - 7, out);
		return;
	case PERIOD_MONTH: {
		int y = p->num == 1 ? p->year - 1 : p->year;
		period_month(y, p->num == 1 ? 12 : p->num - 1, out);
		return;
	}
	case PERIOD_QUARTER:
		period_quarter(p->num == 1 ? p->year - 1 : p->year, p->num == 1 ? 4 : p->num - 1, out);
		return;
	case PERIOD_YEAR:
		period_year(p->year - 1, out);
		return;
	case PERIOD_DAY:
	case PERIOD_RANGE:
		break;
	}
	int32_t n = p->last - p->first + 1;
	period_span(p->first - n, p->last - n, out);
}

/* ---- the language ---- */

struct cur {
	const char *s;
	size_t len, i;
};

static int at_end(const struct cur *c)
{
	return c->i >= c->len;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static int is_alpha(int ch)
{
	ch = lower(ch);
	return ch >= 'a' && ch <= 'z';
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static void blanks(struct cur *c)
{
	while (!at_end(c) && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
		c->i++;
}

/* A keyword: letters matched case-insensitively, and not followed by
 * another letter ("tuan" does not match "tuanx"). Digits may follow
 * directly ("t11", "tuan47"). */
static int word(struct cur *c, const char *w)
{
	struct cur k = *c;
	blanks(&k);
	for (; *w; w++, k.i++)
		if (at_end(&k) || lower((unsigned char)k.s[k.i]) != *w)
			return 0;
	if (!at_end(&k) && is_alpha((unsigned char)k.s[k.i]))
		return 0;
	*c = k;
	return 1;
}

/* Unsigned decimal of 1..4 digits, not followed by a fifth digit. */
static int num(struct cur *c, int *v, int *ndigits)
{
	struct cur k = *c;
	blanks(&k);
	int n = 0, val = 0;
	while (!at_end(&k) && is_digit((unsigned char)k.s[k.i])) {
		if (++n > 4)
			return 0;
		val = val * 10 + (k.s[k.i] - '0');
		k.i++;
	}
	if (n == 0)
		return 0;
	*v = val;
	if (ndigits)
		*ndigits = n;
	*c = k;
	return 1;
}

/* A punctuation character, optionally surrounded by blanks when
 * `spaced` (ranges are often typed "1/11 - 20/11"). */
static int punct(struct cur *c, char p, int spaced)
{
	struct cur k = *c;
	if (spaced)
		blanks(&k);
	if (at_end(&k) || k.s[k.i] != p)
		return 0;
	k.i++;
	*c = k;
	return 1;
}

/* The match must end at a boundary: end, blank, or punctuation that cannot
 * continue a period (',', ';', '.', ':', ')'). */
static int boundary(const struct cur *c)
{
	if (at_end(c))
		return 1;
	char ch = c->s[c->i];
	return ch == ' ' || ch == '\t' || ch == ',' || ch == ';' || ch == '.' || ch == ':' ||
	       ch == ')' || ch == '\n' || ch == '\r';
}

/* An optional "/2026", "-2026" or " 2026" (four digits) after a month,
 * quarter or week. Returns 1 with *year set, 0 when absent. */
static int opt_year(struct cur *c, int *year)
{
	struct cur k = *c;
	int v, nd;
	if ((punct(&k, '/', 0) || punct(&k, '-', 0)) && num(&k, &v, &nd) && nd == 4 && v >= 1900) {
		*c = k;
		*year = v;
		return 1;
	}
	k = *c;
	if (num(&k, &v, &nd) && nd == 4 && v >= 1900 && boundary(&k)) {
		*c = k;
		*year = v;
		return 1;
	}
	return 0;
}

struct ctx {
	int32_t today;
	int ty, tm, td;		/* today's civil date */
};

/* Month, quarter, week or date written without a year: the latest one
 * that does not start after today. */
static int guess_year_month(const struct ctx *x, int month)
{
	return month > x->tm ? x->ty - 1 : x->ty;
}

static int m_relative(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int prev;
	if (word(&k, "hom") || word(&k, "ngay")) {
		if (word(&k, "nay"))
			prev = 0;
		else if (word(&k, "qua"))
			prev = 1;
		else
			return 0;
		*c = k;
		period_span(x->today - prev, x->today - prev, out);
		return 1;
	}
	k = *c;
	if (word(&k, "today")) {
		*c = k;
		period_span(x->today, x->today, out);
		return 1;
	}
	k = *c;
	if (word(&k, "yesterday")) {
		*c = k;
		period_span(x->today - 1, x->today - 1, out);
		return 1;
	}
	k = *c;
	enum period_kind kind;
	if (word(&k, "tuan") || word(&k, "week"))
		kind = PERIOD_WEEK;
	else if ((k = *c, word(&k, "thang")) || (k = *c, word(&k, "month")))
		kind = PERIOD_MONTH;
	else if ((k = *c, word(&k, "quy")) || (k = *c, word(&k, "quarter")))
		kind = PERIOD_QUARTER;
	else if ((k = *c, word(&k, "nam")) || (k = *c, word(&k, "year")))
		kind = PERIOD_YEAR;
	else
		return 0;
	if (word(&k, "nay"))
		prev = 0;
	else if (word(&k, "truoc"))
		prev = 1;
	else
		return 0;
	struct period p;
	switch (kind) {
	case PERIOD_WEEK:
		period_this_week(x->today - 7 * prev, &p);
		break;
	case PERIOD_MONTH:
		period_this_month(x->today, &p);
		if (prev)
			period_previous(&p, &p);
		break;
	case PERIOD_QUARTER:
		period_quarter(x->ty, (x->tm - 1) / 3 + 1, &p);
		if (prev)
			period_previous(&p, &p);
		break;
	case PERIOD_YEAR:
		period_year(x->ty - prev, &p);
		break;
	case PERIOD_DAY:
	case PERIOD_RANGE:
		return 0;
	}
	*c = k;
	*out = p;
	return 1;
}

/* "this week" / "last week" / "this month" ... in English too. */
static int m_english(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int prev;
	if (word(&k, "this"))
		prev = 0;
	else if ((k = *c, word(&k, "last")))
		prev = 1;
	else
		return 0;
	struct period p;
	if (word(&k, "week")) {
		period_this_week(x->today - 7 * prev, &p);
	} else if (word(&k, "month")) {
		period_this_month(x->today, &p);
		if (prev)
			period_previous(&p, &p);
	} else if (word(&k, "quarter")) {
		period_quarter(x->ty, (x->tm - 1) / 3 + 1, &p);
		if (prev)
			period_previous(&p, &p);
	} else if (word(&k, "year")) {
		period_year(x->ty - prev, &p);
	} else {
		return 0;
	}
	*c = k;
	*out = p;
	return 1;
}

/* -1 invalid, 0 no, 1 yes */
static int m_week(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int year = 0, wk, nd, explicit_year = 0;
	int v;
	/* 2026-W47 */
	if (num(&k, &v, &nd) && nd == 4 && v >= 1900 && punct(&k, '-', 0) && word(&k, "w") &&
	    num(&k, &wk, &nd) && nd <= 2) {
		year = v;
		explicit_year = 1;
	} else {
		k = *c;
		if (!(word(&k, "tuan") || (k = *c, word(&k, "w")) || (k = *c, word(&k, "week"))))
			return 0;
		if (!num(&k, &wk, &nd) || nd > 2)
			return 0;
		explicit_year = opt_year(&k, &year);
	}
	if (!boundary(&k))
		return 0;
	if (!explicit_year) {
		int iy, iw;
		period_iso_week(x->today, &iy, &iw);
		year = wk > iw ? iy - 1 : iy;
	}
	if (wk < 1 || wk > period_iso_weeks(year))
		return -1;
	*c = k;
	period_week(year, wk, out);
	return 1;
}

static int m_month(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int m, nd, year = 0, explicit_year;
	if (!(word(&k, "t") || (k = *c, word(&k, "thang"))))
		return 0;
	if (!num(&k, &m, &nd) || nd > 2)
		return 0;
	explicit_year = opt_year(&k, &year);
	if (!boundary(&k))
		return 0;
	if (m < 1 || m > 12)
		return -1;
	if (!explicit_year)
		year = guess_year_month(x, m);
	*c = k;
	period_month(year, m, out);
	return 1;
}

static int m_quarter(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int q, nd, year = 0, explicit_year;
	if (!(word(&k, "q") || (k = *c, word(&k, "quy"))))
		return 0;
	if (!num(&k, &q, &nd) || nd > 1)
		return 0;
	explicit_year = opt_year(&k, &year);
	if (!boundary(&k))
		return 0;
	if (q < 1 || q > 4)
		return -1;
	if (!explicit_year)
		year = 3 * q - 2 > x->tm ? x->ty - 1 : x->ty;
	*c = k;
	period_quarter(year, q, out);
	return 1;
}

/* A date d/m[/y] or ISO y-m-d. Sets *has_year. -1 invalid, 0 no, 1 yes. */
static int date(struct cur *c, int *y, int *m, int *d, int *has_year)
{
	struct cur k = *c;
	int a, b, e, na, nb, ne;
	if (!num(&k, &a, &na))
		return 0;
	if (na == 4) {	/* ISO 2026-11-05 */
		if (!punct(&k, '-', 0) || !num(&k, &b, &nb) || nb > 2 || !punct(&k, '-', 0) ||
		    !num(&k, &e, &ne) || ne > 2)
			return 0;
		*y = a;
		*m = b;
		*d = e;
		*has_year = 1;
	} else {
		if (na > 2)
			return 0;
		if (!(punct(&k, '/', 0) || punct(&k, '.', 0)))
			return 0;
		char sep = k.s[k.i - 1];
		if (!num(&k, &b, &nb) || nb > 2)
			return 0;
		*d = a;
		*m = b;
		*has_year = 0;
		struct cur k2 = k;
		if (punct(&k2, sep, 0) && num(&k2, &e, &ne) && (ne == 4 || ne == 2)) {
			*y = ne == 2 ? 2000 + e : e;
			*has_year = 1;
			k = k2;
		}
	}
	*c = k;
	if (*has_year && !period_valid_date(*y, *m, *d))
		return -1;
	if (!*has_year && (*m < 1 || *m > 12 || *d < 1 || *d > 31))
		return -1;
	return 1;
}

static int m_date_or_range(struct cur *c, const struct ctx *x, struct period *out)
{
	struct cur k = *c;
	int y1 = 0, m1, d1, hy1, y2 = 0, m2, d2, hy2;
	int r = date(&k, &y1, &m1, &d1, &hy1);
	if (r <= 0)
		return r;
	struct cur k2 = k;
	int range = 0;
	if (punct(&k2, '-', 1) || (k2 = k, word(&k2, "den")) || (k2 = k, word(&k2, "to"))) {
		r = date(&k2, &y2, &m2, &d2, &hy2);
		if (r < 0)
			return -1;
		if (r > 0) {
			range = 1;
			k = k2;
		}
	}
	if (!boundary(&k))
		return 0;
	if (!range) {
		if (!hy1) {
			y1 = x->ty;
			if (period_valid_date(y1, m1, d1) && period_days(y1, m1, d1) > x->today)
				y1--;
		}
		if (!period_valid_date(y1, m1, d1))
			return -1;
		*c = k;
		int32_t dd = period_days(y1, m1, d1);
		period_span(dd, dd, out);
		return 1;
	}
	/* Years: an explicit one on either side carries over to the other;
	 * none at all means the latest range that does not start after today. */
	if (!hy2 && hy1)
		y2 = y1;
	if (!hy1 && hy2)
		y1 = (m1 > m2 || (m1 == m2 && d1 > d2)) ? y2 - 1 : y2;
	if (!hy1 && !hy2) {
		y1 = x->ty;
		if (period_valid_date(y1, m1, d1) && period_days(y1, m1, d1) > x->today)
			y1--;
		y2 = (m2 < m1 || (m2 == m1 && d2 < d1)) ? y1 + 1 : y1;
	} else if (hy1 && !hy2 && (m2 < m1 || (m2 == m1 && d2 < d1))) {
		y2 = y1 + 1;
	}
	if (!period_valid_date(y1, m1, d1) || !period_valid_date(y2, m2, d2))
		return -1;
	int32_t a = period_days(y1, m1, d1), b = period_days(y2, m2, d2);
	if (b < a)
		return -1;
	*c = k;
	period_span(a, b, out);
	return 1;
}

/* 2026 (a year) or 2026-11 (a month). */
static int m_year_month(struct cur *c, const struct ctx *x, struct period *out)
{
	(void)x;
	struct cur k = *c;
	int y, nd, m, nm;
	if (!word(&k, "nam"))
		k = *c;
	if (!num(&k, &y, &nd) || nd != 4)
		return 0;
	struct cur k2 = k;
	if (punct(&k2, '-', 0) && num(&k2, &m, &nm) && nm <= 2 && boundary(&k2)) {
		if (m < 1 || m > 12 || y < 1900)
			return -1;
		*c = k2;
		period_month(y, m, out);
		return 1;
	}
	if (!boundary(&k))
		return 0;
	if (y < 1900 || y > 2999)
		return -1;
	*c = k;
	period_year(y, out);
	return 1;
}

int period_match(const char *text, size_t len, int64_t now, int tz_offset_s, struct period *out)
{
	struct ctx x;
	x.today = period_local_day(now, tz_offset_s);
	period_civil(x.today, &x.ty, &x.tm, &x.td);
	struct cur c = { text, len, 0 };
	blanks(&c);
	if (at_end(&c))
		return 0;
	struct period p;
	int (*const forms[])(struct cur *, const struct ctx *, struct period *) = {
		m_relative, m_english, m_week, m_month, m_quarter, m_date_or_range, m_year_month,
	};
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		struct cur k = c;
		int r = forms[f](&k, &x, &p);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (!boundary(&k))
				continue;
			*out = p;
			return (int)k.i;
		}
	}
	return 0;
}

int period_parse(const char *text, int64_t now, int tz_offset_s, struct period *out)
{
	size_t len = text ? strlen(text) : 0;
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i == len) {
		period_this_month(period_local_day(now, tz_offset_s), out);
		return 0;
	}
	struct period p;
	int n = period_match(text, len, now, tz_offset_s, &p);
	if (n <= 0)
		return -1;
	for (size_t j = (size_t)n; j < len; j++)
		if (text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '\r')
			return -1;
	*out = p;
	return 0;
}

size_t period_format(const struct period *p, char *buf, size_t len)
{
	int y1, m1, d1, y2, m2, d2;
	period_civil(p->first, &y1, &m1, &d1);
	period_civil(p->last, &y2, &m2, &d2);
	int n = 0;
	switch (p->kind) {
	case PERIOD_DAY:
		n = snprintf(buf, len, "%d/%d/%d", d1, m1, y1);
		break;
	case PERIOD_WEEK:
		n = snprintf(buf, len, "TUAN %d/%d (%d/%d-%d/%d)", p->num, p->year, d1, m1, d2, m2);
		break;
	case PERIOD_MONTH:
		n = snprintf(buf, len, "T%d/%d", p->num, p->year);
		break;
	case PERIOD_QUARTER:
		n = snprintf(buf, len, "Q%d/%d", p->num, p->year);
		break;
	case PERIOD_YEAR:
		n = snprintf(buf, len, "%d", p->year);
		break;
	case PERIOD_RANGE:
		if (y1 == y2)
			n = snprintf(buf, len, "%d/%d-%d/%d/%d", d1, m1, d2, m2, y2);
		else
			n = snprintf(buf, len, "%d/%d/%d-%d/%d/%d", d1, m1, y1, d2, m2, y2);
		break;
	}
	if (n < 0) {
		if (len)
			buf[0] = 0;
		return 0;
	}
	return (size_t)n;
}

size_t period_week_id(int32_t day, char *buf, size_t len)
{
	int y, w;
	period_iso_week(day, &y, &w);
	int n = snprintf(buf, len, "%04d-W%02d", y, w);
	return n < 0 ? 0 : (size_t)n;
}

size_t period_day_iso(int32_t day, char *buf, size_t len)
{
	int y, m, d;
	period_civil(day, &y, &m, &d);
	int n = snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
	return n < 0 ? 0 : (size_t)n;
}

int period_parse_date(const char *text, int32_t *day)
{
	struct cur c = { text, strlen(text), 0 };
	int y = 0, m, d, hy;
	if (date(&c, &y, &m, &d, &hy) <= 0 || !hy)
		return -1;
	blanks(&c);
	if (!at_end(&c))
		return -1;
	*day = period_days(y, m, d);
	return 0;
}

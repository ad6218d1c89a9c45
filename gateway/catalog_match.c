/* catalog_match.c: civil days and the zone offset, folding names to keys, the
 * edit distance behind every "one typo" rule, and finding a place in what a
 * collaborator typed ("xa Vo Tranh thon 3", "votranh t3", "Võ Tranh, khu 2"). */
#include "catalog.h"
#include "catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/viet.h"

/* ---- days (proleptic Gregorian, H. Hinnant's civil algorithms) ---- */

catalog_day catalog_day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
	const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return (catalog_day)(era * 146097 + (int)doe - 719468);
}

void catalog_day_to_ymd(catalog_day day, int *y, int *m, int *d)
{
	int z = day + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

catalog_day catalog_day_parse(const char *s)
{
	int y, m, d, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || n != 10)
		return CATALOG_DAY_NONE;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return CATALOG_DAY_NONE;
	return catalog_day_from_ymd(y, m, d);
}

void catalog_day_format(catalog_day day, char *buf, size_t len)
{
	int y, m, d;
	if (day == CATALOG_DAY_NONE) {
		snprintf(buf, len, "-");
		return;
	}
	catalog_day_to_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

catalog_day catalog_day_of(int64_t t, int tz_offset_s)
{
	int64_t local = t + tz_offset_s;
	int64_t day = local / 86400;
	if (local % 86400 < 0)
		day--;
	return (catalog_day)day;
}

static int32_t be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

/* The version-1 block of a TZif file is enough for the zones in question
 * (Vietnam's last change was 1975); beyond 2038 the last offset holds. */
static int tzif_offset(const char *zone, int64_t t, int *offset)
{
	if (strstr(zone, "..") || zone[0] == '/')
		return -1;
	char path[256];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char buf[8192];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n < 44 || memcmp(buf, "TZif", 4))
		return -1;
	int32_t isut = be32(buf + 20), isstd = be32(buf + 24), leap = be32(buf + 28);
	int32_t timecnt = be32(buf + 32), typecnt = be32(buf + 36);
	(void)isut;
	(void)isstd;
	(void)leap;
	if (timecnt < 0 || typecnt <= 0 || timecnt > 2000 || typecnt > 256)
		return -1;
	size_t times = 44, idx = times + (size_t)timecnt * 4, types = idx + (size_t)timecnt;
	if (types + (size_t)typecnt * 6 > n)
		return -1;
	int type = 0;
	for (int32_t i = 0; i < timecnt; i++) {
		if (be32(buf + times + (size_t)i * 4) <= t)
			type = buf[idx + (size_t)i];
		else
			break;
	}
	if (type >= typecnt)
		return -1;
	*offset = be32(buf + types + (size_t)type * 6);
	return 0;
}

int catalog_tz_offset(const char *zone, int64_t t, int *offset)
{
	if (!zone || !*zone)
		return -1;
	if (!strcmp(zone, "UTC") || !strcmp(zone, "Etc/UTC")) {
		*offset = 0;
		return 0;
	}
	if (zone[0] == '+' || zone[0] == '-') {
		int h = 0, m = 0;
		if (sscanf(zone + 1, "%2d:%2d", &h, &m) < 1 || h > 14 || m > 59)
			return -1;
		*offset = (zone[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return 0;
	}
	if (tzif_offset(zone, t, offset) == 0)
		return 0;
	/* No zone files installed (minimal containers): Vietnam has kept
	 * +07:00 without daylight saving since 1975. */
	if (!strcmp(zone, "Asia/Ho_Chi_Minh") || !strcmp(zone, "Asia/Saigon")) {
		*offset = 7 * 3600;
		return 0;
	}
	return -1;
}

/* ---- folding and distance ---- */

size_t catalog_fold_key(const char *text, char *out, size_t outlen)
{
	char low[512];
	viet_fold_lower(text, strlen(text), low, sizeof low);
	size_t o = 0;
	for (const char *p = low; *p && o + 1 < outlen; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			out[o++] = *p;
	if (outlen)
		out[o] = 0;
	return o;
}

/* The same distance (one substitution, insertion, deletion or swap of
 * neighbours) when at most one edit matters, which is how nearly every
 * caller asks: read the strings once past their first difference instead
 * of filling the table. 0, 1, or 2 for more. */
static int edit_within_one(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return 0;
		if (!strcmp(a + i + 1, b + i + 1))
			return 1;	/* substitution */
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !strcmp(a + i + 2, b + i + 2))
			return 1;	/* neighbours swapped */
		return 2;
	}
	if (la == lb + 1)
		return strcmp(a + i + 1, b + i) ? 2 : 1;	/* one extra in a */
	return strcmp(a + i, b + i + 1) ? 2 : 1;		/* one extra in b */
}

int catalog_edit_distance(const char *a, const char *b, int cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 126 || lb > 126)
		return strcmp(a, b) ? cap + 1 : 0;
	if ((la > lb ? la - lb : lb - la) > (size_t)cap)
		return cap + 1;
	if (cap == 1)
		return edit_within_one(a, la, b, lb);
	int rows[3][128];
	int *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		int best = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		int *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > cap ? cap + 1 : prev[lb];
}

/* One typo in the letters, none in the digits: "thn3" is "thon3", but
 * "thon4" is never "thon3". Short keys (under 4 letters) need an exact
 * match, since one edit away from a short word is too many other words. */
static bool near_key(const char *typed, const char *key)
{
	/* The first letter is taken as typed: it keeps the search cheap and
	 * people rarely miss it. */
	if (typed[0] != key[0])
		return false;
	char dt[16] = "", dk[16] = "", lt[128], lk[128];
	size_t a = 0, b = 0, x = 0, y = 0;
	for (const char *p = typed; *p; p++)
		if (*p >= '0' && *p <= '9') {
			if (a + 1 < sizeof dt)
				dt[a++] = *p;
		} else if (x + 1 < sizeof lt) {
			lt[x++] = *p;
		}
	for (const char *p = key; *p; p++)
		if (*p >= '0' && *p <= '9') {
			if (b + 1 < sizeof dk)
				dk[b++] = *p;
		} else if (y + 1 < sizeof lk) {
			lk[y++] = *p;
		}
	dt[a] = dk[b] = lt[x] = lk[y] = 0;
	if (x < 3 || y < 4)
		return false;
	return !strcmp(dt, dk) && catalog_edit_distance(lt, lk, 1) <= 1;
}

/* ---- places ---- */

static void concat_words(const char *const *w, int n, char *out, size_t outlen)
{
	size_t o = 0;
	for (int i = 0; i < n; i++)
		for (const char *p = w[i]; *p && o + 1 < outlen; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				out[o++] = *p;
	out[o] = 0;
}

/* Village shorthands: "t3" / "th3" → "thon3", "k2" → "khu2", "x4" → "xom4";
 * leading zeros of the number dropped ("thon03"). */
static void village_key_norm(const char *in, char *out, size_t outlen)
{
	size_t l = 0;
	while (in[l] >= 'a' && in[l] <= 'z')
		l++;
	const char *digits = in + l;
	const char *prefix = NULL;
	if (*digits) {
		if ((l == 1 && in[0] == 't') || (l == 2 && !strncmp(in, "th", 2)))
			prefix = "thon";
		else if (l == 1 && in[0] == 'k')
			prefix = "khu";
		else if (l == 1 && in[0] == 'x')
			prefix = "xom";
	}
	char tmp[128];
	if (prefix)
		snprintf(tmp, sizeof tmp, "%s%s", prefix, digits);
	else
		snprintf(tmp, sizeof tmp, "%s", in);
	size_t o = 0;
	bool in_num = false;
	for (const char *p = tmp; *p && o + 1 < outlen; p++) {
		bool dig = *p >= '0' && *p <= '9';
		if (dig && !in_num && *p == '0' && p[1] >= '0' && p[1] <= '9')
			continue;	/* leading zero of a number */
		in_num = dig;
		out[o++] = *p;
	}
	out[o] = 0;
}

/* Every commune is tried for every word run that may name one: the first
 * letter settles nearly all of them before strcmp. */
static bool commune_key_is(const struct catalog_commune *com, const char *key)
{
	if (com->key[0] == key[0] && !strcmp(com->key, key))
		return true;
	for (int i = 0; i < com->naliases; i++)
		if (com->aliases[i][0] == key[0] && !strcmp(com->aliases[i], key))
			return true;
	return false;
}

/* The commune named by key (exact, or near when `fuzzy`), preferring one
 * valid on day, else the one it was merged into by then. *count says how
 * many distinct communes answered (ambiguity). */
static const struct catalog_commune *commune_for_key(const struct catalog *c, const char *key,
						     catalog_day day, bool fuzzy, int *count)
{
	const struct catalog_commune *valid = NULL, *other = NULL;
	int nvalid = 0, nother = 0;
	for (size_t i = 0; i < c->ncom; i++) {
		const struct catalog_commune *com = &c->com[i];
		bool hit = fuzzy ? near_key(key, com->key) : commune_key_is(com, key);
		if (!hit)
			continue;
		if (catalog_valid_on(com->from, com->until, day)) {
			valid = com;
			nvalid++;
		} else {
			other = com;
			nother++;
		}
	}
	*count = nvalid ? nvalid : nother;
	if (nvalid)
		return nvalid == 1 ? valid : NULL;
	return nother == 1 ? other : NULL;
}

static const struct catalog_village *village_in(const struct catalog *c,
						const struct catalog_commune *com, const char *key,
						catalog_day day, bool fuzzy, int *count)
{
	const struct catalog_village *valid = NULL, *other = NULL;
	int nvalid = 0, nother = 0;
	for (size_t i = 0; i < c->nvil; i++) {
		const struct catalog_village *v = &c->vil[i];
		if (v->commune != com)
			continue;
		char vk[CATALOG_NAME_MAX];
		village_key_norm(v->key, vk, sizeof vk);
		bool hit = fuzzy ? near_key(key, vk) : !strcmp(vk, key);
		if (!hit)
			continue;
		if (catalog_valid_on(v->from, v->until, day)) {
			valid = v;
			nvalid++;
		} else {
			other = v;
			nother++;
		}
	}
	*count = nvalid ? nvalid : nother;
	if (nvalid)
		return nvalid == 1 ? valid : NULL;
	return nother == 1 ? other : NULL;
}

/* "Vo Tranh 3": a bare number names the one village of the commune whose
 * name ends in it. */
static const struct catalog_village *village_by_number(const struct catalog *c,
						       const struct catalog_commune *com,
						       const char *num, catalog_day day)
{
	const struct catalog_village *hit = NULL;
	char n[16];
	village_key_norm(num, n, sizeof n);
	for (size_t i = 0; i < c->nvil; i++) {
		const struct catalog_village *v = &c->vil[i];
		if (v->commune != com || !catalog_valid_on(v->from, v->until, day))
			continue;
		char vk[CATALOG_NAME_MAX];
		village_key_norm(v->key, vk, sizeof vk);
		size_t lk = strlen(vk), ln = strlen(n);
		if (lk > ln && !strcmp(vk + lk - ln, n) && !(vk[lk - ln - 1] >= '0' && vk[lk - ln - 1] <= '9')) {
			if (hit)
				return NULL;
			hit = v;
		}
	}
	return hit;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Village words after a commune: tries the longest run first. */
static int match_village(const struct catalog *c, const struct catalog_commune *named,
			 const char *const *w, int nw, catalog_day day,
			 struct catalog_place_match *m)
{
	int maxn = nw < 5 ? nw : 5;
	for (int pass = 0; pass < 2; pass++) {
		for (int step = 0; step < maxn; step++) {
			int n = pass == 0 ? maxn - step : step + 1;
			char raw[CATALOG_NAME_MAX], key[CATALOG_NAME_MAX];
			concat_words(w, n, raw, sizeof raw);
			village_key_norm(raw, key, sizeof key);
			int count = 0;
			const struct catalog_village *v = village_in(c, named, key, day, pass == 1, &count);
			if (!v && count > 1) {
				m->ambiguous = true;
				return 0;
			}
			if (!v && pass == 0 && n == 1 && all_digits(w[0]))
				v = village_by_number(c, named, w[0], day);
			if (!v)
				continue;
			if (!catalog_valid_on(v->from, v->until, day)) {
				const struct catalog_village *now = catalog_village_as_of(c, v->code, day);
				if (now)
					v = now;
			}
			m->village = v;
			m->commune = v->commune;
			m->fuzzy |= pass == 1;
			return n;
		}
	}
	return 0;
}

void catalog_suggest_commune(const struct catalog *c, const char *const *w, int nw, catalog_day day,
			     char *out, size_t outlen)
{
	int best = 4;
	if (outlen)
		out[0] = 0;
	for (int n = 1; n <= nw && n <= 3; n++) {
		char key[CATALOG_NAME_MAX];
		concat_words(w, n, key, sizeof key);
		if (strlen(key) < 3)
			continue;
		for (size_t i = 0; i < c->ncom; i++) {
			const struct catalog_commune *com = &c->com[i];
			if (!catalog_valid_on(com->from, com->until, day))
				continue;
			int d = catalog_edit_distance(key, com->key, 3);
			if (d < best) {
				best = d;
				snprintf(out, outlen, "%s", com->name_ascii);
			}
		}
	}
}

static bool is_word(const char *w, const char *s) { return !strcmp(w, s); }

int catalog_match_place(const struct catalog *c, const char *const *w, int nw,
			const struct catalog_commune *within, catalog_day day,
			struct catalog_place_match *m)
{
	memset(m, 0, sizeof *m);
	int skip = 0;
	if (nw > 0 && (is_word(w[0], "xa") || is_word(w[0], "tt") || is_word(w[0], "thitran") ||
		       is_word(w[0], "phuong")))
		skip = 1;
	else if (nw > 1 && is_word(w[0], "thi") && is_word(w[1], "tran"))
		skip = 2;
	const struct catalog_commune *named = NULL;
	int used = 0, i = skip;
	/* Exact names first, longest first; then one typo, shortest first so
	 * that a near match never swallows the next word ("vo tran hv"). The
	 * kind word is tried as part of the name too ("Phuong Vien"). */
	for (int pass = 0; pass < 2 && !named; pass++) {
		for (int off = 0; off <= skip && !named; off += skip ? skip : 1) {
			int maxn = nw - off < 5 ? nw - off : 5;
			for (int step = 0; step < maxn; step++) {
				int n = pass == 0 ? maxn - step : step + 1;
				char key[CATALOG_NAME_MAX];
				concat_words(w + off, n, key, sizeof key);
				int count = 0;
				const struct catalog_commune *com =
					commune_for_key(c, key, day, pass == 1, &count);
				if (!com && count > 1) {
					m->ambiguous = true;
					return 0;
				}
				if (com) {
					named = com;
					used = off + n;
					m->fuzzy = pass == 1;
					break;
				}
			}
			if (!skip)
				break;
		}
	}
	if (!named) {
		if (!within) {
			/* Only after "xa ...": elsewhere a word that is no commune is
			 * usually something else, and the search is not free. */
			if (skip)
				catalog_suggest_commune(c, w + skip, nw - skip, day, m->suggestion,
							sizeof m->suggestion);
			return 0;
		}
		/* A village alone, in the sender's commune. */
		if (i > 0)
			return 0;
		int n = match_village(c, within, w, nw, day, m);
		if (!n)
			return 0;
		m->words_used = n;
		return 1;
	}
	const struct catalog_commune *now = catalog_valid_on(named->from, named->until, day)
						    ? named
						    : catalog_commune_as_of(c, named->code, day);
	m->commune = now ? now : named;
	m->words_used = used;
	/* Village words: first among the named commune's villages (they may
	 * have moved since), then the commune valid on the day. */
	int n = match_village(c, named, w + used, nw - used, day, m);
	if (!n && now && now != named && !m->ambiguous)
		n = match_village(c, now, w + used, nw - used, day, m);
	if (n)
		m->words_used += n;
	else if (!m->village)
		m->commune = now ? now : named;
	return 1;
}

int catalog_find_place(const struct catalog *c, const char *text, catalog_day day,
		       struct catalog_place_match *m)
{
	char low[512];
	viet_fold_lower(text, strlen(text), low, sizeof low);
	/* Split on anything that is not a letter or digit, and between a
	 * letter run and a digit run is kept together ("t3" stays one word). */
	char *words[32];
	int nw = 0;
	for (char *p = low; *p && nw < 32;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p++ = 0;
		if (!*p)
			break;
		words[nw++] = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			p++;
	}
	int r = catalog_match_place(c, (const char *const *)words, nw, NULL, day, m);
	if (!r && !m->ambiguous && !m->suggestion[0])
		catalog_suggest_commune(c, (const char *const *)words, nw, day, m->suggestion,
					sizeof m->suggestion);
	return r;
}

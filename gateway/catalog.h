/* catalog.h: the program's data that is config, not code. Places (communes and
 * their villages, each valid over a range of days, so that merged communes
 * and villages that move keep their history), projects (DA2, DA3.1, ...) with
 * the indicators each accepts, the breakdown rules between indicators and the
 * targets. Loaded once from catalog.conf (libconfig 1.5); after loading the
 * catalog is read-only and every pointer it hands out lives until
 * catalog_free(). No globals: several catalogs may coexist (tests).
 *
 * Codes are short ASCII: a commune "vo-tranh", a village "vo-tranh/thon-3"
 * (commune code, '/', village code). store_users keeps these codes. */
#ifndef TINBAO_CATALOG_H
#define TINBAO_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A civil day as days since 1970-01-01 (local calendar). CATALOG_DAY_NONE is
 * "open": no start / no end / any day. */
typedef int32_t catalog_day;
#define CATALOG_DAY_NONE INT32_MIN

#define CATALOG_CODE_MAX 64
#define CATALOG_NAME_MAX 96
#define CATALOG_MAX_SYNONYMS 8
#define CATALOG_MAX_PROJECT_INDICATORS 24
#define CATALOG_MAX_RULE_PARTS 6

struct catalog;

enum catalog_value_type {
	CATALOG_COUNT,		/* whole number of people, classes, animals ... */
	CATALOG_MONEY,		/* million VND, up to 3 decimals */
};

struct catalog_indicator {
	char code[16];			/* "HV" (upper case ASCII) */
	char name[CATALOG_NAME_MAX];	/* "học viên" (UTF-8, as in the config) */
	char name_ascii[CATALOG_NAME_MAX]; /* "hoc vien" */
	char unit[24];			/* "người", "triệu đồng" */
	char unit_ascii[24];		/* "nguoi", "trieu dong" */
	char unit_key[24];		/* "trieudong": folded, no spaces */
	enum catalog_value_type type;
	double max;			/* sane maximum for one report */
	/* Folded lower-case synonyms without spaces ("hocvien"), the code and
	 * the name included; matched against what collaborators type. */
	char synonyms[CATALOG_MAX_SYNONYMS + 2][48];
	int nsynonyms;
};

/* "HN+CN+TN <= HV": the sum of parts never exceeds the total. */
struct catalog_rule {
	const struct catalog_indicator *parts[CATALOG_MAX_RULE_PARTS];
	int nparts;
	const struct catalog_indicator *total;
};

struct catalog_target {
	const struct catalog_indicator *indicator;
	double per_year;		/* district-wide, per calendar year */
};

struct catalog_project {
	char code[16];			/* "DA4.1" */
	char code_fold[16];		/* "da4.1" */
	char code_key[16];		/* "da41": folded, separators dropped */
	char name[160];			/* Vietnamese */
	char name_ascii[160];
	char example[120];		/* a complete example after "BC " */
	bool signed_values;		/* household review: +2 / -1 are changes */
	bool review;			/* the RS form (household review) */
	const struct catalog_indicator *indicators[CATALOG_MAX_PROJECT_INDICATORS];
	int nindicators;
	struct catalog_rule rules[8];
	int nrules;
	struct catalog_target targets[8];
	int ntargets;
};

struct catalog_commune {
	char code[CATALOG_CODE_MAX];	/* "vo-tranh" */
	char name[CATALOG_NAME_MAX];	/* "Vô Tranh" */
	char name_ascii[CATALOG_NAME_MAX]; /* "Vo Tranh" */
	char kind[16];			/* "xa" or "thi tran" (ASCII) */
	char key[CATALOG_NAME_MAX];	/* folded, no spaces: "votranh" */
	char aliases[4][CATALOG_NAME_MAX]; /* folded, no spaces */
	int naliases;
	catalog_day from, until;	/* inclusive; CATALOG_DAY_NONE = open */
	char merged_into[CATALOG_CODE_MAX]; /* commune code after `until`, or "" */
};

struct catalog_village {
	char code[CATALOG_CODE_MAX * 2]; /* "vo-tranh/thon-3" */
	char name[CATALOG_NAME_MAX];	/* "Thôn 3" */
	char name_ascii[CATALOG_NAME_MAX]; /* "Thon 3" */
	char key[CATALOG_NAME_MAX];	/* "thon3" */
	const struct catalog_commune *commune;
	catalog_day from, until;	/* inclusive; CATALOG_DAY_NONE = open */
	char moved_to[CATALOG_CODE_MAX * 2]; /* village code after `until`, or "" */
};

/* The `reports` group of catalog.conf: how reports are judged and answered. */
struct catalog_settings {
	int max_age_days;	/* activity dates older than this are refused (default 60) */
	int64_t resend_window;	/* seconds: the same text again gets the same receipt (86400) */
	bool diacritics;	/* replies with Vietnamese accents when they fit one segment */
	char example_place[64];	/* shown to staff: "XA Vo Tranh THON 3" */
};
const struct catalog_settings *catalog_settings(const struct catalog *c);

/* Loads path. On failure returns negative and writes "FILE:LINE: what was
 * expected" into why. Unknown keys, wrong types, duplicate codes, dangling
 * references (rules naming indicators the project lacks, merged_into naming
 * no commune) are all errors. */
int catalog_load(struct catalog **out, const char *path, char *why, size_t whylen);
/* The same from a string (tests); name is used in messages. */
int catalog_load_string(struct catalog **out, const char *text, const char *name,
			char *why, size_t whylen);
void catalog_free(struct catalog *c);	/* NULL-safe */

/* ---- days ---- */
catalog_day catalog_day_from_ymd(int y, int m, int d);
void catalog_day_to_ymd(catalog_day day, int *y, int *m, int *d);
/* "2025-07-01" → day; returns CATALOG_DAY_NONE when malformed. */
catalog_day catalog_day_parse(const char *iso);
/* Writes "2025-07-01" (buf of 11 at least). */
void catalog_day_format(catalog_day day, char *buf, size_t len);
/* Local day of a unix time, given the zone's offset east of UTC in seconds. */
catalog_day catalog_day_of(int64_t unix_time, int tz_offset_s);
/* Offset of a zone name at a given time without touching the process TZ:
 * reads the TZif file under /usr/share/zoneinfo; "+07:00" / "UTC" accepted.
 * Falls back to +07:00 for Asia/Ho_Chi_Minh (Vietnam keeps no DST) when the
 * zone file is missing. Returns 0 and sets *offset, or negative if unknown. */
int catalog_tz_offset(const char *zone, int64_t unix_time, int *offset);

/* ---- places ---- */
/* True when day lies in [from, until]; day CATALOG_DAY_NONE matches all. */
bool catalog_valid_on(catalog_day from, catalog_day until, catalog_day day);

size_t catalog_commune_count(const struct catalog *c);
const struct catalog_commune *catalog_commune_at(const struct catalog *c, size_t i);
size_t catalog_village_count(const struct catalog *c);
const struct catalog_village *catalog_village_at(const struct catalog *c, size_t i);

/* By exact code, valid on day (CATALOG_DAY_NONE: any period). NULL if none. */
const struct catalog_commune *catalog_commune_by_code(const struct catalog *c, const char *code,
						      catalog_day day);
const struct catalog_village *catalog_village_by_code(const struct catalog *c, const char *code,
						      catalog_day day);
/* Where a village code (possibly of a unit that has since moved or been
 * merged) belongs on day: follows moved_to / merged_into. NULL if nowhere. */
const struct catalog_village *catalog_village_as_of(const struct catalog *c, const char *code,
						    catalog_day day);
const struct catalog_commune *catalog_commune_as_of(const struct catalog *c, const char *code,
						    catalog_day day);

/* Free-text place: "Vo Tranh", "votranh", "xa Vo Tranh thon 3", "Võ Tranh
 * T3", "vo tranh, khu 2", a village alone within `within` (a commune, may be
 * NULL). Folding ignores case, diacritics, spacing and separators; a commune
 * or village one edit away (Damerau-Levenshtein) is accepted when unique.
 * words[] are folded lower-case ASCII words (as report_lex makes them);
 * the match consumes a prefix of them. */
struct catalog_place_match {
	const struct catalog_commune *commune;	/* NULL if none */
	const struct catalog_village *village;	/* NULL if only a commune */
	int words_used;				/* words consumed from the start */
	bool fuzzy;				/* an edit was needed */
	bool ambiguous;				/* several equally near: nothing chosen */
	char suggestion[CATALOG_NAME_MAX];	/* nearest name when nothing matched */
};
int catalog_match_place(const struct catalog *c, const char *const *words, int nwords,
			const struct catalog_commune *within, catalog_day day,
			struct catalog_place_match *m);
/* The nearest commune name to the first words (up to three joined), within
 * three edits, for "did you mean"; "" when none is that near. match_place
 * fills m->suggestion itself only after a kind word ("xa ..."). */
void catalog_suggest_commune(const struct catalog *c, const char *const *words, int nwords,
			     catalog_day day, char *out, size_t outlen);
/* Cheap gate before catalog_match_place(): true when some commune's folded
 * name or alias starts with the first two letters of word. */
bool catalog_may_start_commune(const struct catalog *c, const char *word);
/* Convenience over a whole string (folds and splits it). Returns 1 when a
 * commune (and maybe a village) was found, 0 otherwise. */
int catalog_find_place(const struct catalog *c, const char *text, catalog_day day,
		       struct catalog_place_match *m);

/* ---- projects and indicators ---- */
size_t catalog_project_count(const struct catalog *c);
const struct catalog_project *catalog_project_at(const struct catalog *c, size_t i);
/* "DA4.1", "da 4.1", "da4,1", "4.1", "DA41" (when unique) */
const struct catalog_project *catalog_project_find(const struct catalog *c, const char *text);
size_t catalog_indicator_count(const struct catalog *c);
const struct catalog_indicator *catalog_indicator_at(const struct catalog *c, size_t i);
const struct catalog_indicator *catalog_indicator_by_code(const struct catalog *c,
							  const char *code);
bool catalog_project_allows(const struct catalog_project *p, const struct catalog_indicator *ind);
/* The indicator one of whose synonyms (code and name included) is exactly
 * key, folded without spaces ("hocvien", "hv"); NULL if none. O(1). */
const struct catalog_indicator *catalog_indicator_by_synonym(const struct catalog *c, const char *key);

/* Damerau-Levenshtein (optimal string alignment) distance, capped: returns
 * cap + 1 as soon as the distance exceeds cap. Used for every "one typo" rule. */
int catalog_edit_distance(const char *a, const char *b, int cap);

/* Folds UTF-8 text to lower-case ASCII with separators removed, for keys
 * ("Xã Võ Tranh" → "xavotranh"). Returns the length. */
size_t catalog_fold_key(const char *text, char *out, size_t outlen);

#endif

/* households.h: the household register's pure parts. Parsing and
 * validating the annual review list (CSV as Excel and LibreOffice write it:
 * UTF-8 with or without BOM, comma or semicolon, quoted fields, CRLF),
 * resolving its place names against the catalog, and the status rules
 * (poor, near-poor, newly escaped for 36 months). No I/O: bytes and
 * structs in, rows and line-numbered errors out. The store side is
 * store/store_households.h. */
#ifndef TINBAO_HOUSEHOLDS_H
#define TINBAO_HOUSEHOLDS_H

#include <stddef.h>
#include <stdint.h>

struct catalog;

enum hh_status {
	HH_NONE,		/* not (or no longer) on the list */
	HH_POOR,		/* hộ nghèo */
	HH_NEAR_POOR,		/* hộ cận nghèo */
	HH_ESCAPED,		/* hộ mới thoát nghèo: 36 months from recognition */
};

/* Months a "newly escaped" status lasts before it ends by itself. */
#define HH_ESCAPED_MONTHS 36

enum hh_flag {
	HH_ETHNIC = 1 << 0,	/* dtts: ethnic minority */
	HH_MERIT = 1 << 1,	/* nguoi_co_cong: member of merit */
	HH_DISABLED = 1 << 2,	/* khuyet_tat */
	HH_FEMALE_HEAD = 1 << 3, /* nu_chu_ho */
};

#define HH_CODE_MAX 24
#define HH_NAME_MAX 128
#define HH_PLACE_MAX 128

struct hh_row {
	int line;			/* physical line of the record in the file */
	char code[HH_CODE_MAX];		/* ma_ho, trimmed */
	char head[HH_NAME_MAX];		/* chu_ho, UTF-8 */
	char commune[HH_PLACE_MAX];	/* xa as written; a catalog code after resolve */
	char village[HH_PLACE_MAX];	/* thon as written; a catalog code after resolve */
	enum hh_status status;
	int32_t day;			/* ngay: local day number */
	unsigned flags;			/* enum hh_flag */
	int children;			/* tre_em: children under 16 */
};

struct hh_error {
	int line;
	char msg[200];
};

/* Errors beyond this many are counted, not kept. */
#define HH_ERRORS_KEPT 200

struct hh_import {
	struct hh_row *rows;
	size_t nrows, caprows;
	struct hh_error errors[HH_ERRORS_KEPT];
	size_t nerrors;			/* all errors, kept or not */
};

struct hh_import *hh_import_new(void);
void hh_import_free(struct hh_import *im);	/* NULL-safe */

/* Parses and validates a whole file. today: local day number, dates after
 * it are refused. Returns the number of errors (0: every row is good), or -1
 * when out of memory. Rows with errors are not kept. */
int hh_csv_parse(const char *buf, size_t len, int32_t today, struct hh_import *im);

/* Turns the rows' free-text xa/thon (names, with or without diacritics, or
 * catalog codes) into catalog codes valid on each row's date. Unknown places
 * become errors with the nearest name as a hint. Returns the errors added. */
int hh_resolve_places(const struct catalog *cat, struct hh_import *im);

/* Adds a formatted error (kept while there is room). */
void hh_error_add(struct hh_import *im, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "ngheo", "Nghèo", "can_ngheo", "cận nghèo", "thoat_ngheo", "mới thoát
 * nghèo", "khong" (ASCII folding done here). Returns -1 if unknown. */
int hh_status_parse(const char *text, enum hh_status *out);
const char *hh_status_code(enum hh_status s);	/* "poor", "near_poor", "escaped", "none" */
const char *hh_status_vi(enum hh_status s);	/* "ngheo", "can ngheo", "moi thoat ngheo", "khong" */
int hh_status_from_code(const char *code, enum hh_status *out);

/* The status a household has on `day`, from its latest recorded status
 * `recorded` (recognised on `since`): newly escaped ends by itself
 * HH_ESCAPED_MONTHS after since. */
enum hh_status hh_status_on(enum hh_status recorded, int32_t since, int32_t day);
/* The last day a newly-escaped status recognised on since still holds. */
int32_t hh_escaped_until(int32_t since);

/* A household as the register holds it, with its status on a chosen day
 * and the projects that reached it in a chosen period (store_households.c
 * fills it; coverage.c counts it). */
#define HH_MAX_PROJECTS 16
#define HH_PROJECT_MAX 16
struct hh_record {
	char code[HH_CODE_MAX];
	char head[HH_NAME_MAX];
	char commune[HH_PLACE_MAX];	/* catalog code when imported */
	char village[HH_PLACE_MAX];	/* catalog village code when imported */
	unsigned flags;
	int children;
	enum hh_status recorded;	/* latest status row on or before the day */
	int32_t since;			/* its day; meaningless when recorded is HH_NONE */
	enum hh_status status;		/* on the day: hh_status_on(recorded, since, day) */
	int nprojects;			/* projects that reached it in the period */
	char projects[HH_MAX_PROJECTS][HH_PROJECT_MAX];
};

/* Household codes are ASCII letters, digits and . _ - / (1..23), starting
 * with a letter or digit. */
int hh_code_valid(const char *code);

#endif

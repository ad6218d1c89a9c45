/* period.h: the period language of queries and desk commands, and the
 * calendar arithmetic behind it. "this week" (TUAN NAY), a month (T11,
 * THANG 11, 2026-11), a quarter (Q4, QUY 4), a year (2026), an ISO week
 * (TUAN 47, W47, 2026-W47), a day (5/11, 2026-11-05) or a range
 * (1/11-20/11, 1/11/2025-20/1/2026); default: this month. Pure: the caller
 * gives "now" (unix seconds) and the local time zone as a fixed UTC offset
 * in seconds (Vietnam: +25200, no daylight saving). Text is ASCII matched
 * case-insensitively; the caller folds diacritics first (viet_fold_lower).
 *
 * Days are counted as local calendar days since 1970-01-01 (day 0), so that
 * ranges and comparisons are plain integers. */
#ifndef TINBAO_PERIOD_H
#define TINBAO_PERIOD_H

#include <stddef.h>
#include <stdint.h>

enum period_kind {
	PERIOD_DAY,
	PERIOD_WEEK,		/* ISO week, Monday..Sunday */
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_YEAR,
	PERIOD_RANGE,
};

struct period {
	enum period_kind kind;
	int32_t first;		/* local day number, inclusive */
	int32_t last;		/* local day number, inclusive */
	int year;		/* ISO year for weeks, calendar year otherwise */
	int num;		/* week, month or quarter number; 0 otherwise */
};

/* ---- calendar ---- */
int32_t period_days(int y, int m, int d);	/* civil date -> day number */
void period_civil(int32_t day, int *y, int *m, int *d);
int period_valid_date(int y, int m, int d);	/* 1 if the date exists */
int period_weekday(int32_t day);		/* 1 = Monday .. 7 = Sunday */
void period_iso_week(int32_t day, int *iso_year, int *week);
int period_iso_weeks(int iso_year);		/* 52 or 53 */
int32_t period_iso_week_monday(int iso_year, int week);
int32_t period_local_day(int64_t unix_s, int tz_offset_s);
int64_t period_day_start(int32_t day, int tz_offset_s);	/* unix s of local 00:00 */
/* day + n calendar months, the day of month clamped to the month's length
 * (29 Feb + 12 months = 28 Feb). */
int32_t period_add_months(int32_t day, int months);

/* ---- periods ---- */
void period_this_week(int32_t today, struct period *out);
void period_this_month(int32_t today, struct period *out);
void period_week(int iso_year, int week, struct period *out);	/* week must exist */
void period_month(int year, int month, struct period *out);
/* The period of the same kind just before p (for "compared with last week");
 * a range or a day moves back by its own length. */
void period_previous(const struct period *p, struct period *out);

/* Matches one period expression at the start of text (leading blanks
 * skipped). Returns the number of bytes consumed, 0 if text does not start
 * with a period (out untouched), or -1 if it looks like one but is invalid
 * (31/2, TUAN 54, Q5): the caller answers with a hint instead of guessing.
 * A period given without a year that would start after today is taken in
 * the previous year (T12 read in November 2026 means December 2025). */
int period_match(const char *text, size_t len, int64_t now, int tz_offset_s,
		 struct period *out);

/* Whole text is one period, or blank for the default (this month).
 * Returns 0 or -1. */
int period_parse(const char *text, int64_t now, int tz_offset_s, struct period *out);

/* Short ASCII label for replies: "T11/2026", "Q4/2026", "2026",
 * "TUAN 47/2026 (16/11-22/11)", "5/11/2026", "1/11-20/11/2026".
 * Always NUL-terminates; returns the length it needed (snprintf style). */
size_t period_format(const struct period *p, char *buf, size_t len);

/* "2026-W47" for week-keyed slots; "2026-11-05" for days. */
size_t period_week_id(int32_t day, char *buf, size_t len);
size_t period_day_iso(int32_t day, char *buf, size_t len);

/* Parses "2026-11-05" or "5/11/2026" (whole string). 0 or -1. */
int period_parse_date(const char *text, int32_t *day);

#endif

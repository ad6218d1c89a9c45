/* store_households.h: the household register in the database (tables of
 * migration 003_households.sql): importing a validated list, status history,
 * the support that reached households (recorded from reports that name
 * them, "BC DA3.1 BO 2 MAHO 0123 0456"), and reading households back with
 * their status on a day and their reach in a period. Names (head) are
 * handed to callers, who decide who may see them; nothing here logs them. */
#ifndef TINBAO_STORE_HOUSEHOLDS_H
#define TINBAO_STORE_HOUSEHOLDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "office/households.h"

struct store;

struct hh_import_stats {
	int added;		/* households new to the register */
	int updated;		/* name, place, flags or children changed */
	int unchanged;
	int status_changes;	/* status rows recorded */
};

/* Imports validated (and place-resolved) rows in one transaction: every
 * row or none. Idempotent: importing the same file again changes nothing.
 * A row whose status differs from the household's status on the row's date
 * adds a status row (history), never overwriting the old one. source is
 * recorded with the rows ("import:ds2026.csv"). 0 or STORE_E_*. */
int store_households_import(struct store *s, const struct hh_import *im, const char *source,
			    int64_t now, struct hh_import_stats *stats);

/* One household with its status on `day` and the projects that reached it
 * in [from, to] (local day numbers). 1 found, 0 unknown code, <0 error. */
int store_household_get(struct store *s, const char *code, int32_t day, int32_t from, int32_t to,
			struct hh_record *out);

/* The registered spelling of a code typed in any case ("hh00002" ->
 * "HH00002"). 1 found, 0 not, <0 error. */
int store_household_code(struct store *s, const char *typed, char *out, size_t len);

/* Every household (ordered by village, code), as store_household_get. fn
 * returns 0 to go on, non-zero to stop (returned). No writes from fn; the
 * record lives until fn returns. */
int store_households_each(struct store *s, int32_t day, int32_t from, int32_t to,
			  int (*fn)(const struct hh_record *h, void *arg), void *arg);

/* Records a status change recognised on `since` (household review RS, CLI).
 * 1 recorded, 0 the household already had that status then, <0 error
 * (STORE_E_NOTFOUND for an unknown code). */
int store_households_set_status(struct store *s, const char *code, enum hh_status st,
				int32_t since, const char *source, int64_t now);

/* Support reached household `code`: from report `report_ref` (its row id
 * report_id, 0 if none; ref "" for reach recorded at the desk), project
 * code, activity day. 1 recorded, 0 already there (a resent report), <0
 * error (STORE_E_NOTFOUND for an unknown household). Call inside the
 * caller's transaction (dispatch's). */
int store_households_record_support(struct store *s, const char *code, const char *report_ref,
				    int64_t report_id, const char *project, int32_t day,
				    int64_t now);
/* Drops the reach rows of a report (before recording an amended version's
 * households again). Returns the number removed or negative. */
int store_households_forget_report(struct store *s, const char *report_ref);
/* A correction (SUA) that keeps the households: its reach rows move to the
 * new version (report_id) and its activity day, so that coverage by period
 * follows the corrected date. Returns the rows moved or negative. */
int store_households_redate_report(struct store *s, const char *report_ref, int64_t report_id,
				   int32_t day);
/* The households a report reached (distinct codes, ordered), at most max
 * into codes. Returns how many there are (may exceed max) or negative. */
int store_households_of_report(struct store *s, const char *report_ref, char codes[][24], int max);
/* Every registered code, or those whose stored village is `village` (NULL:
 * all), ordered; for "did you mean" hints. fn returns non-zero to stop. */
int store_households_codes_each(struct store *s, const char *village,
				int (*fn)(const char *code, void *arg), void *arg);

struct hh_support {
	char report_ref[16];
	char project[HH_PROJECT_MAX];
	int32_t day;
	bool counted;		/* the report's current version is active */
};
/* A household's support history, newest first; at most limit rows (0: all). */
int store_households_support_each(struct store *s, const char *code, int limit,
				  int (*fn)(const struct hh_support *h, void *arg), void *arg);

/* Status history of one household, oldest first. */
struct hh_status_row {
	enum hh_status status;
	int32_t since;
	char source[64];
	int64_t recorded_at;
};
int store_households_history_each(struct store *s, const char *code,
				  int (*fn)(const struct hh_status_row *r, void *arg), void *arg);

/* Status rows recorded with since in [from, to]: the review changes of a
 * period, counted per new status (indexed by enum hh_status). */
int store_households_changes(struct store *s, int32_t from, int32_t to, int counts[4]);

#endif

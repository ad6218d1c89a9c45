/* store_reports.h: collaborators' reports (tables reports and report_values,
 * migration 002_reports.sql). One row per version: a correction inserts a
 * new version under the same 4-character ref and marks the old one
 * 'amended'; a cancellation marks the current one 'cancelled'. Totals count
 * status 'active' only ('training' rows never). source_msg_id is unique, so a
 * replayed dispatch finds the report it already made. Also the reply-limit
 * table (one polite reply a day to strangers). SQL through store_prepare. */
#ifndef TINBAO_STORE_REPORTS_H
#define TINBAO_STORE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

struct store;

#define STORE_REPORT_VALUES_MAX 24

struct store_report_value {
	char code[16];		/* indicator code "HV" */
	double value;		/* count or million VND; signed in reviews */
};

struct store_report {
	int64_t id;
	char ref[8];		/* "K7QD" */
	int version;		/* 1, then 2, 3 ... per correction */
	int64_t supersedes;	/* id of the previous version, 0 for the first */
	char kind[12];		/* "activity" (BC) | "review" (RS) */
	char phone[24];		/* author, E.164 */
	char commune[64];	/* catalog codes as of the activity day */
	char village[128];	/* "" when reported for the whole commune */
	char project[16];	/* "DA4.1", "RS" */
	char day[11];		/* activity day, YYYY-MM-DD */
	int64_t received_at;
	int64_t source_msg_id;	/* the inbound message that made this version */
	char status[12];	/* active | amended | cancelled | training */
	bool training;
	int64_t changed_at;	/* when amended / cancelled, 0 otherwise */
	char changed_by[24];
	int nvalues;
	struct store_report_value values[STORE_REPORT_VALUES_MAX];
};

/* Inserts r with its values and sets r->id. An empty r->ref gets a fresh
 * unique reference (seeded by `seed`, e.g. the message id); r->version 0 is
 * taken as 1. Status follows r->training unless r->status is set. Returns 0
 * or STORE_E_*. Call inside the caller's transaction. */
int store_report_insert(struct store *s, struct store_report *r, const char *text_key, uint64_t seed);

/* The current version of ref (highest version). 1 found, 0 not, <0 error. */
int store_report_get(struct store *s, const char *ref, struct store_report *out);
/* The version made by an inbound message. 1 / 0 / <0. */
int store_report_by_source(struct store *s, int64_t msg_id, struct store_report *out);
/* The same text (report_text_key) from the same phone received at or after
 * `since`, still active or training: a resend. 1 / 0 / <0. */
int store_report_find_resend(struct store *s, const char *phone, const char *text_key, int64_t since,
			     struct store_report *out);

/* Marks `old` amended and inserts `next` as its next version (same ref,
 * version + 1, supersedes old). Returns 0 or STORE_E_*. */
int store_report_amend(struct store *s, const struct store_report *old, struct store_report *next,
		       const char *by, int64_t now);
/* Marks the version cancelled. 0, STORE_E_NOTFOUND or STORE_E_*. */
int store_report_cancel(struct store *s, int64_t id, const char *by, int64_t now);

struct store_report_filter {
	const char *since_day;	/* "2026-11-01" or NULL */
	const char *until_day;	/* inclusive, or NULL */
	const char *commune;	/* code or NULL */
	const char *project;	/* "DA4.1" or NULL */
	const char *phone;	/* or NULL */
	bool current_only;	/* skip amended versions */
};
/* Calls fn for every matching version, ordered by received_at then id; fn
 * returns non-zero to stop (returned as is). Do not write from fn. */
int store_report_each(struct store *s, const struct store_report_filter *f,
		      int (*fn)(const struct store_report *r, void *arg), void *arg);

/* 1 when a rate-limited notice of `kind` may go to phone now (and records
 * it), 0 when one went less than `every` seconds ago, <0 on error. */
int store_reply_limit(struct store *s, const char *phone, const char *kind, int64_t now, int64_t every);

#endif

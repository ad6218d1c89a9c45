/* office_sms.h: the office's SMS commands, as handlers of dispatch.c's
 * command table, and the household reach of reports.
 *
 *   TK [project] [indicator] [place] [period]   totals (lang/query.h)
 *   MAHO 0123                                    a household's status and support
 *   RS MAHO 0123 CN [MAHO 0456 HN] [ngay D/M]    households' new status (review)
 *
 * and, for H6's BC handler, "BC DA3.1 BO 2 MAHO 0123 0456": the codes are
 * checked before the report is stored (unknown codes refused with a hint;
 * codes of another village need staff rights) and recorded after it. */
#ifndef TINBAO_OFFICE_SMS_H
#define TINBAO_OFFICE_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dispatch_ctx;
struct store;
struct catalog;
struct user;

/* Table entries (dispatch.c):
 *   { "TK", "tk|thongke|thong ke", office_handle_tk, <registered roles> },
 *   { "MAHO", "maho|ma ho", office_handle_maho, <registered roles> },
 * Each writes its answer into ctx->reply; returns 0 or a store error. */
int office_handle_tk(struct dispatch_ctx *ctx);
int office_handle_maho(struct dispatch_ctx *ctx);

/* "RS MAHO 0123 CN ...": household status changes from the review
 * (office/review_sms.h for the form). dispatch.c's RS handler routes here
 * when office_review_names_households(text) is true. All or nothing: every
 * problem (unknown code, another village for a collaborator, bad status or
 * day) is named and nothing is stored; otherwise each change is recorded
 * with store_households_set_status (source "sms:<message id>"), and a
 * replay of the same message changes nothing. One reply SMS reads back the
 * changes. Returns 0 or a store error. */
bool office_review_names_households(const char *text);
int office_handle_review(struct dispatch_ctx *ctx);

#define OFFICE_REACH_MAX 32

/* Checks household codes named by a report from sender, for activity day
 * `day` (local day number). Returns 0 when every code may be recorded,
 * 1 when not (problem gets a short ASCII hint such as "MAHO 0999 khong co
 * trong danh sach" or "MAHO 0456 thuoc Thon 2: can can bo huyen"), or a
 * negative store error. Codes are matched case-insensitively; canon (may be
 * NULL) receives the registered spelling of each, OFFICE_REACH_MAX at most. */
int office_check_reach(struct store *s, const struct catalog *cat, const struct user *sender,
		       const char *const *codes, int n, int32_t day, char canon[][24],
		       char *problem, size_t len);

/* Records the reach of a stored report (ref, its row id, project code) for
 * codes already checked. Returns how many were new, or negative. */
int office_record_reach(struct store *s, const char *ref, int64_t report_id, const char *project,
			int32_t day, const char *const *codes, int n, int64_t now);

#endif

/* office_sms.h: the office's SMS commands, as handlers of dispatch.c's
 * command table, and the household reach of reports.
 *
 *   TK [project] [indicator] [place] [period]   totals (lang/query.h)
 *   TK TIEP CAN [place] [period]                 household coverage
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

#include "lang/reply.h"

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

/* What office_check_reach found wrong with a report's household codes:
 * every unknown code (as typed, with "did you mean" when one registered
 * code is a typo away: "vt-123 (VT-0123?)"), every code of another village
 * for a sender who may not name it, and the count over the maximum. */
struct office_reach_check {
	char canon[OFFICE_REACH_MAX][24];	/* registered spelling of each code */
	char unknown[OFFICE_REACH_MAX][48];
	int nunknown;
	char foreign[OFFICE_REACH_MAX][24];
	int nforeign;
	char foreign_place[100];	/* "Thon 2 Vo Tranh": the first foreign code's */
	int too_many;			/* codes named beyond OFFICE_REACH_MAX */
};

/* Checks household codes named by a report from sender, for activity day
 * `day` (local day number): all of them, so that one reply names every
 * problem. Returns 0 when every code may be recorded (out->canon holds the
 * registered spelling of each), 1 when not (the problems in out), or a
 * negative store error. Codes are matched case-insensitively; staff,
 * admins and officials may name any village's households, collaborators
 * their own village's. */
int office_check_reach(struct store *s, const struct catalog *cat, const struct user *sender,
		       const char *const *codes, int n, int32_t day, struct office_reach_check *out);

#define OFFICE_REACH_ITEMS 3
/* The problems of a failed check as reply items (ASCII, no numbering):
 * "MAHO xx-9, vt-123 (VT-0123?) khong co trong danh sach ho",
 * "MAHO VT-002 thuoc Thon 2 Vo Tranh: can bo huyen moi ghi duoc",
 * "toi da 32 ma ho mot bao cao"; each list shows at most cap codes, the
 * rest counted ("+3"). Returns the number of items (OFFICE_REACH_ITEMS at
 * most). */
int office_reach_problems(const struct office_reach_check *c, int cap, char items[][REPLY_ITEM_LEN]);

/* The same items for lang/reply.h's reply_problems_with(), which names
 * them after the report's own problems and shrinks the whole reply (the
 * office words the items; the frame is reply.c's). c must outlive the
 * returned struct. */
struct reply_items office_reach_items(const struct office_reach_check *c);

/* Records the reach of a stored report (ref, its row id, project code) for
 * codes already checked. Returns how many were new, or negative. */
int office_record_reach(struct store *s, const char *ref, int64_t report_id, const char *project,
			int32_t day, const char *const *codes, int n, int64_t now);

#endif

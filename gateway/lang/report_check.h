/* report_check.h: judging a parsed report against the catalog and the
 * sender: every indicator allowed for the project, every value within its
 * sane maximum, breakdowns not above their totals, the place known and valid
 * on the activity date, and the sender allowed to report for it
 * (collaborators: their own village or commune; staff and admins: any place,
 * which they must name). Resolves the place in r (the sender's own when the
 * message names none). Pure. */
#ifndef TINBAO_REPORT_CHECK_H
#define TINBAO_REPORT_CHECK_H

#include "lang/report_parse.h"

/* Adds every problem to pr (which may already hold some) and returns the
 * number added. r->commune / r->village are set on success. */
int report_check(struct report *r, const struct report_env *env, struct report_problems *pr);

/* Only the values: allowed, in range, breakdowns (used for SUA after the
 * old values are merged with the new ones). */
int report_check_values(const struct report *r, struct report_problems *pr);

/* The sender's report with every problem's fix applied (struct
 * report_fix): typo'd indicators replaced, values not in the project left
 * out, a project typo replaced. True, with out filled, only when each
 * problem has a sure fix and the result passes report_check_values: the
 * nearest valid form a reply can offer to send again. BC and RS only (a
 * correction's merged values are not what the sender typed). */
bool report_corrected(const struct report *r, const struct report_problems *pr, struct report *out);

#endif

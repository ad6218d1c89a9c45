/* report_parse.h: from tokens to a report (BC activity report, RS household
 * review, SUA correction, DK registration, DUYET approval, HUY, HD), or to the
 * list of everything wrong with it. All or nothing: a report with any
 * problem is not a report. The parser understands; report_check.h judges
 * (ranges, breakdowns, who may report where). Pure: catalog lookups only.
 *
 * Grammar (folded, separators ignored; see docs/sms-syntax.md):
 *   BC   [TEST] project [place] item... [date] [MAHO code...]
 *   RS   [TEST] [place] signed-item... [date]
 *   SUA  ref item... [date]
 *   HUY  ref
 *   HD   [project | keyword]
 *   DK   commune [village] name...
 *   DUYET phone
 *   item  := indicator number [unit] | number indicator
 *   place := [XA|TT] commune [THON|KHU] village | THON n (sender's commune)
 *   date  := [NGAY] d/m[/y] | d-m-y | HOM QUA | HOM NAY | HOM KIA */
#ifndef TINBAO_REPORT_PARSE_H
#define TINBAO_REPORT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"
#include "lang/report_lex.h"

struct user;

#define REPORT_VALUES_MAX 24
#define REPORT_PROBLEMS_MAX 8
#define REPORT_REF_LEN 4
#define REPORT_HOUSEHOLDS_MAX 32

enum report_form {
	REPORT_FORM_BC,		/* activity report */
	REPORT_FORM_RS,		/* household review changes */
	REPORT_FORM_SUA,	/* correction of an earlier report */
	REPORT_FORM_HUY,	/* cancel */
	REPORT_FORM_HD,		/* help */
	REPORT_FORM_DK,		/* registration request */
	REPORT_FORM_DUYET,	/* staff approval */
};

enum report_problem_code {
	REPORT_P_UNKNOWN_WORD,	/* subject: the word; hint: nearest indicator */
	REPORT_P_NO_PROJECT,
	REPORT_P_UNKNOWN_PROJECT, /* hint: nearest projects */
	REPORT_P_NOT_ALLOWED,	/* indicator not in the project; hint: project */
	REPORT_P_NO_NUMBER,	/* indicator without a number */
	REPORT_P_BAD_NUMBER,	/* unreadable number */
	REPORT_P_NOT_WHOLE,	/* a count with decimals */
	REPORT_P_TOO_BIG,	/* hint: the maximum */
	REPORT_P_NEGATIVE,	/* a sign where none is allowed */
	REPORT_P_BREAKDOWN,	/* subject "HN+CN+TN=30", hint "HV=25" */
	REPORT_P_DUPLICATE,	/* same indicator twice with different values */
	REPORT_P_NO_VALUES,
	REPORT_P_STRAY_NUMBER,	/* a number with no indicator */
	REPORT_P_BAD_DATE,
	REPORT_P_FUTURE_DATE,
	REPORT_P_OLD_DATE,	/* hint: the window in days */
	REPORT_P_NO_PLACE,	/* staff must name the place */
	REPORT_P_UNKNOWN_PLACE,	/* hint: nearest commune */
	REPORT_P_NOT_YOUR_PLACE,
	REPORT_P_PLACE_INVALID,	/* the place did not exist on the date */
	REPORT_P_TOO_LONG,
	REPORT_P_NO_REF,
	REPORT_P_BAD_REF,
	REPORT_P_NO_NAME,
	REPORT_P_BAD_PHONE,
};

struct report_value {
	const struct catalog_indicator *ind;
	double value;		/* count, or million VND; signed in reviews */
	bool sign_given;	/* "+2" / "-1" typed */
};

/* What the corrected form of the sender's own report (the reply's "Gui
 * lai: ...") does about a problem. Only certain fixes: a guess between
 * two indicators, a missing number or a wrong total has none, and then
 * the reply shows the project's example instead (report_corrected()). */
enum report_fix_kind {
	REPORT_FIX_NONE,
	REPORT_FIX_VALUE,	/* value goes in before values[pos] ("HM 10" → HN 10) */
	REPORT_FIX_PROJECT,	/* project replaces the one typed (DA5.1 → DA5) */
};

struct report_fix {
	enum report_fix_kind kind;
	struct report_value value;
	int pos;
	const struct catalog_project *project;
};

struct report_problem {
	enum report_problem_code code;
	char subject[40];	/* what was wrong, folded ASCII ("hx", "HV 900") */
	char hint[48];		/* the nearest valid form ("HV", "max 500") */
	struct report_fix fix;	/* REPORT_FIX_NONE unless the fix is certain */
};

struct report_problems {
	struct report_problem p[REPORT_PROBLEMS_MAX];
	int n;
	int dropped;		/* problems beyond REPORT_PROBLEMS_MAX */
};

struct report {
	enum report_form form;
	bool training;		/* TEST prefix */
	const struct catalog_project *project;
	/* Place named in the message (NULL when not named), as of `day`. */
	const struct catalog_commune *commune;
	const struct catalog_village *village;
	bool place_named;
	catalog_day day;
	bool day_given;
	struct report_value values[REPORT_VALUES_MAX];
	int nvalues;
	char ref[REPORT_REF_LEN + 1];	/* SUA / HUY, upper case */
	char name[96];			/* DK: "Nguyen Van A" */
	char phone[24];			/* DUYET: as typed (digits, '+') */
	char topic[24];			/* HD: "DA4.1" or a keyword, folded */
	/* BC ... MAHO VT-001 VT-002: households reached, folded as typed
	 * ("vt-001"); the office wing checks and records them. */
	char households[REPORT_HOUSEHOLDS_MAX][24];
	int nhouseholds;
};

/* What the parser needs to know besides the text. */
struct report_env {
	const struct catalog *catalog;
	const struct user *sender;	/* NULL for unregistered numbers */
	int64_t now;			/* unix seconds */
	int tz_offset;			/* seconds east of UTC (catalog_tz_offset) */
	int max_age_days;		/* older activity dates are refused */
};

/* The 4-character reference alphabet: no 0/O, 1/I/L, 5/S, 2/Z, 8/B. */
extern const char report_ref_alphabet[];
bool report_ref_valid(const char *ref);

/* Adds a problem with no fix; returns it (for a fix to be set), or NULL
 * when the list is full and it was only counted. */
struct report_problem *report_problem_add(struct report_problems *pr, enum report_problem_code code,
					  const char *subject, const char *hint);

/* The command words of each form, indexed by enum report_form, for the
 * dispatcher's keyword table ("bc|baocao|bao cao", ...). */
extern const struct report_keyword report_form_keywords[];
#define REPORT_FORM_COUNT 7

/* "UNKNOWN_WORD" ... (tests, logs). */
const char *report_problem_name(enum report_problem_code code);
/* One line, stable: "BC DA4.1 @vo-tranh/thon-3 2026-11-20 LOP=1 HV=25 test"
 * (tests, logs, `tinbao` diagnostics). */
size_t report_describe(const struct report *r, char *out, size_t outlen);

/* Parses tokens[start..] as `form` (the keyword already consumed by the
 * caller; a TEST word right after it, or before it at start 0, is taken
 * here). Fills out and returns 0 when it understood everything, else
 * returns the number of problems (all of them, not just the first) and
 * out must not be used. Never both. */
int report_parse(const struct report_tokens *t, int start, enum report_form form,
		 const struct report_env *env, struct report *out, struct report_problems *pr);

/* Reads a value in the Vietnamese sense for indicator ind ("1.500" is one
 * thousand five hundred, "1,5" one and a half; units tr / trieu / k /
 * nghin / ty / d / dong). unit may be NULL. Returns 0 or a problem code. */
int report_parse_number(const char *num, const char *unit, const struct catalog_indicator *ind,
			double *out);

#endif

/* ussd_menu.h: the USSD reporting menu, a pure function of the input
 * history. The operator's USSD gateway sends, with every request, the whole
 * `text` the user typed so far, inputs joined by '*' ("" then "3" then
 * "3*2" then "3*2*25" ...). ussd_menu_step() replays that history over the
 * catalog and returns the next screen ("CON ...") or the end ("END ...").
 *
 * Screens: choose a project (catalog projects, or the list in the config),
 * choose an indicator of that project and enter its value (as often as
 * needed), "0" when done, read back the report, 1 to send or 2 to cancel.
 * A bad input at any step re-asks the same question with a one-line reason;
 * "99" pages through long lists. At the end the result carries the same
 * text a collaborator would send by SMS ("BC DA4.1 HV 25 HN 10"), so the
 * report goes through the same checks, reference and storage (dispatch).
 * Values are checked against each indicator's type and maximum and the
 * catalog's breakdown rules ("HN+CN+TN <= HV") before the read-back.
 *
 * Screens are plain ASCII (no diacritics: one USSD page is 182 GSM
 * characters and many handsets show nothing else). No I/O, no allocation;
 * the catalog pointer is borrowed for the call. */
#ifndef TINBAO_USSD_MENU_H
#define TINBAO_USSD_MENU_H

#include <stdbool.h>
#include <stddef.h>

struct catalog;

#define USSD_MENU_SCREEN_DEFAULT 182
#define USSD_MENU_OUT_MAX 600
#define USSD_MENU_REPORT_MAX 256
#define USSD_MENU_MAX_INPUTS 64		/* longer histories end the session */
#define USSD_MENU_PAGE_NEXT "99"

struct ussd_menu_opts {
	const char *const *projects;	/* project codes offered, in order; NULL: all */
	size_t nprojects;
	int screen_max;			/* characters per screen incl. "CON "; 0: 182 */
};

enum ussd_menu_outcome {
	USSD_MENU_CONTINUE,	/* screen is "CON ..." */
	USSD_MENU_SUBMIT,	/* screen is "END ...", report holds the SMS text */
	USSD_MENU_CANCEL,	/* screen is "END ...": the user cancelled */
	USSD_MENU_ABORT,	/* screen is "END ...": nothing to offer / too long */
};

enum ussd_menu_stage {
	USSD_MENU_PROJECT,
	USSD_MENU_INDICATOR,
	USSD_MENU_VALUE,
	USSD_MENU_CONFIRM,
	USSD_MENU_DONE,
};

struct ussd_menu_result {
	enum ussd_menu_outcome outcome;
	enum ussd_menu_stage stage;	/* where the history leaves the user */
	char screen[USSD_MENU_OUT_MAX];	/* the whole HTTP answer body */
	char report[USSD_MENU_REPORT_MAX];	/* SUBMIT: "BC DA4.1 HV 25 HN 10" */
	int inputs;		/* inputs in the history */
	int errors;		/* of them, how many were refused */
	bool last_refused;	/* the newest input was refused (screen re-asks) */
};

/* text: the aggregator's `text` (may be NULL or ""). Always fills out;
 * returns out->outcome. */
enum ussd_menu_outcome ussd_menu_step(const struct catalog *cat, const struct ussd_menu_opts *o,
				      const char *text, struct ussd_menu_result *out);

const char *ussd_menu_outcome_name(enum ussd_menu_outcome o);

#endif

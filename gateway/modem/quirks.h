/* quirks.h: what differs between modem models, in one table. The modem
 * state machine asks the table and never tests a model name itself; each
 * quirk is explained in quirks.c where its value is set and named where the
 * state machine uses it. */
#ifndef TINBAO_QUIRKS_H
#define TINBAO_QUIRKS_H

#include <stdbool.h>

#include "sms/at_frame.h"

struct modem_quirk_final {
	const char *prefix;
	enum at_final final;
};

struct modem_quirks {
	const char *match;	/* substring of the AT+CGMM answer; NULL: generic */
	const char *name;
	/* LTE module: registration comes as +CEREG as well as +CREG; SMS over
	 * LTE (IMS or SGs) shows only in +CEREG on some networks. */
	bool lte;
	/* New-message indication: store in SIM and notify with +CMTI; status
	 * reports directly as +CDS. */
	const char *cnmi;
	/* URC that says the SIM's SMS store has been read after PIN entry;
	 * commands before it answer +CMS ERROR: 302/500. NULL: none. */
	const char *sms_ready_urc;
	int sms_ready_wait_ms;	/* how long to wait for it at most */
	/* Full-function reset; the last step of the recovery ladder. */
	const char *reset_cmd;
	int reset_wait_ms;	/* time until the port is worth reopening */
	/* URCs some modems use to say the SIM's message store is full. */
	const char *sim_full_urc;
	/* Extra final results beyond the framer's. */
	const struct modem_quirk_final *finals;
};

/* The entry for a model string (AT+CGMM / ATI answer); never NULL: the
 * generic entry when nothing matches. */
const struct modem_quirks *quirks_find(const char *model);

#endif

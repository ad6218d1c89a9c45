/* ussd_cmd.h: the staff SMS commands that run USSD on the gateway's own
 * modem (issue 9), the pure half:
 *   USSD *101#            run a code, reply with the network's answer
 *   USSD 1                answer the open session (a menu)
 *   USSD HUY              cancel the open session
 *   NAP 1234 5678 9012    top the SIM up with a card, through the config's
 *                         template ("*100*{code}#")
 * Staff only (dispatch checks the role), every use logged with the card
 * number masked. No I/O: dispatch parses and queues (store_ussd_request_add),
 * the core runs the queue through the modem and answers with
 * ussd_cmd_reply(). */
#ifndef TINBAO_USSD_CMD_H
#define TINBAO_USSD_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "modem/ussd_sm.h"

enum ussd_cmd_kind {
	USSD_CMD_NONE,		/* not a USSD / NAP command */
	USSD_CMD_RUN,		/* a new session with code */
	USSD_CMD_ANSWER,	/* the next input of the open session */
	USSD_CMD_CANCEL,	/* end the open session */
	USSD_CMD_TOPUP,		/* a top-up code built from the template */
	USSD_CMD_BAD,		/* recognised but malformed: why says how to write it */
};

struct ussd_cmd {
	enum ussd_cmd_kind kind;
	char code[176];		/* what to send ("*101#", "1", "*100*123456789012#") */
	char log[176];		/* the same with a card number masked, for logs and replies */
	char why[120];		/* USSD_CMD_BAD: the hint to send back (ASCII) */
};

/* Recognises the command in an SMS text (any case, with or without
 * diacritics). topup_template may be NULL (NAP then refused). */
enum ussd_cmd_kind ussd_cmd_parse(const char *text, const char *topup_template, struct ussd_cmd *out);

/* The reply SMS for a finished exchange: "USSD *101#: TKC 12500d ..." in
 * ASCII, cut to outlen - 1 (give 306 for two segments). */
void ussd_cmd_reply(const char *log_code, const struct ussd_result *r, char *out, size_t outlen);

const char *ussd_cmd_kind_name(enum ussd_cmd_kind k);

#endif

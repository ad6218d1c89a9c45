/* fw_net.h: the simulated cell network behind tinbao-modem. It holds the
 * SMS waiting to be delivered to the modem (encoded as a network would,
 * through the shared codec), reassembles what the modem sends into the
 * "sent" records tests read, answers USSD codes and menus, and keeps a
 * prepaid balance that drops with every SMS part sent.
 * Pure: time stamps come from the caller; no I/O. */
#ifndef TINBAO_FW_NET_H
#define TINBAO_FW_NET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/pdu.h"

struct fw_net;

struct fw_net_in {
	int tpdu_len;
	char hex[PDU_HEX_MAX];
};

struct fw_net_sms_opts {
	const char *from;	/* number, or alphanumeric sender */
	const char *text;	/* UTF-8 */
	int force;		/* -1 auto, SMS_ENC_GSM7, SMS_ENC_UCS2 */
	bool alnum;		/* sender is alphanumeric (TON 101) */
	bool ref16;		/* 16-bit concatenation reference */
	int ref;		/* -1: the network picks the next one */
	const int *order;	/* delivery order of parts (1-based), NULL: in order */
	size_t norder;
	const int *drop;	/* parts never delivered (1-based) */
	size_t ndrop;
	bool duplicate;		/* deliver the whole message twice */
	struct pdu_time scts;	/* service-centre time stamp */
	const char *smsc;	/* NULL: the network's own */
};

struct fw_net *fw_net_new(void);
void fw_net_free(struct fw_net *n);

/* Encodes and queues an SMS for the modem. Returns the number of parts the
 * message has (whatever is dropped), or -1 with why. */
int fw_net_deliver(struct fw_net *n, const struct fw_net_sms_opts *o, char *why, size_t whylen);
/* Queues a PDU as given (SMSC prefix included): hostile and foreign PDUs. */
int fw_net_deliver_pdu(struct fw_net *n, const char *hex, char *why, size_t whylen);
size_t fw_net_inbound_count(const struct fw_net *n);
const struct fw_net_in *fw_net_inbound_peek(const struct fw_net *n);
void fw_net_inbound_pop(struct fw_net *n);
/* Puts a popped part back at the head (the modem could not take it). */
int fw_net_inbound_unpop(struct fw_net *n, const struct fw_net_in *in);

/* An SMS-SUBMIT from the modem (AT+CMGS in PDU mode). Returns 0, or a
 * +CMS ERROR code (304 bad PDU, 21 no credit) with why. On success *msg
 * (may be NULL) holds the decoded PDU. */
int fw_net_submit_pdu(struct fw_net *n, const char *hex, int tpdu_len, uint8_t mr,
		      struct pdu_msg *msg, char *why, size_t whylen);
/* AT+CMGS in text mode: one part, text already in UTF-8. */
int fw_net_submit_text(struct fw_net *n, const char *to, const char *text, enum sms_enc enc,
		       bool srr, uint8_t mr);

/* Completed sent messages, oldest first: up to max records as a new JSON
 * array (caller frees), removed from the list unless keep. */
json_t *fw_net_sent_take(struct fw_net *n, size_t max, bool keep);
size_t fw_net_sent_count(const struct fw_net *n);
size_t fw_net_pending_parts(const struct fw_net *n);

/* USSD. reply may contain "{balance}". A menu entry answers "+CUSD: 1" and
 * the session goes on: the answer to input X after code C is the entry
 * "C*X" (inputs joined by '*', as USSD aggregators do). */
int fw_net_ussd_set(struct fw_net *n, const char *code, const char *reply, bool menu);
/* Looks path up; writes the reply. Returns the +CUSD <m>: 0 done, 1 more
 * expected, 4 operation not supported (unknown code). */
int fw_net_ussd_answer(struct fw_net *n, const char *path, char *out, size_t outlen);
void fw_net_set_balance(struct fw_net *n, long balance, long cost);
long fw_net_balance(const struct fw_net *n);

struct fw_net_counters {
	unsigned long delivered_msgs, delivered_parts, sent_parts, sent_msgs, ussd, rejected;
};
const struct fw_net_counters *fw_net_counters(const struct fw_net *n);

/* True when every code point of s has a GSM 7-bit form. */
bool fw_net_gsm7_ok(const char *s);

#endif

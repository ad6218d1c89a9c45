/* modem_priv.h: what modem.c (states, port, ladder), modem_sms.c
 * (receive, send, health) and modem_ussd.c (AT+CUSD) share. Private to gateway/modem/. */
#ifndef TINBAO_MODEM_PRIV_H
#define TINBAO_MODEM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "modem/at_chan.h"
#include "modem/modem.h"
#include "modem/quirks.h"

#define MODEM_SLOTS 1024
#define MODEM_SLOT_READ 1	/* AT+CMGR queued */
#define MODEM_SLOT_DELETE 2	/* AT+CMGD queued: committed, leaving the SIM */
#define MODEM_SCRIPT_MAX 8
#define MODEM_SYNC_TRIES 5
#define MODEM_SYNC_TIMEOUT_MS 1500
#define MODEM_SYNC_QUIET_MS 300		/* silence that ends a sync */
#define MODEM_SYNC_QUIET_MAX_MS 3000	/* ... unless the modem never stops talking */

struct modem;
typedef void (*modem_line_fn)(struct modem *m, const char *line, bool is_pdu);
typedef void (*modem_script_done_fn)(struct modem *m, const struct at_response *fail);

struct modem_step {
	char cmd[96];
	char log_as[32];
	const char *const *prefixes;
	modem_line_fn line;
	bool must_ok;
};

struct modem {
	struct loop *loop;
	struct modem_conf conf;
	struct modem_cbs cbs;
	struct link *link;
	int fd;
	struct at_chan *chan;
	enum modem_state state;
	const struct modem_quirks *q;
	struct loop_timer t_state;	/* reopen, retries, polls: one per state */
	struct loop_timer t_sweep;
	struct loop_timer t_health;
	int tries;
	int rung;			/* recovery ladder: 0 fine, 1 reopened, 2+ reset/backoff */
	int open_fails;
	int64_t last_reset;		/* loop ms of the last soft reset, 0 never */
	bool pin_tried;			/* for the life of the process: never twice */
	bool sweeping, sweep_again;
	bool health_running;
	bool stopping;
	struct ussd_sm ussd;		/* one USSD exchange at a time (modem_ussd.c) */
	struct loop_timer t_ussd;
	modem_ussd_fn ussd_cb;
	void *ussd_ctx;
	void (*stop_done)(void *ctx);
	void *stop_ctx;
	bool direct_active;
	bool settling;			/* sync answered; waiting for silence */
	bool cnmi_lost;			/* health saw the routing reset */
	int64_t settle_start;
	int64_t wait_since;		/* registration wait start */
	int64_t wait_logged;
	int last_reg;
	char cpin[32];
	struct modem_health health;
	uint8_t slot[MODEM_SLOTS];
	int list_slot, list_len;	/* +CMGL header waiting for its PDU */
	struct modem_step script[MODEM_SCRIPT_MAX];
	size_t nscript, iscript;
	modem_script_done_fn script_done;
	unsigned script_gen;
	struct modem_stats stats;
	char why[256];
};

struct modem_req {		/* per-command context where a slot or a send needs one */
	struct modem *m;
	int slot;
	int len;
	int mr;
	modem_sent_fn cb;
	void *ctx;
};

/* Response prefixes both halves use (modem.c). */
extern const char *const modem_px_creg[];
extern const char *const modem_px_cereg[];
extern const char *const modem_px_cpms[];

/* modem.c */
void modem_enter(struct modem *m, enum modem_state s);
void modem_emit_health(struct modem *m);
int modem_cmd(struct modem *m, const char *cmd, const char *const *prefixes, int timeout_ms,
	      at_line_fn line, at_done_fn done, void *ctx);
void modem_fault(struct modem *m, const char *what);
int modem_ints(const char *line, const char *prefix, long *out, int max);
void modem_cpms_line(struct modem *m, const char *line, bool is_pdu);
void modem_reg_line(struct modem *m, const char *line, bool is_pdu);
const char *modem_cnmi_cmd(const struct modem *m);

/* modem_sms.c */
void modem_health_run(struct modem *m);
int64_t modem_on_health_timer(void *ctx);
int64_t modem_on_sweep_timer(void *ctx);
void modem_cmti_urc(void *ctx, const char *line, const char *pdu);
void modem_cmt_urc(void *ctx, const char *line, const char *pdu);
void modem_cds_urc(void *ctx, const char *line, const char *pdu);
void modem_simfull_urc(void *ctx, const char *line, const char *pdu);

/* modem_ussd.c */
void modem_ussd_init(struct modem *m);	/* modem_new: sm, timer, +CUSD: URC */
/* Ends the exchange in flight without AT+CUSD=2 (the queue is being
 * flushed); report: the caller gets a TIMEOUT result. */
void modem_ussd_abort(struct modem *m, bool report);

#endif

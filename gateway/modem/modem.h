/* modem.h: the modem state machine. Owns the link and the AT channel;
 * knows nothing of SQLite: what it reads goes out through callbacks, and the
 * core tells it when a message may leave the SIM (modem_delete after the
 * commit).
 *
 *   closed -> [connecting] -> sync -> init -> sim -> register -> setup -> ready
 *                                      \-> sim-locked (PIN rejected: waits)
 * Any command timeout climbs the recovery ladder: resync with AT, then
 * reopen the port, then (rate-limited) the model's reset command. A port
 * that vanishes is reopened with backoff, by its USB identity when it has
 * one. Every change goes through one enter_state() that logs "old -> new". */
#ifndef TINBAO_MODEM_H
#define TINBAO_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modem/ussd_sm.h"

struct loop;
struct modem;

enum modem_state {
	MODEM_CLOSED,
	MODEM_CONNECTING,
	MODEM_SYNC,
	MODEM_INIT,
	MODEM_SIM,
	MODEM_SIM_LOCKED,
	MODEM_REGISTER,
	MODEM_SETUP,
	MODEM_READY,
	MODEM_RESET,
	MODEM_STOPPED,
};

struct modem_conf {
	char device[256];	/* see link.h */
	int baud;
	char pin[16];		/* "" when the SIM has none; never logged */
	char storage[8];	/* "SM", "ME", "MT" */
	char model[32];		/* "auto" / "": from AT+CGMM; else a quirks name */
	int sweep_interval_s;	/* AT+CMGL=4 this often (notifications get lost) */
	int health_interval_s;	/* signal, operator, registration, SIM use */
	bool direct_delivery;	/* +CMT / +CDS acknowledged with AT+CNMA */
	int cmd_timeout_ms;	/* ordinary commands */
	int send_timeout_ms;	/* AT+CMGS after its PDU: the network's answer */
	int reset_min_interval_s;	/* at most one soft reset this often */
};

/* Defaults: 115200, "SM", sweep 300 s, health 300 s, 10 s, 60 s, 1800 s. */
void modem_conf_defaults(struct modem_conf *c);

struct modem_health {
	enum modem_state state;
	int rssi;		/* AT+CSQ 0..31, 99 unknown */
	int ber;
	int creg;		/* 27.007 <stat>, -1 unknown */
	int cereg;
	char operator_name[64];
	char model[64];
	int sim_used, sim_total;	/* -1 unknown */
	const char *problem;	/* "PIN rejected", "no SIM", NULL when fine */
};

/* Results of a send besides a +CMS ERROR number (which is > 0). */
enum modem_send_err {
	MODEM_SEND_OK = 0,
	MODEM_SEND_TIMEOUT = -1,	/* no answer: may or may not have gone out */
	MODEM_SEND_CANCELLED = -2,	/* link lost or shutdown before it was sent */
	MODEM_SEND_ERROR = -3,		/* plain ERROR / +CME ERROR */
};
typedef void (*modem_sent_fn)(void *ctx, int mr, int err);

struct modem_cbs {
	void *ctx;
	/* A message stored at `slot`, read by AT+CMGR or AT+CMGL. The receiver
	 * commits it and then calls modem_delete(m, slot); if it cannot commit
	 * it does nothing and the next sweep reads the slot again. */
	void (*on_pdu)(void *ctx, int slot, const char *hex, int tpdu_len);
	/* +CMT (direct delivery): commit, then modem_ack_direct(m, true). */
	void (*on_direct)(void *ctx, const char *hex, int tpdu_len);
	/* +CDS status report (or one read from storage with no slot: -1). */
	void (*on_status_report)(void *ctx, const char *hex, int tpdu_len);
	/* Entered READY (or left it: ready false). */
	void (*on_ready)(void *ctx, bool ready);
	void (*on_health)(void *ctx, const struct modem_health *h);
	/* The queue has drained: a good moment to send the next message. */
	void (*on_idle)(void *ctx);
};

struct modem *modem_new(struct loop *loop, const struct modem_conf *conf,
			const struct modem_cbs *cbs);
void modem_free(struct modem *m);	/* NULL-safe; closes the port */

void modem_start(struct modem *m);
enum modem_state modem_state(const struct modem *m);
const char *modem_state_name(enum modem_state s);
bool modem_ready(const struct modem *m);
/* True when ready and nothing is queued on the AT channel. */
bool modem_idle(const struct modem *m);

/* Queues AT+CMGS=<tpdu_len> with the PDU; cb gets the message reference
 * or an error (enum modem_send_err, or the +CMS ERROR number). Returns -1
 * (and never calls cb) when not ready or stopping. */
int modem_send(struct modem *m, int tpdu_len, const char *hex, modem_sent_fn cb, void *ctx);
/* The message at slot is committed: delete it from the SIM. */
void modem_delete(struct modem *m, int slot);
/* Direct delivery acknowledgement (AT+CNMA); no-op unless direct_delivery. */
void modem_ack_direct(struct modem *m);
/* Reads every stored message now (SIM full, start, periodic). */
void modem_sweep(struct modem *m);

/* USSD (gateway/modem/ussd_sm.h has the rules): starts a session with
 * code, or answers the open one when answer is set. cb gets exactly one
 * result (possibly from inside this call). -1 when not ready. */
typedef void (*modem_ussd_fn)(void *ctx, const struct ussd_result *r);
int modem_ussd(struct modem *m, const char *code, bool answer, modem_ussd_fn cb, void *ctx);
/* AT+CUSD=2 for an open session; no result follows. */
void modem_ussd_cancel(struct modem *m);

/* SIGTERM: no new command; the exchange in flight finishes (or times out),
 * then done(ctx) is called once. */
void modem_shutdown(struct modem *m, void (*done)(void *ctx), void *ctx);

/* Statistics for tests and the bench. */
struct modem_stats {
	unsigned long reads, deletes, sends, sweeps, resyncs, reopens, resets, dropped_lines;
};
void modem_get_stats(const struct modem *m, struct modem_stats *out);

#endif

/* fw_at.h: the AT interpreter of tinbao-modem (3GPP TS 27.007 / 27.005,
 * ITU-T V.250 command line syntax). Pure: bytes from the serial link and the
 * time go in (fw_at_feed, fw_at_tick), bytes for the link come out in
 * a->out. It owns the modem's settings (echo, CMEE, CMGF, CNMI...), the
 * "> " prompt, URC holding, the boot sequence and the modem's view of the
 * network (registration), and it moves SMS between the simulated network
 * (fw_net) and the SIM (fw_sim).
 *
 * The command table is keyed by command name and form (action, "?", "=?",
 * "="); handlers live in fw_at_cmd.c (general, identity, PIN,
 * registration, USSD) and fw_at_sms.c (27.005). */
#ifndef TINBAO_FW_AT_H
#define TINBAO_FW_AT_H

#include <stdbool.h>
#include <stdint.h>

#include "fw_buf.h"
#include "fw_net.h"
#include "fw_profile.h"
#include "fw_sim.h"

#define FW_AT_LINE_MAX 2048
#define FW_AT_CDS_MAX 32
#define FW_AT_NEVER INT64_MAX

enum fw_at_mode { FW_AT_MODE_CMD, FW_AT_MODE_PROMPT };

struct fw_at_cds {
	int64_t due;
	uint8_t mr;
	char to[PDU_ADDR_MAX];
};

struct fw_at {
	const struct fw_profile *prof;
	struct fw_sim *sim;	/* borrowed, outlives the interpreter */
	struct fw_net *net;	/* borrowed */
	struct fw_buf out;	/* bytes to write to the link */
	struct fw_buf held;	/* URCs held while a command line runs or the "> " prompt is open */
	struct fw_buf tabuf;	/* SMS indications buffered with AT+CNMI mode 0 */

	/* Command line input. */
	char line[FW_AT_LINE_MAX + 1];
	size_t len;
	bool overflow;
	char last[FW_AT_LINE_MAX + 1];	/* for "A/" */
	bool first_info;		/* next info line of this command opens with CRLF */
	bool in_line;			/* a command line is running: URCs wait for its final result */

	/* "> " prompt of AT+CMGS / AT+CMGW. */
	enum fw_at_mode mode;
	bool prompt_write;	/* CMGW: store instead of send */
	bool prompt_text;	/* text mode: the body is text, not hex */
	int prompt_len;		/* PDU mode: TPDU length given */
	int prompt_stat;	/* CMGW <stat> */
	char prompt_to[PDU_ADDR_MAX];
	struct fw_buf body;

	/* Settings (reset by ATZ, AT&F and power-on). */
	bool echo, verbose, quiet;
	int cmee, cmgf, csms, cmms;
	char cscs[8];
	char csca[32];
	int mem[3];		/* enum fw_mem: read/delete, write/send, receive */
	int cnmi[5];		/* mode, mt, bm, ds, bfr */
	int creg_n, cgreg_n, cereg_n;
	bool csdh;
	int csmp[4];		/* fo, vp, pid, dcs */
	int sreg[32];
	int cusd_n;

	/* Power, SIM and network as the modem sees them. */
	int cfun;
	int reg;		/* 0 not registered, 1 home, 2 searching */
	bool net_up;		/* the network is reachable (fault no-network) */
	bool sms_ready;
	int64_t t_boot, t_sms_ready, t_reg, t_retry;

	/* +CMT waiting for AT+CNMA (AT+CSMS=1). */
	bool cnma_pending;
	int64_t t_cnma;
	struct fw_net_in cnma_msg;
	int cnma_timeout_ms;

	/* USSD session. */
	bool ussd_open, ussd_due;
	int64_t t_ussd;
	char ussd_path[256];

	struct fw_at_cds cds[FW_AT_CDS_MAX];
	int ncds;

	/* Wall-clock time for time stamps, set by the device before each call
	 * (the interpreter itself only sees the monotonic `now`). */
	struct pdu_time wall;

	/* Faults the device asks for. */
	int cms_fault_count, cms_fault_code;

	/* What the device must do after a call. */
	bool sim_dirty;		/* storage / PIN / MR changed: save --state */

	unsigned long commands, errors, urcs;
};

/* Sets up an interpreter in the powered-on, registered state (the modem was
 * already running when the port appeared: no boot URCs). */
int fw_at_init(struct fw_at *a, const struct fw_profile *p, struct fw_sim *sim,
	       struct fw_net *net, int64_t now);
void fw_at_fini(struct fw_at *a);
/* Power cycle: settings back to defaults, echo on; boot URCs delay_ms later. */
void fw_at_power_cycle(struct fw_at *a, int64_t now, int delay_ms);
void fw_at_feed(struct fw_at *a, const uint8_t *buf, size_t n, int64_t now);
/* Runs what is due: boot steps, registration, SMS delivery, USSD answers,
 * status reports, +CNMA timeouts. */
void fw_at_tick(struct fw_at *a, int64_t now);
int64_t fw_at_next_deadline(const struct fw_at *a);
/* The network becomes unreachable / reachable again (with +CREG URCs). */
void fw_at_set_network(struct fw_at *a, bool up, int64_t now);
/* True when the modem can take SMS from the network now. */
bool fw_at_can_receive(const struct fw_at *a);

#endif

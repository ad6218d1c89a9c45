/* fw_dev.h: the tinbao-modem device: wires the AT interpreter, the SIM,
 * the simulated network, the faults, the serial link and the control
 * socket into one poll() loop (no threads), and answers control requests.
 * fw_dev_run is `tinbao-modem run`. */
#ifndef TINBAO_FW_DEV_H
#define TINBAO_FW_DEV_H

#include <stdbool.h>
#include <stdint.h>

struct fw_dev_opts {
	const char *profile;	/* NULL: ec25 */
	const char *link;	/* pty symlink path, or NULL */
	const char *tcp;	/* "HOST:PORT", or NULL */
	const char *control;	/* control socket path, or NULL */
	const char *state;	/* --state FILE, or NULL */
	const char *pin, *puk;
	int sm_slots, me_slots;	/* 0: the profile's */
	int cnma_timeout_ms;	/* 0: 10000 */
	bool trace;		/* AT traffic on stderr */
	uint64_t seed;
};

/* Runs until SIGINT / SIGTERM. Prints "READY <port>" on stdout once the
 * port and the control socket exist. Returns the exit status. */
int fw_dev_run(const struct fw_dev_opts *o);

#endif

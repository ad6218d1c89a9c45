/* fw_fault.h: the faults tinbao-modem can show on request, as real modems
 * do: hang (no answer at all for a while), garbage (line noise), unplug
 * (the port vanishes like a USB disconnect, then comes back after a power
 * cycle), cms-error (the next sends fail with +CMS ERROR), slow (every
 * answer late), no-network (registration lost for a while), reset (a
 * spontaneous reboot with boot URCs). This file keeps their state and
 * deadlines; the device (fw_dev.c) applies them. Pure. */
#ifndef TINBAO_FW_FAULT_H
#define TINBAO_FW_FAULT_H

#include <stddef.h>
#include <stdint.h>

enum fw_fault_kind {
	FW_FAULT_HANG,
	FW_FAULT_GARBAGE,
	FW_FAULT_UNPLUG,
	FW_FAULT_CMS_ERROR,
	FW_FAULT_SLOW,
	FW_FAULT_NO_NETWORK,
	FW_FAULT_RESET,
	FW_FAULT_KINDS
};

#define FW_FAULT_NONE INT64_MAX

struct fw_fault {
	int64_t hang_until, unplug_until, nonet_until;	/* FW_FAULT_NONE when off */
	int slow_ms;
	unsigned long count[FW_FAULT_KINDS];
	uint64_t rng;
};

void fw_fault_init(struct fw_fault *f, uint64_t seed);
int fw_fault_parse(const char *name);	/* enum fw_fault_kind, or -1 */
const char *fw_fault_name(enum fw_fault_kind k);
/* Fills buf with line noise: random bytes, CR/LF and fragments of result
 * codes, so that a client's framing is really tested. */
void fw_fault_garbage(struct fw_fault *f, uint8_t *buf, size_t n);
int64_t fw_fault_next_deadline(const struct fw_fault *f);

#endif

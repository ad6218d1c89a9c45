/* fw_profile.h: what differs between the modules tinbao-modem imitates.
 * One const table (fw_profile.c) holds every model's identity answers, boot
 * URCs, storage names and sizes and the quirks worth simulating; the AT
 * interpreter reads fields, never tests a model name. docs/modem.md has the
 * same table for humans. */
#ifndef TINBAO_FW_PROFILE_H
#define TINBAO_FW_PROFILE_H

#include <stdbool.h>

#define FW_PROFILE_URCS 8

struct fw_profile {
	const char *name;		/* "ec25", "sim800" */
	const char *manufacturer;	/* AT+CGMI */
	const char *model;		/* AT+CGMM */
	const char *revision;		/* AT+CGMR line, as the module prints it */
	const char *ati;		/* ATI lines, "\n" separated */
	const char *imei;
	/* Printed at power-on (then "+CPIN: <state>" follows), and once SMS
	 * is usable, sms_ready_ms after the SIM became READY. */
	const char *boot_urcs[FW_PROFILE_URCS];
	const char *sms_urcs[FW_PROFILE_URCS];
	int sms_ready_ms;	/* SIM ready -> SMS usable; before: +CMS ERROR: 314 */
	int reg_delay_ms;	/* SIM ready -> registered on the network */
	const char *cscs_default;
	int sm_slots, me_slots;	/* SIM and module storage sizes */
	int index_base;		/* first storage index: EC25 0, SIM800 1 */
	bool has_cereg;		/* LTE: AT+CEREG exists */
	int act;		/* access technology in +COPS/+CREG (7 LTE, -1 none) */
	bool ccid_prefix;	/* AT+CCID answers "+CCID: n" (else the bare number) */
	bool cmgs_echo_pdu;	/* echoes what is typed after "> " when ATE1 */
	int rssi;		/* AT+CSQ first figure */
};

const struct fw_profile *fw_profile_find(const char *name);	/* NULL if unknown */
const struct fw_profile *fw_profile_default(void);
/* Names joined by ", " for usage text. */
const char *fw_profile_names(void);

#endif

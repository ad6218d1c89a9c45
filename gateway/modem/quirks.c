/* quirks.c: the per-model quirk table. One entry per model family, each
 * value with the reason it is there. Matched case-insensitively against the
 * AT+CGMM answer or the config's modem.model ("ec25", "sim800"). */
#include "modem/quirks.h"

#include <string.h>

/* Some Huawei sticks end an unsupported command with this instead of
 * ERROR; treating it as final keeps the queue from waiting for a timeout. */
static const struct modem_quirk_final quirks_huawei_finals[] = {
	{ "COMMAND NOT SUPPORT", AT_FINAL_ERROR },
	{ "TOO MANY PARAMETERS", AT_FINAL_ERROR },
	{ NULL, AT_FINAL_NONE },
};

static const struct modem_quirks quirks_table[] = {
	{
		/* Quectel EC25 / EG25 (LTE Cat 4). Reports "+QIND: SMS DONE"
		 * once its SMS store is ready after PIN; AT+CFUN=1,1 reboots
		 * the module, which re-enumerates on USB in about 10-15 s and
		 * has been seen to come back in a broken USB mode: hence the
		 * reset is the last rung of the ladder, not the first. */
		.match = "EC25", .name = "Quectel EC25", .lte = true,
		.cnmi = "AT+CNMI=2,1,0,1,0",
		.sms_ready_urc = "+QIND: SMS DONE", .sms_ready_wait_ms = 20000,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 20000,
		.sim_full_urc = "+QIND: \"smsfull\"",
	},
	{
		.match = "EG25", .name = "Quectel EG25", .lte = true,
		.cnmi = "AT+CNMI=2,1,0,1,0",
		.sms_ready_urc = "+QIND: SMS DONE", .sms_ready_wait_ms = 20000,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 20000,
		.sim_full_urc = "+QIND: \"smsfull\"",
	},
	{
		/* SIMCom SIM7600: LTE; its "SMS DONE" URC is bare. */
		.match = "SIM7600", .name = "SIMCom SIM7600", .lte = true,
		.cnmi = "AT+CNMI=2,1,0,1,0",
		.sms_ready_urc = "SMS DONE", .sms_ready_wait_ms = 20000,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 20000,
		.sim_full_urc = NULL,
	},
	{
		/* SIMCom SIM800 (2G only): no +CEREG (answers ERROR); says
		 * "SMS Ready" a few seconds after the PIN and rejects SMS
		 * commands with +CMS ERROR: 302 before it. Its reset takes
		 * about 5 s (UART, no re-enumeration). */
		.match = "SIM800", .name = "SIMCom SIM800", .lte = false,
		.cnmi = "AT+CNMI=2,1,0,1,0",
		.sms_ready_urc = "SMS Ready", .sms_ready_wait_ms = 15000,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 8000,
		.sim_full_urc = "+CIEV: \"SMSFULL\"",
	},
	{
		.match = "E3372", .name = "Huawei E3372", .lte = true,
		.cnmi = "AT+CNMI=2,1,0,2,0",
		.sms_ready_urc = NULL, .sms_ready_wait_ms = 0,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 20000,
		.sim_full_urc = "^SMMEMFULL",
		.finals = quirks_huawei_finals,
	},
	{
		/* Anything else: 27.005 defaults, ask for +CEREG too (an
		 * ERROR answer is harmless) since 2G is going away. */
		.match = NULL, .name = "generic 27.007 modem", .lte = true,
		.cnmi = "AT+CNMI=2,1,0,1,0",
		.sms_ready_urc = NULL, .sms_ready_wait_ms = 0,
		.reset_cmd = "AT+CFUN=1,1", .reset_wait_ms = 15000,
		.sim_full_urc = NULL,
	},
};

const struct modem_quirks *quirks_find(const char *model)
{
	size_t n = sizeof quirks_table / sizeof quirks_table[0];
	for (size_t i = 0; i + 1 < n; i++)
		if (model && strcasestr(model, quirks_table[i].match))
			return &quirks_table[i];
	return &quirks_table[n - 1];
}

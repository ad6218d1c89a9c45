/* fw_profile.c: the profiles table. Values follow the modules' AT manuals
 * (Quectel EC25 AT Commands Manual 2.0, SIMCom SIM800 Series AT Command
 * Manual 1.09) and what the modules print in practice. */
#include "fw_profile.h"

#include <string.h>

static const struct fw_profile fw_profiles[] = {
	{
		.name = "ec25",
		.manufacturer = "Quectel",
		.model = "EC25",
		.revision = "Revision: EC25EFAR06A06M4G",
		.ati = "Quectel\nEC25\nRevision: EC25EFAR06A06M4G",
		.imei = "866758041234563",
		.boot_urcs = { "RDY", "+CFUN: 1" },
		.sms_urcs = { "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE" },
		.sms_ready_ms = 300,
		.reg_delay_ms = 150,
		.cscs_default = "GSM",
		.sm_slots = 40,
		.me_slots = 255,
		.index_base = 0,
		.has_cereg = true,
		.act = 7,
		.ccid_prefix = true,
		.cmgs_echo_pdu = true,
		.rssi = 24,
	},
	{
		.name = "sim800",
		.manufacturer = "SIMCOM_Ltd",
		.model = "SIMCOM_SIM800L",
		.revision = "Revision:1418B04SIM800L24",
		.ati = "SIM800 R14.18",
		.imei = "862462031234561",
		.boot_urcs = { "RDY", "+CFUN: 1" },
		.sms_urcs = { "Call Ready", "SMS Ready" },
		.sms_ready_ms = 500,
		.reg_delay_ms = 200,
		.cscs_default = "IRA",
		.sm_slots = 30,
		.me_slots = 50,
		.index_base = 1,
		.has_cereg = false,
		.act = -1,
		.ccid_prefix = false,
		.cmgs_echo_pdu = true,
		.rssi = 18,
	},
};

const struct fw_profile *fw_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof fw_profiles / sizeof fw_profiles[0]; i++)
		if (name && !strcmp(fw_profiles[i].name, name))
			return &fw_profiles[i];
	return NULL;
}

const struct fw_profile *fw_profile_default(void)
{
	return &fw_profiles[0];
}

const char *fw_profile_names(void)
{
	return "ec25, sim800";
}

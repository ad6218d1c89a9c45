/* pdu_dcs.c: the SMS data coding scheme octet (3GPP TS 23.038 4): general
 * and automatic-deletion groups, message-waiting groups, the data coding /
 * message class group. Reserved codings read as the GSM 7-bit default
 * alphabet, as the spec tells a receiving entity to do. */
#include "sms/pdu_priv.h"

int pdu_dcs_decode(uint8_t dcs, struct pdu_msg *m, char *why, size_t whylen)
{
	m->enc = SMS_ENC_GSM7;
	m->msg_class = -1;
	m->mwi = m->mwi_active = m->mwi_discard = false;
	m->mwi_kind = 0;
	m->auto_delete = false;
	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:	/* 00xx: general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7:	/* 01xx: marked for automatic deletion */
		m->auto_delete = (dcs & 0x40) != 0;
		if (dcs & 0x20)
			return pdu_fail(why, whylen, PDU_E_COMPRESSED,
					"DCS %02X: compressed text (TS 23.042) is not supported", dcs);
		if (dcs & 0x10)
			m->msg_class = dcs & 3;
		switch ((dcs >> 2) & 3) {
		case 1: m->enc = SMS_ENC_8BIT; break;
		case 2: m->enc = SMS_ENC_UCS2; break;
		default: m->enc = SMS_ENC_GSM7; break;	/* 00, and reserved 11 */
		}
		return PDU_OK;
	case 0xC: case 0xD: case 0xE:	/* message waiting: discard / store (GSM) / store (UCS-2) */
		m->mwi = true;
		m->mwi_discard = (dcs >> 4) == 0xC;
		m->mwi_active = (dcs & 0x08) != 0;
		m->mwi_kind = dcs & 3;
		m->enc = (dcs >> 4) == 0xE ? SMS_ENC_UCS2 : SMS_ENC_GSM7;
		return PDU_OK;
	case 0xF:	/* data coding / message class */
		m->enc = dcs & 0x04 ? SMS_ENC_8BIT : SMS_ENC_GSM7;
		m->msg_class = dcs & 3;
		return PDU_OK;
	default:	/* 1000..1011: reserved coding groups */
		return PDU_OK;
	}
}

/* pdu_encode.c: the TPDU layouts we send or, in the firmware, deliver:
 * SMS-SUBMIT (with the empty SMSC field "00" for AT+CMGS), SMS-DELIVER and
 * SMS-STATUS-REPORT (with the SMSC prefix a modem stores), 3GPP TS 23.040
 * 9.2.2. Text splitting and packing is in pdu_split.c. */
#include <string.h>

#include "sms/pdu_priv.h"

#define BUF_MAX (12 + 176)

/* Relative TP-VP (9.2.3.12.1) for at least `min` minutes, capped at 63 weeks. */
static uint8_t vp_relative(int min)
{
	if (min <= 720)
		return (uint8_t)(min <= 5 ? 0 : (min + 4) / 5 - 1);
	if (min <= 1440)
		return (uint8_t)(143 + (min - 720 + 29) / 30);
	if (min <= 30 * 1440)
		return (uint8_t)(166 + (min + 1439) / 1440);
	int w = (min + 10079) / 10080;
	return (uint8_t)(w > 63 ? 255 : 192 + w);
}

static void part_finish(struct pdu_part *p, const uint8_t *buf, size_t n, size_t smsc_len)
{
	p->tpdu_len = (int)(n - smsc_len);
	pdu_hex_encode(buf, n, p->hex);
}

static uint8_t dcs_for(enum sms_enc e)
{
	return e == SMS_ENC_UCS2 ? 0x08 : e == SMS_ENC_8BIT ? 0x04 : 0x00;
}

int pdu_encode_submit(const struct pdu_submit_opts *o, struct pdu_part *parts,
		      size_t max_parts, char *why, size_t whylen)
{
	if (!o || !parts || !o->to || !o->text || max_parts == 0)
		return pdu_fail(why, whylen, PDU_E_ARG, "submit needs a number, a text and parts");
	if (o->validity_minutes < 0)
		return pdu_fail(why, whylen, PDU_E_ARG, "negative validity period");
	uint8_t da[12];
	int dalen = pdu_addr_encode(o->to, 0, 0, da, sizeof da, why, whylen);
	if (dalen < 0)
		return dalen;
	size_t len = strlen(o->text);
	struct pdu_plan plan;
	int rc = pdu_plan_text(o->text, len, o->force, o->ref16, max_parts, &plan, why, whylen);
	if (rc)
		return rc;
	size_t pos = 0;
	for (size_t i = 0; i < plan.nparts; i++) {
		uint8_t buf[BUF_MAX];
		size_t n = 0;
		buf[n++] = 0x00;	/* no SMSC: the SIM's is used */
		buf[n++] = (uint8_t)(0x01 | (o->validity_minutes ? 0x10 : 0) |
				     (o->status_report ? 0x20 : 0) | (plan.nparts > 1 ? 0x40 : 0));
		buf[n++] = o->mr;
		memcpy(buf + n, da, (size_t)dalen);
		n += (size_t)dalen;
		buf[n++] = 0x00;	/* PID: plain SMS */
		buf[n++] = dcs_for(plan.enc);
		if (o->validity_minutes)
			buf[n++] = vp_relative(o->validity_minutes);
		int k = pdu_ud_encode(o->text, len, &pos, &plan, i + 1, o->ref, o->ref16, buf + n,
				      sizeof buf - n, why, whylen);
		if (k < 0)
			return k;
		part_finish(&parts[i], buf, n + (size_t)k, 1);
	}
	return (int)plan.nparts;
}

/* The SMSC prefix: "00" or a length-counted address. */
static int smsc_prefix(const char *smsc, uint8_t *buf, char *why, size_t whylen)
{
	if (!smsc || !*smsc) {
		buf[0] = 0;
		return 1;
	}
	return pdu_addr_encode(smsc, 0, 1, buf, 12, why, whylen);
}

int pdu_encode_deliver(const struct pdu_deliver_opts *o, struct pdu_part *parts,
		       size_t max_parts, char *why, size_t whylen)
{
	if (!o || !parts || !o->from || !o->text || max_parts == 0)
		return pdu_fail(why, whylen, PDU_E_ARG, "deliver needs a sender, a text and parts");
	uint8_t sc[12], oa[12], ts[7];
	int sclen = smsc_prefix(o->smsc, sc, why, whylen);
	if (sclen < 0)
		return sclen;
	int oalen = pdu_addr_encode(o->from, o->alnum, 0, oa, sizeof oa, why, whylen);
	if (oalen < 0)
		return oalen;
	int rc = pdu_time_encode(&o->scts, ts, why, whylen);
	if (rc)
		return rc;
	size_t len = strlen(o->text);
	struct pdu_plan plan;
	rc = pdu_plan_text(o->text, len, o->force, o->ref16, max_parts, &plan, why, whylen);
	if (rc)
		return rc;
	size_t pos = 0;
	for (size_t i = 0; i < plan.nparts; i++) {
		uint8_t buf[BUF_MAX];
		size_t n = 0;
		memcpy(buf, sc, (size_t)sclen);
		n += (size_t)sclen;
		/* MTI 00, TP-MMS set: no more messages waiting at the centre. */
		buf[n++] = (uint8_t)(0x04 | (o->status_report ? 0x20 : 0) |
				     (plan.nparts > 1 ? 0x40 : 0));
		memcpy(buf + n, oa, (size_t)oalen);
		n += (size_t)oalen;
		buf[n++] = 0x00;
		buf[n++] = dcs_for(plan.enc);
		memcpy(buf + n, ts, 7);
		n += 7;
		int k = pdu_ud_encode(o->text, len, &pos, &plan, i + 1, o->ref, o->ref16, buf + n,
				      sizeof buf - n, why, whylen);
		if (k < 0)
			return k;
		part_finish(&parts[i], buf, n + (size_t)k, (size_t)sclen);
	}
	return (int)plan.nparts;
}

int pdu_encode_status_report(uint8_t mr, const char *to, const struct pdu_time *scts,
			     const struct pdu_time *dt, uint8_t st, const char *smsc,
			     struct pdu_part *out, char *why, size_t whylen)
{
	if (!to || !scts || !dt || !out)
		return pdu_fail(why, whylen, PDU_E_ARG,
				"status report needs a recipient, two times and a part");
	uint8_t buf[BUF_MAX];
	size_t n = 0;
	int sclen = smsc_prefix(smsc, buf, why, whylen);
	if (sclen < 0)
		return sclen;
	n += (size_t)sclen;
	buf[n++] = 0x06;	/* MTI 10, TP-MMS; TP-SRQ 0: the report of a SUBMIT */
	buf[n++] = mr;
	int ralen = pdu_addr_encode(to, 0, 0, buf + n, sizeof buf - n, why, whylen);
	if (ralen < 0)
		return ralen;
	n += (size_t)ralen;
	int rc = pdu_time_encode(scts, buf + n, why, whylen);
	if (rc)
		return rc;
	n += 7;
	if ((rc = pdu_time_encode(dt, buf + n, why, whylen)))
		return rc;
	n += 7;
	buf[n++] = st;
	part_finish(out, buf, n, (size_t)sclen);
	return 1;
}

/* pdu_decode.c: one PDU as a modem prints it (optional SMSC prefix, then the
 * TPDU) into struct pdu_msg: the field layout of SMS-DELIVER, SMS-SUBMIT and
 * SMS-STATUS-REPORT (3GPP TS 23.040 9.2.2). Every read is checked against
 * the octets actually present, whatever the length fields claim. */
#include <stdio.h>
#include <string.h>

#include "sms/pdu_priv.h"

/* An SMSC prefix (1 + 11 octets) plus the largest TPDU, with room to spare
 * so that a too-long input is reported as such. */
#define PDU_BYTES_MAX (12 + 176)

#define NEED(k, what) do { if (n - off < (size_t)(k)) \
	return pdu_fail(why, whylen, PDU_E_TRUNC, "PDU ends before the %s", what); } while (0)

static int decode_addr(const uint8_t *b, size_t n, size_t *off, struct pdu_addr *a,
		       char *why, size_t whylen)
{
	size_t used;
	int rc = pdu_addr_decode(b + *off, n - *off, 0, a, &used, why, whylen);
	if (rc == PDU_OK)
		*off += used;
	return rc;
}

/* Relative validity period (9.2.3.12.1) in minutes. */
static int vp_minutes(uint8_t vp)
{
	if (vp <= 143)
		return (vp + 1) * 5;
	if (vp <= 167)
		return 12 * 60 + (vp - 143) * 30;
	if (vp <= 196)
		return (vp - 166) * 24 * 60;
	return (vp - 192) * 7 * 24 * 60;
}

static int decode_tpdu(const uint8_t *b, size_t n, struct pdu_msg *m, char *why, size_t whylen)
{
	size_t off = 0;
	int rc;
	NEED(1, "first octet");
	uint8_t fo = b[off++];
	m->first_octet = fo;
	int udhi = (fo & 0x40) != 0;
	switch (fo & 3) {
	case 0:	/* SMS-DELIVER */
		m->type = PDU_DELIVER;
		m->status_report = (fo & 0x20) != 0;
		if ((rc = decode_addr(b, n, &off, &m->addr, why, whylen)))
			return rc;
		NEED(2, "protocol identifier and data coding scheme");
		m->pid = b[off++];
		m->dcs = b[off++];
		if ((rc = pdu_dcs_decode(m->dcs, m, why, whylen)))
			return rc;
		NEED(7, "service centre time stamp");
		if ((rc = pdu_time_decode(b + off, &m->scts, why, whylen)))
			return rc;
		off += 7;
		return pdu_ud_decode(b + off, n - off, udhi, m, why, whylen);
	case 1: {	/* SMS-SUBMIT */
		m->type = PDU_SUBMIT;
		m->status_report = (fo & 0x20) != 0;
		NEED(1, "message reference");
		m->mr = b[off++];
		if ((rc = decode_addr(b, n, &off, &m->addr, why, whylen)))
			return rc;
		NEED(2, "protocol identifier and data coding scheme");
		m->pid = b[off++];
		m->dcs = b[off++];
		if ((rc = pdu_dcs_decode(m->dcs, m, why, whylen)))
			return rc;
		switch ((fo >> 3) & 3) {
		case 0:
			break;
		case 2:
			NEED(1, "validity period");
			m->validity_minutes = vp_minutes(b[off++]);
			break;
		default:	/* enhanced (1) and absolute (3): 7 octets, kept raw */
			NEED(7, "validity period");
			off += 7;
			break;
		}
		return pdu_ud_decode(b + off, n - off, udhi, m, why, whylen);
	}
	case 2:	/* SMS-STATUS-REPORT */
		m->type = PDU_STATUS_REPORT;
		m->status_report = (fo & 0x20) != 0;	/* TP-SRQ */
		NEED(1, "message reference");
		m->mr = b[off++];
		if ((rc = decode_addr(b, n, &off, &m->addr, why, whylen)))
			return rc;
		NEED(7, "service centre time stamp");
		if ((rc = pdu_time_decode(b + off, &m->scts, why, whylen)))
			return rc;
		off += 7;
		NEED(7, "discharge time");
		if ((rc = pdu_time_decode(b + off, &m->dt, why, whylen)))
			return rc;
		off += 7;
		NEED(1, "status");
		m->st = b[off++];
		if (off == n)
			return PDU_OK;
		/* Optional TP-PI, then the fields it announces (9.2.3.27). Some
		 * networks pad the end with zero octets: with PI 00 nothing follows. */
		{
			uint8_t pi = b[off++];
			/* Reserved bits 3..6 set (some networks pad with FF): the
			 * octet is not a PI we can trust, and MR, RA and ST are
			 * already read, so the rest is ignored rather than the
			 * delivery report lost. */
			if (pi & 0x78)
				return PDU_OK;
			if (pi & 0x01) {
				NEED(1, "protocol identifier");
				m->pid = b[off++];
			}
			if (pi & 0x02) {
				NEED(1, "data coding scheme");
				m->dcs = b[off++];
				if ((rc = pdu_dcs_decode(m->dcs, m, why, whylen)))
					return rc;
			}
			if (pi & 0x04)
				return pdu_ud_decode(b + off, n - off, udhi, m, why, whylen);
			return PDU_OK;
		}
	default:
		return pdu_fail(why, whylen, PDU_E_TYPE,
				"TP-MTI 3 (reserved) in first octet %02X", fo);
	}
}

static void msg_reset(struct pdu_msg *m)
{
	/* The big arrays are written before they are read (lengths say how
	 * much), so only the scalar head and the NULs need clearing. */
	memset(m, 0, offsetof(struct pdu_msg, udh));
	m->udh_len = 0;
	m->text[0] = '\0';
	m->text_len = 0;
	m->data_len = 0;
	m->msg_class = -1;
}

static int decode_with_smsc(const uint8_t *b, size_t n, struct pdu_msg *m, char *why,
			    size_t whylen)
{
	size_t used;
	msg_reset(m);
	int rc = pdu_addr_decode(b, n, 1, &m->smsc, &used, why, whylen);
	if (rc)
		return rc;
	m->has_smsc = true;
	return decode_tpdu(b + used, n - used, m, why, whylen);
}

static int decode_bare(const uint8_t *b, size_t n, struct pdu_msg *m, char *why,
		       size_t whylen)
{
	msg_reset(m);
	return decode_tpdu(b, n, m, why, whylen);
}

int pdu_decode(const char *hex, size_t hexlen, int tpdu_len, struct pdu_msg *out,
	       char *why, size_t whylen)
{
	uint8_t b[PDU_BYTES_MAX];
	size_t n;
	if (why && whylen)
		why[0] = '\0';	/* a reason only ever comes with an error */
	if (!hex || !out)
		return pdu_fail(why, whylen, PDU_E_ARG, "no PDU given");
	int rc = pdu_hex_decode(hex, hexlen, b, sizeof b, &n, why, whylen);
	if (rc) {
		msg_reset(out);
		return rc;
	}
	if (tpdu_len >= 0) {
		/* The modem told us the TPDU length: the rest is the SMSC prefix. */
		if ((size_t)tpdu_len > n) {
			msg_reset(out);
			return pdu_fail(why, whylen, PDU_E_TRUNC,
					"length %d announced but the PDU has only %zu octets",
					tpdu_len, n);
		}
		if ((size_t)tpdu_len == n)
			return decode_bare(b, n, out, why, whylen);
		if ((size_t)b[0] + 1 + (size_t)tpdu_len != n) {
			msg_reset(out);
			return pdu_fail(why, whylen, PDU_E_LENGTH,
					"SMSC field of %u octets and TPDU of %d do not add up to %zu",
					b[0], tpdu_len, n);
		}
		return decode_with_smsc(b, n, out, why, whylen);
	}
	/* Unknown length: modems print the SMSC prefix in PDU mode, so try that
	 * first; a bare TPDU (as `tinbao pdu decode` is often given) second. */
	char why1[160];
	rc = decode_with_smsc(b, n, out, why1, sizeof why1);
	if (rc == PDU_OK)
		return PDU_OK;
	char why2[160];
	int rc2 = decode_bare(b, n, out, why2, sizeof why2);
	if (rc2 == PDU_OK)
		return PDU_OK;
	msg_reset(out);
	pdu_fail(why, whylen, rc, "%s (as a bare TPDU: %s)", why1, why2);
	return rc;
}

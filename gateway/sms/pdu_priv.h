/* pdu_priv.h: helpers shared by the pdu_*.c files (hex, addresses, time
 * stamps, DCS, user data). Not for use outside gateway/sms/. */
#ifndef TINBAO_PDU_PRIV_H
#define TINBAO_PDU_PRIV_H

#include "sms/pdu.h"

/* Writes the reason (printf style) into why and returns err. */
int pdu_fail(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Converts hex text into bytes (at most cap). Trailing CR, LF and spaces are
 * ignored (a modem line); anything else that is not hex is an error. */
int pdu_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t cap, size_t *n,
		   char *why, size_t whylen);
/* Upper-case hex of n bytes into out (room for 2n+1). */
void pdu_hex_encode(const uint8_t *in, size_t n, char *out);

/* Address fields. TP addresses (OA/DA/RA) count semi-octets; the SMSC field
 * of the prefix counts octets. *used receives the octets consumed. */
int pdu_addr_decode(const uint8_t *p, size_t n, int is_smsc, struct pdu_addr *a, size_t *used,
		    char *why, size_t whylen);
/* Encodes a number ("+84...", "0912...", "*101#") or, when alnum, up to 11
 * GSM characters. Returns the octets written into out (cap bytes). */
int pdu_addr_encode(const char *text, int alnum, int is_smsc, uint8_t *out, size_t cap,
		    char *why, size_t whylen);

/* 7-octet TP-SCTS / TP-DT with quarter-hour zone. */
int pdu_time_decode(const uint8_t *p, struct pdu_time *t, char *why, size_t whylen);
int pdu_time_encode(const struct pdu_time *t, uint8_t *p, char *why, size_t whylen);

/* Fills enc, msg_class, mwi*, auto_delete from the DCS octet; refuses
 * compressed text. */
int pdu_dcs_decode(uint8_t dcs, struct pdu_msg *m, char *why, size_t whylen);

/* Decodes TP-UDL + TP-UD at p (n bytes to the end of the TPDU) into m,
 * using m->enc and the UDHI bit udhi. The user data must end the TPDU. */
int pdu_ud_decode(const uint8_t *p, size_t n, int udhi, struct pdu_msg *m, char *why,
		  size_t whylen);

/* The splitting plan for a text: the alphabet and where each part starts. */
struct pdu_plan {
	enum sms_enc enc;
	size_t nparts;
	size_t units;		/* septets (GSM) or UTF-16 units of the whole text */
};

/* Chooses the alphabet (force -1 auto) and counts parts; ref16 selects the
 * 7-octet concatenation header. Validates UTF-8. */
int pdu_plan_text(const char *text, size_t len, int force, int ref16, size_t max_parts,
		  struct pdu_plan *plan, char *why, size_t whylen);

/* Writes TP-UDL and TP-UD of the next part into out (cap bytes) starting at
 * text offset *pos, which advances. seq is 1-based; a UDH is added when the
 * plan has more than one part. Returns the octets written. */
int pdu_ud_encode(const char *text, size_t len, size_t *pos, const struct pdu_plan *plan,
		  size_t seq, uint16_t ref, int ref16, uint8_t *out, size_t cap, char *why,
		  size_t whylen);

#endif

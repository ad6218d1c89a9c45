/* pdu.h: SMS PDU codec (3GPP TS 23.040, alphabets per TS 23.038).
 *
 * Pure: hex text in, structs out, and back; no I/O, no globals, no heap.
 * Shared by the gateway (decodes SMS-DELIVER / SMS-STATUS-REPORT, encodes
 * SMS-SUBMIT) and the firmware (the mirror image: decodes SUBMIT, encodes
 * DELIVER and STATUS-REPORT), so both directions live here.
 *
 * Errors: functions return 0 or a count on success, a negative enum pdu_err
 * on failure, and write a one-line human reason into the caller's `why`
 * buffer (may be NULL). Nothing reads past the input, whatever its length
 * fields claim.
 */
#ifndef TINBAO_PDU_H
#define TINBAO_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pdu_err {
	PDU_OK = 0,
	PDU_E_HEX = -1,		/* not an even-length hex string */
	PDU_E_TRUNC = -2,	/* input ends before a field it announces */
	PDU_E_LENGTH = -3,	/* a length field lies (too long / inconsistent) */
	PDU_E_UDH = -4,		/* malformed user data header */
	PDU_E_ADDR = -5,	/* malformed address */
	PDU_E_TYPE = -6,	/* TP-MTI not handled here (e.g. SMS-COMMAND) */
	PDU_E_COMPRESSED = -7,	/* DCS says compressed: not supported */
	PDU_E_ENCODING = -8,	/* bad UCS-2 / UTF-8 / reserved DCS */
	PDU_E_TIME = -9,	/* timestamp digits out of range */
	PDU_E_TOOLONG = -10,	/* text needs more parts than allowed */
	PDU_E_ARG = -11,	/* caller error (NULL, empty number...) */
};

enum pdu_type { PDU_DELIVER, PDU_SUBMIT, PDU_STATUS_REPORT };
enum sms_enc { SMS_ENC_GSM7, SMS_ENC_8BIT, SMS_ENC_UCS2 };

/* Long enough for 20 digits, '+', or 11 alphanumeric GSM chars as UTF-8. */
#define PDU_ADDR_MAX 48
/* Worst case of 140 bytes of user data as UTF-8 (160 septets of 3 bytes). */
#define PDU_TEXT_MAX 512
/* SMSC (12) + TPDU (up to 176) bytes, as hex, plus NUL. */
#define PDU_HEX_MAX (2 * (12 + 176) + 1)
#define PDU_MAX_PARTS 255

struct pdu_addr {
	char text[PDU_ADDR_MAX];	/* "+84912345678", "0912345678", "VIETTEL", "*101#" */
	uint8_t toa;			/* type-of-address octet as received (0x91, 0x81, 0xD0...) */
	bool alnum;			/* alphanumeric sender (TON 101): never answer it */
};

struct pdu_time {
	int year, month, day, hour, minute, second;	/* year with century */
	int tz_quarters;	/* offset from UTC in quarter hours, may be negative */
};

struct pdu_concat {
	bool present;
	bool ref16;		/* IEI 0x08 (16-bit ref) rather than 0x00 */
	uint16_t ref;
	uint8_t total, seq;	/* seq is 1-based */
};

struct pdu_msg {
	enum pdu_type type;
	bool has_smsc;
	struct pdu_addr smsc;
	struct pdu_addr addr;	/* originator (DELIVER), destination (SUBMIT),
				   recipient (STATUS-REPORT) */
	uint8_t first_octet, pid, dcs;
	uint8_t mr;		/* message reference (SUBMIT, STATUS-REPORT) */
	enum sms_enc enc;
	int msg_class;		/* 0..3, -1 when the DCS gives none */
	bool mwi;		/* message-waiting DCS group */
	bool mwi_active;	/* MWI sense: indication set (true) or cleared */
	bool mwi_discard;	/* MWI group 1100: the text may be discarded */
	uint8_t mwi_kind;	/* 0 voicemail, 1 fax, 2 e-mail, 3 other */
	bool auto_delete;	/* DCS group 01xx: marked for automatic deletion */
	int validity_minutes;	/* SUBMIT relative TP-VP, 0 when absent or not relative */
	bool status_report;	/* TP-SRR (SUBMIT) / TP-SRI (DELIVER) */
	struct pdu_time scts;	/* service-centre time stamp */
	struct pdu_time dt;	/* discharge time (STATUS-REPORT) */
	uint8_t st;		/* TP-ST status (STATUS-REPORT) */
	struct pdu_concat concat;
	uint8_t udh[140];	/* whole UDH as received, without the UDHL octet */
	size_t udh_len;
	char text[PDU_TEXT_MAX];	/* UTF-8, NUL-terminated (empty for 8-bit) */
	size_t text_len;
	uint8_t data[140];	/* user data bytes after the UDH: 8-bit messages, and
				   UCS-2 as raw UTF-16BE (so parts split inside a
				   surrogate pair can be joined before decoding);
				   empty for GSM 7-bit */
	size_t data_len;
};

/* Decodes one PDU as a modem prints it. tpdu_len is the <length> a modem
 * gives with +CMGR/+CMGL/+CMT/+CDS (TPDU octets, SMSC excluded); pass -1 when
 * unknown: the decoder then tries "with SMSC prefix" first and falls back to
 * "bare TPDU". Trailing CR/LF/blanks are ignored. TP-MTI 0 reads as DELIVER,
 * 1 as SUBMIT, 2 as STATUS-REPORT. The user data must end the TPDU exactly.
 * Reserved DCS codings read as GSM 7-bit (TS 23.038 4); compressed text is
 * PDU_E_COMPRESSED. A UCS-2 part holding half a surrogate pair decodes with
 * U+FFFD in text; its raw UTF-16 is in data, so joining the parts' data
 * before converting (utf16be_to_utf8 in sms/utf8.h) gives the character.
 * On success why is set to "", on failure *out is emptied (text ""). */
int pdu_decode(const char *hex, size_t hexlen, int tpdu_len, struct pdu_msg *out,
	       char *why, size_t whylen);

/* One encoded part, ready for AT+CMGS=<tpdu_len> followed by hex. */
struct pdu_part {
	int tpdu_len;
	char hex[PDU_HEX_MAX];
};

struct pdu_submit_opts {
	const char *to;		/* E.164 "+84..." or a national / short number */
	const char *text;	/* UTF-8 */
	bool status_report;	/* request a delivery report */
	int force;		/* -1 auto, or an enum sms_enc (GSM7 / UCS2) */
	uint16_t ref;		/* concatenation reference, used when split */
	bool ref16;		/* 16-bit reference IE */
	uint8_t mr;		/* TP-MR; modems overwrite it, 0 is usual */
	int validity_minutes;	/* 0: no TP-VP */
};

/* Encodes SMS-SUBMIT with the empty SMSC field "00" so that the SIM's SMSC is
 * used. GSM 7-bit when every character fits, else UCS-2 (force: -1 auto,
 * SMS_ENC_GSM7 or SMS_ENC_UCS2; 8-bit text is PDU_E_ARG). One part holds 160
 * septets / 70 UTF-16 units; longer text is split into parts of 153 / 67
 * (152 / 66 with ref16) never cutting an escape sequence or a surrogate
 * pair. Returns the number of parts written (PDU_E_TOOLONG when more than
 * max_parts or 255 would be needed), or < 0. */
int pdu_encode_submit(const struct pdu_submit_opts *o, struct pdu_part *parts,
		      size_t max_parts, char *why, size_t whylen);

struct pdu_deliver_opts {
	const char *from;	/* number, or alphanumeric when alnum */
	bool alnum;
	const char *smsc;	/* NULL: "00" (no SMSC) */
	const char *text;	/* UTF-8 */
	int force;		/* -1 auto, or an enum sms_enc */
	struct pdu_time scts;
	uint16_t ref;
	bool ref16;
	bool status_report;	/* TP-SRI */
};

/* The network side of the firmware: SMS-DELIVER parts as a modem stores them
 * (SMSC prefix included; tpdu_len excludes it, as +CMGR reports). First
 * octet 04 (TP-MMS) plus SRI/UDHI, PID 00. Splitting as pdu_encode_submit.
 * Returns the number of parts, or < 0. */
int pdu_encode_deliver(const struct pdu_deliver_opts *o, struct pdu_part *parts,
		       size_t max_parts, char *why, size_t whylen);

/* SMS-STATUS-REPORT for message reference mr sent to `to`, status st
 * (0x00 delivered, 0x20..0x3F temporary failure, 0x40.. permanent), with
 * the SMSC prefix ("00" when smsc is NULL). Returns 1 (one part) or < 0. */
int pdu_encode_status_report(uint8_t mr, const char *to, const struct pdu_time *scts,
			     const struct pdu_time *dt, uint8_t st, const char *smsc,
			     struct pdu_part *out, char *why, size_t whylen);

/* "2026-11-25T16:29:05+07:00" into buf (at least 26 bytes). */
void pdu_time_iso(const struct pdu_time *t, char *buf, size_t len);
/* Seconds since the epoch (UTC) of a time stamp, honouring its zone. */
long long pdu_time_epoch(const struct pdu_time *t);

const char *pdu_type_name(enum pdu_type t);	/* "deliver", "submit", "status-report" */
const char *sms_enc_name(enum sms_enc e);	/* "gsm7", "8bit", "ucs2" */
const char *pdu_strerror(int err);

#endif

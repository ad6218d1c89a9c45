/* fw_at_priv.h: what fw_at.c shares with its command files fw_at_cmd.c and
 * fw_at_sms.c. Not for use outside firmware/fw_at*.c. */
#ifndef TINBAO_FW_AT_PRIV_H
#define TINBAO_FW_AT_PRIV_H

#include "fw_at.h"

enum fw_at_form { FW_AT_ACTION, FW_AT_READ, FW_AT_TEST, FW_AT_SET };

/* Handler results: OK, ERROR, waiting at the "> " prompt, or an error code
 * made by fw_at_cme() / fw_at_cms(). */
#define FW_AT_OK 0
#define FW_AT_ERROR (-1)
#define FW_AT_PENDING (-2)
static inline int fw_at_cme(int n) { return 10000 + n; }
static inline int fw_at_cms(int n) { return 20000 + n; }

#define FW_ARGS_MAX 8
#define FW_ARG_LEN 512

/* Arguments of "=": comma separated, quoted strings unquoted. */
struct fw_args {
	int n;
	char v[FW_ARGS_MAX][FW_ARG_LEN];
	bool quoted[FW_ARGS_MAX];
};

/* false when argument i is missing, empty or not a number in [lo, hi]. */
bool fw_arg_int(const struct fw_args *g, int i, int lo, int hi, int *out);
bool fw_arg_present(const struct fw_args *g, int i);

typedef int (*fw_at_fn)(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now);

struct fw_at_cmd {
	const char *name;	/* "+CMGS", "E", "&F" */
	fw_at_fn fn;
};

extern const struct fw_at_cmd fw_at_cmds_general[];
extern const struct fw_at_cmd fw_at_cmds_sms[];

/* One information line of the running command (CRLF framing per ATV). */
void fw_at_info(struct fw_at *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An unsolicited result code; held while the prompt is open. */
void fw_at_urc(struct fw_at *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A URC followed by a PDU line (+CMT, +CDS). */
void fw_at_urc_pdu(struct fw_at *a, const char *head, const char *pdu);
/* An SMS indication (+CMTI, +CDS, +CDSI): a URC, or kept in the TA
 * buffer while AT+CNMI <mode> is 0 (the buffer holds FW_AT_TABUF_MAX bytes;
 * later indications are dropped, 27.005 3.4.1). pdu may be NULL. */
#define FW_AT_TABUF_MAX 4096
void fw_at_sms_urc(struct fw_at *a, const char *pdu, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The final result of a command line. */
void fw_at_final(struct fw_at *a, int rc);

/* SIM / SMS readiness as a CME or CMS error, 0 when ready. */
int fw_at_sim_cme(const struct fw_at *a);
int fw_at_sms_cms(const struct fw_at *a);
bool fw_at_registered(const struct fw_at *a);

/* Every setting back to its power-on value (power-on, reboot, ATZ, AT&F). */
void fw_at_defaults(struct fw_at *a);
/* Settings of fw_at_sms.c at power-on / ATZ. */
void fw_at_sms_defaults(struct fw_at *a);
/* SIM became ready (PIN entered or boot). */
void fw_at_sim_ready(struct fw_at *a, int64_t now);
/* Registration changed: URCs per AT+CREG / CGREG / CEREG. */
void fw_at_reg_urcs(struct fw_at *a);
void fw_at_set_reg(struct fw_at *a, int reg);
/* Prompt body complete (Ctrl-Z): fw_at_sms.c sends or stores it. */
int fw_at_sms_body(struct fw_at *a, int64_t now);
/* Delivery from the network, USSD and status reports (in fw_at_tick). */
void fw_at_sms_tick(struct fw_at *a, int64_t now);
void fw_at_ussd_tick(struct fw_at *a, int64_t now);

/* Character set conversions for AT+CSCS: UTF-8 text into the current set
 * ("UCS2" is hex of UTF-16BE), and back. */
void fw_at_put_text(const struct fw_at *a, struct fw_buf *b, const char *utf8);
int fw_at_get_text(const struct fw_at *a, const char *in, char *out, size_t outlen);
bool fw_at_ucs2(const struct fw_at *a);
/* UTF-8 to upper-case hex of UTF-16BE. */
void fw_utf8_to_ucs2hex(struct fw_buf *b, const char *utf8);

#endif

/* cli_pdu.c: `tinbao pdu decode HEX` (one JSON object, for reading field
 * traces) and `tinbao pdu encode --to NUMBER TEXT` (one "TPDULEN HEX" line
 * per part, what AT+CMGS needs; with --from an SMS-DELIVER instead, for
 * test fixtures). A thin shell over gateway/sms/pdu.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sms/pdu.h"

static int pdu_usage(void)
{
	fprintf(stderr,
		"usage: tinbao pdu decode [--len TPDU_OCTETS] HEX\n"
		"       tinbao pdu encode --to NUMBER [--ucs2|--gsm7] [--report] [--ref N] [--ref16]\n"
		"                         [--validity MINUTES] TEXT\n"
		"       tinbao pdu encode --from NUMBER|NAME [--alnum] [--smsc NUMBER]\n"
		"                         [--time 2026-11-25T16:29:05+07:00] [options above] TEXT\n"
		"                         (SMS-DELIVER as a modem stores it, for tests)\n");
	return 2;
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
	char buf[2 * 140 + 1];
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n && i < 140; i++) {
		buf[2 * i] = digits[b[i] >> 4];
		buf[2 * i + 1] = digits[b[i] & 15];
	}
	buf[2 * (n < 140 ? n : 140)] = '\0';
	return json_string(buf);
}

static json_t *time_json(const struct pdu_time *t)
{
	char iso[40];
	pdu_time_iso(t, iso, sizeof iso);
	return json_string(iso);
}

static json_t *msg_json(const struct pdu_msg *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(pdu_type_name(m->type)));
	json_object_set_new(o, "smsc", m->has_smsc && m->smsc.text[0] ? json_string(m->smsc.text)
								       : json_null());
	json_object_set_new(o, m->type == PDU_DELIVER ? "from" : "to", json_string(m->addr.text));
	json_object_set_new(o, "toa", json_integer(m->addr.toa));
	json_object_set_new(o, "alnum", json_boolean(m->addr.alnum));
	json_object_set_new(o, "text", json_stringn(m->text, m->text_len));
	json_object_set_new(o, "encoding", json_string(sms_enc_name(m->enc)));
	json_object_set_new(o, "timestamp",
			    m->type == PDU_SUBMIT ? json_null() : time_json(&m->scts));
	if (m->concat.present)
		json_object_set_new(o, "concat",
				    json_pack("{s:i,s:i,s:i,s:b}", "ref", (int)m->concat.ref,
					      "part", (int)m->concat.seq, "total",
					      (int)m->concat.total, "ref16", (int)m->concat.ref16));
	else
		json_object_set_new(o, "concat", json_null());
	json_object_set_new(o, "class", m->msg_class < 0 ? json_null() : json_integer(m->msg_class));
	json_object_set_new(o, "pid", json_integer(m->pid));
	json_object_set_new(o, "dcs", json_integer(m->dcs));
	if (m->mwi)
		json_object_set_new(o, "mwi",
				    json_pack("{s:b,s:i,s:b}", "active", (int)m->mwi_active, "kind",
					      (int)m->mwi_kind, "discard", (int)m->mwi_discard));
	json_object_set_new(o, "status_report", json_boolean(m->status_report));
	if (m->type != PDU_DELIVER)
		json_object_set_new(o, "mr", json_integer(m->mr));
	if (m->type == PDU_SUBMIT && m->validity_minutes)
		json_object_set_new(o, "validity_minutes", json_integer(m->validity_minutes));
	if (m->type == PDU_STATUS_REPORT) {
		json_object_set_new(o, "discharge_time", time_json(&m->dt));
		json_object_set_new(o, "status", json_integer(m->st));
	}
	if (m->udh_len)
		json_object_set_new(o, "udh", hex_json(m->udh, m->udh_len));
	if (m->enc == SMS_ENC_8BIT)
		json_object_set_new(o, "data", hex_json(m->data, m->data_len));
	return o;
}

static int do_decode(int argc, char **argv)
{
	int len = -1;
	const char *hex = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--len") && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 0 || v > 255)
				return pdu_usage();
			len = (int)v;
		} else if (!hex) {
			hex = argv[i];
		} else {
			return pdu_usage();
		}
	}
	if (!hex)
		return pdu_usage();
	struct pdu_msg *m = malloc(sizeof *m);
	if (!m)
		return 1;
	char why[256];
	/* Spaces people paste from traces are harmless: skip leading ones. */
	while (*hex == ' ' || *hex == '\t')
		hex++;
	int rc = pdu_decode(hex, strlen(hex), len, m, why, sizeof why);
	if (rc) {
		fprintf(stderr, "tinbao pdu decode: %s: %s\n", pdu_strerror(rc), why);
		free(m);
		return 1;
	}
	json_t *o = msg_json(m);
	free(m);
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (!s)
		return 1;
	printf("%s\n", s);
	free(s);
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" (zone a multiple of 15 minutes). */
static int parse_iso(const char *s, struct pdu_time *t)
{
	char sign;
	int zh, zm, n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%n", &t->year, &t->month, &t->day,
		   &t->hour, &t->minute, &t->second, &sign, &zh, &zm, &n) != 9 || s[n] ||
	    (sign != '+' && sign != '-') || zm % 15)
		return -1;
	t->tz_quarters = (zh * 4 + zm / 15) * (sign == '-' ? -1 : 1);
	return 0;
}

static int encode_deliver(const struct pdu_submit_opts *s, const char *from, bool alnum,
			  const char *smsc, const struct pdu_time *ts, struct pdu_part *parts,
			  char *why, size_t whylen)
{
	struct pdu_deliver_opts d = {
		.from = from, .alnum = alnum, .smsc = smsc, .text = s->text, .force = s->force,
		.scts = *ts, .ref = s->ref, .ref16 = s->ref16, .status_report = s->status_report,
	};
	return pdu_encode_deliver(&d, parts, PDU_MAX_PARTS, why, whylen);
}

static int do_encode(int argc, char **argv)
{
	struct pdu_submit_opts o = { .force = -1 };
	const char *text = NULL, *from = NULL, *smsc = NULL;
	bool alnum = false;
	struct pdu_time ts = { 2026, 1, 1, 0, 0, 0, 28 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--to") && i + 1 < argc) {
			o.to = argv[++i];
		} else if (!strcmp(a, "--from") && i + 1 < argc) {
			from = argv[++i];
		} else if (!strcmp(a, "--smsc") && i + 1 < argc) {
			smsc = argv[++i];
		} else if (!strcmp(a, "--alnum")) {
			alnum = true;
		} else if (!strcmp(a, "--time") && i + 1 < argc) {
			if (parse_iso(argv[++i], &ts))
				return pdu_usage();
		} else if (!strcmp(a, "--ucs2")) {
			o.force = SMS_ENC_UCS2;
		} else if (!strcmp(a, "--gsm7")) {
			o.force = SMS_ENC_GSM7;
		} else if (!strcmp(a, "--report")) {
			o.status_report = true;
		} else if (!strcmp(a, "--ref16")) {
			o.ref16 = true;
		} else if ((!strcmp(a, "--ref") || !strcmp(a, "--validity")) && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 0 || v > (a[2] == 'r' ? 65535 : 635040))
				return pdu_usage();
			if (a[2] == 'r')
				o.ref = (uint16_t)v;
			else
				o.validity_minutes = (int)v;
		} else if (!text && (a[0] != '-' || a[1] == '\0' || !strcmp(a, "--"))) {
			if (!strcmp(a, "--") && i + 1 < argc)
				a = argv[++i];
			text = a;
		} else {
			return pdu_usage();
		}
	}
	if (!text || !o.to == !from)
		return pdu_usage();
	o.text = text;
	struct pdu_part *parts = calloc(PDU_MAX_PARTS, sizeof *parts);
	if (!parts)
		return 1;
	char why[256];
	int n = from ? encode_deliver(&o, from, alnum, smsc, &ts, parts, why, sizeof why)
		     : pdu_encode_submit(&o, parts, PDU_MAX_PARTS, why, sizeof why);
	if (n < 0) {
		fprintf(stderr, "tinbao pdu encode: %s: %s\n", pdu_strerror(n), why);
		free(parts);
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%d %s\n", parts[i].tpdu_len, parts[i].hex);
	free(parts);
	return 0;
}

int cli_pdu(int argc, char **argv)
{
	if (argc < 2)
		return pdu_usage();
	if (!strcmp(argv[1], "decode"))
		return do_decode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "encode"))
		return do_encode(argc - 1, argv + 1);
	return pdu_usage();
}

/* fw_net.c: the simulated network (see fw_net.h). */
#include "fw_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/gsm7.h"
#include "sms/utf8.h"

#define FW_NET_USSD_MAX 64
#define FW_NET_CONCAT_MAX 64
#define FW_NET_INBOUND_MAX 100000
#define FW_NET_DEFAULT_SMSC "+84980200030"

struct fw_net_ussd {
	char *code, *reply;
	bool menu;
};

/* Parts of one concatenated message the modem is sending. */
struct fw_net_concat {
	char to[PDU_ADDR_MAX];
	uint16_t ref;
	bool ref16;
	uint8_t total;
	int got;
	enum sms_enc enc;
	bool srr;
	char *text[PDU_MAX_PARTS + 1];	/* by seq, 1-based */
	char *hex[PDU_MAX_PARTS + 1];
	uint8_t mr[PDU_MAX_PARTS + 1];
	unsigned long age;
};

struct fw_net {
	struct fw_net_in *in;
	size_t in_head, in_len, in_cap;
	json_t *sent;		/* array of records */
	struct fw_net_concat *concat[FW_NET_CONCAT_MAX];
	unsigned long concat_age;
	struct fw_net_ussd ussd[FW_NET_USSD_MAX];
	size_t nussd;
	long balance, cost;
	bool enforce_balance;
	uint16_t next_ref;
	struct fw_net_counters cnt;
};

struct fw_net *fw_net_new(void)
{
	struct fw_net *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->sent = json_array();
	n->balance = 50000;
	n->cost = 350;
	n->next_ref = 1;
	if (!n->sent || fw_net_ussd_set(n, "*101#", "TKC {balance}d, han su dung 31/12/2027.", false) < 0) {
		fw_net_free(n);
		return NULL;
	}
	return n;
}

static void fw_net_concat_free(struct fw_net_concat *c)
{
	if (!c)
		return;
	for (int i = 0; i <= PDU_MAX_PARTS; i++) {
		free(c->text[i]);
		free(c->hex[i]);
	}
	free(c);
}

void fw_net_free(struct fw_net *n)
{
	if (!n)
		return;
	free(n->in);
	json_decref(n->sent);
	for (int i = 0; i < FW_NET_CONCAT_MAX; i++)
		fw_net_concat_free(n->concat[i]);
	for (size_t i = 0; i < n->nussd; i++) {
		free(n->ussd[i].code);
		free(n->ussd[i].reply);
	}
	free(n);
}

bool fw_net_gsm7_ok(const char *s)
{
	size_t len = strlen(s);
	while (len) {
		uint32_t cp;
		size_t k = utf8_decode(s, len, &cp);
		if (!k || gsm7_from_ucs(cp) < 0)
			return false;
		s += k;
		len -= k;
	}
	return true;
}

/* --- inbound queue ------------------------------------------------------ */

static int fw_net_push(struct fw_net *n, const char *hex, int tpdu_len)
{
	if (n->in_len - n->in_head >= FW_NET_INBOUND_MAX)
		return -1;
	if (n->in_head && n->in_head * 2 >= n->in_len) {
		memmove(n->in, n->in + n->in_head, (n->in_len - n->in_head) * sizeof *n->in);
		n->in_len -= n->in_head;
		n->in_head = 0;
	}
	if (n->in_len == n->in_cap) {
		size_t cap = n->in_cap ? n->in_cap * 2 : 16;
		struct fw_net_in *p = realloc(n->in, cap * sizeof *p);
		if (!p)
			return -1;
		n->in = p;
		n->in_cap = cap;
	}
	struct fw_net_in *e = &n->in[n->in_len++];
	e->tpdu_len = tpdu_len;
	snprintf(e->hex, sizeof e->hex, "%s", hex);
	return 0;
}

size_t fw_net_inbound_count(const struct fw_net *n)
{
	return n->in_len - n->in_head;
}

const struct fw_net_in *fw_net_inbound_peek(const struct fw_net *n)
{
	return n->in_head < n->in_len ? &n->in[n->in_head] : NULL;
}

void fw_net_inbound_pop(struct fw_net *n)
{
	if (n->in_head < n->in_len)
		n->in_head++;
	if (n->in_head == n->in_len)
		n->in_head = n->in_len = 0;
}

int fw_net_inbound_unpop(struct fw_net *n, const struct fw_net_in *in)
{
	if (n->in_head > 0) {
		n->in[--n->in_head] = *in;
		return 0;
	}
	if (fw_net_push(n, in->hex, in->tpdu_len) < 0)
		return -1;
	/* Rotate the new tail to the head. */
	struct fw_net_in t = n->in[n->in_len - 1];
	memmove(n->in + n->in_head + 1, n->in + n->in_head,
		(n->in_len - 1 - n->in_head) * sizeof *n->in);
	n->in[n->in_head] = t;
	return 0;
}

static bool fw_net_in_list(const int *v, size_t n, int x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static int fw_net_deliver_parts(struct fw_net *n, const struct fw_net_sms_opts *o,
				const struct pdu_deliver_opts *d, struct pdu_part *parts,
				char *why, size_t whylen);

int fw_net_deliver(struct fw_net *n, const struct fw_net_sms_opts *o, char *why, size_t whylen)
{
	struct pdu_deliver_opts d = {
		.from = o->from, .alnum = o->alnum,
		.smsc = o->smsc ? o->smsc : FW_NET_DEFAULT_SMSC,
		.text = o->text, .force = o->force, .scts = o->scts,
		.ref = o->ref >= 0 ? (uint16_t)o->ref : n->next_ref,
		.ref16 = o->ref16,
	};
	if (!o->from || !o->text) {
		snprintf(why, whylen, "from and text are required");
		return -1;
	}
	/* 255 parts are ~100 KB: on the heap, not the stack. */
	struct pdu_part *parts = malloc(PDU_MAX_PARTS * sizeof *parts);
	if (!parts) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	int np = fw_net_deliver_parts(n, o, &d, parts, why, whylen);
	free(parts);
	return np;
}

static int fw_net_deliver_parts(struct fw_net *n, const struct fw_net_sms_opts *o,
				const struct pdu_deliver_opts *d, struct pdu_part *parts,
				char *why, size_t whylen)
{
	int np = pdu_encode_deliver(d, parts, PDU_MAX_PARTS, why, whylen);
	if (np <= 0)
		return -1;
	if (o->ref < 0)
		n->next_ref = (uint16_t)(n->next_ref % 255 + 1);	/* fits 8- and 16-bit IEs */
	if (o->norder && o->norder != (size_t)np) {
		snprintf(why, whylen, "order lists %zu parts, the message has %d", o->norder, np);
		return -1;
	}
	for (size_t i = 0; i < o->norder; i++)
		if (o->order[i] < 1 || o->order[i] > np || fw_net_in_list(o->order, i, o->order[i])) {
			snprintf(why, whylen, "order must be a permutation of 1..%d", np);
			return -1;
		}
	for (int copy = 0; copy < (o->duplicate ? 2 : 1); copy++)
		for (int i = 0; i < np; i++) {
			int seq = o->norder ? o->order[i] : i + 1;
			if (fw_net_in_list(o->drop, o->ndrop, seq))
				continue;
			if (fw_net_push(n, parts[seq - 1].hex, parts[seq - 1].tpdu_len) < 0) {
				snprintf(why, whylen, "network queue full");
				return -1;
			}
			n->cnt.delivered_parts++;
		}
	n->cnt.delivered_msgs++;
	return np;
}

int fw_net_deliver_pdu(struct fw_net *n, const char *hex, char *why, size_t whylen)
{
	size_t len = strlen(hex);
	unsigned smsc_len;
	if (len < 2 || len % 2 || len >= PDU_HEX_MAX || sscanf(hex, "%2x", &smsc_len) != 1 ||
	    2 * (smsc_len + 1) > len || strspn(hex, "0123456789abcdefABCDEF") != len) {
		snprintf(why, whylen, "a PDU is even-length hex with its SMSC prefix, at most %d bytes",
			 (PDU_HEX_MAX - 1) / 2);
		return -1;
	}
	if (fw_net_push(n, hex, (int)(len / 2 - smsc_len - 1)) < 0) {
		snprintf(why, whylen, "network queue full");
		return -1;
	}
	n->cnt.delivered_parts++;
	return 1;
}

/* --- what the modem sends ------------------------------------------------- */

static void fw_net_record(struct fw_net *n, const char *to, const char *text, int parts,
			  enum sms_enc enc, bool srr, json_t *pdus, json_t *mrs)
{
	json_t *r = json_pack("{s:s, s:s, s:i, s:s, s:b, s:o, s:o}", "to", to, "text", text,
			      "parts", parts, "encoding", sms_enc_name(enc), "status_report", srr,
			      "pdus", pdus, "mr", mrs);
	if (r)
		json_array_append_new(n->sent, r);
	n->cnt.sent_msgs++;
}

static int fw_net_charge(struct fw_net *n, char *why, size_t whylen)
{
	if (n->enforce_balance && n->balance < n->cost) {
		snprintf(why, whylen, "balance %ld below the price of an SMS (%ld)", n->balance, n->cost);
		n->cnt.rejected++;
		return 21;	/* short message transfer rejected */
	}
	n->balance -= n->cost;
	if (n->balance < 0 && !n->enforce_balance)
		n->balance = 0;
	return 0;
}

static struct fw_net_concat *fw_net_concat_get(struct fw_net *n, const struct pdu_msg *m)
{
	int free_i = -1, oldest = 0;
	for (int i = 0; i < FW_NET_CONCAT_MAX; i++) {
		struct fw_net_concat *c = n->concat[i];
		if (!c) {
			free_i = free_i < 0 ? i : free_i;
			continue;
		}
		if (c->ref == m->concat.ref && c->ref16 == m->concat.ref16 &&
		    c->total == m->concat.total && !strcmp(c->to, m->addr.text))
			return c;
		if (n->concat[oldest] && c->age < n->concat[oldest]->age)
			oldest = i;
	}
	if (free_i < 0) {	/* forget the oldest unfinished message */
		fw_net_concat_free(n->concat[oldest]);
		n->concat[oldest] = NULL;
		free_i = oldest;
	}
	struct fw_net_concat *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	snprintf(c->to, sizeof c->to, "%s", m->addr.text);
	c->ref = m->concat.ref;
	c->ref16 = m->concat.ref16;
	c->total = m->concat.total;
	c->enc = m->enc;
	c->age = ++n->concat_age;
	n->concat[free_i] = c;
	return c;
}

static void fw_net_concat_done(struct fw_net *n, struct fw_net_concat *c)
{
	size_t len = 0;
	for (int i = 1; i <= c->total; i++)
		len += strlen(c->text[i]);
	char *all = malloc(len + 1);
	json_t *pdus = json_array(), *mrs = json_array();
	if (all) {
		all[0] = '\0';
		for (int i = 1; i <= c->total; i++) {
			strcat(all, c->text[i]);
			json_array_append_new(pdus, json_string(c->hex[i]));
			json_array_append_new(mrs, json_integer(c->mr[i]));
		}
		fw_net_record(n, c->to, all, c->total, c->enc, c->srr, pdus, mrs);
	} else {
		json_decref(pdus);
		json_decref(mrs);
	}
	free(all);
	for (int i = 0; i < FW_NET_CONCAT_MAX; i++)
		if (n->concat[i] == c)
			n->concat[i] = NULL;
	fw_net_concat_free(c);
}

int fw_net_submit_pdu(struct fw_net *n, const char *hex, int tpdu_len, uint8_t mr,
		      struct pdu_msg *msg, char *why, size_t whylen)
{
	struct pdu_msg local, *m = msg ? msg : &local;
	int r = pdu_decode(hex, strlen(hex), tpdu_len, m, why, whylen);
	if (r < 0)
		return 304;	/* invalid PDU mode parameter */
	if (m->type != PDU_SUBMIT) {
		snprintf(why, whylen, "an SMS-%s is not an SMS-SUBMIT", pdu_type_name(m->type));
		return 304;
	}
	int cms = fw_net_charge(n, why, whylen);
	if (cms)
		return cms;
	n->cnt.sent_parts++;
	m->mr = mr;
	if (!m->concat.present || m->concat.total <= 1) {
		json_t *pdus = json_array(), *mrs = json_array();
		json_array_append_new(pdus, json_string(hex));
		json_array_append_new(mrs, json_integer(mr));
		fw_net_record(n, m->addr.text, m->text, 1, m->enc, m->status_report, pdus, mrs);
		return 0;
	}
	if (m->concat.seq < 1 || m->concat.seq > m->concat.total) {
		snprintf(why, whylen, "part %u of %u", m->concat.seq, m->concat.total);
		return 304;
	}
	struct fw_net_concat *c = fw_net_concat_get(n, m);
	if (!c) {
		snprintf(why, whylen, "out of memory");
		return 500;
	}
	int s = m->concat.seq;
	if (!c->text[s])
		c->got++;
	free(c->text[s]);
	free(c->hex[s]);
	c->text[s] = strdup(m->text);
	c->hex[s] = strdup(hex);
	c->mr[s] = mr;
	c->srr = c->srr || m->status_report;
	if (!c->text[s] || !c->hex[s]) {
		snprintf(why, whylen, "out of memory");
		return 500;
	}
	if (c->got == c->total)
		fw_net_concat_done(n, c);
	return 0;
}

int fw_net_submit_text(struct fw_net *n, const char *to, const char *text, enum sms_enc enc,
		       bool srr, uint8_t mr)
{
	char why[128];
	int cms = fw_net_charge(n, why, sizeof why);
	if (cms)
		return cms;
	n->cnt.sent_parts++;
	json_t *mrs = json_array();
	json_array_append_new(mrs, json_integer(mr));
	fw_net_record(n, to, text, 1, enc, srr, json_array(), mrs);
	return 0;
}

json_t *fw_net_sent_take(struct fw_net *n, size_t max, bool keep)
{
	json_t *out = json_array();
	size_t k = json_array_size(n->sent);
	if (max && max < k)
		k = max;
	for (size_t i = 0; i < k; i++)
		json_array_append(out, json_array_get(n->sent, i));
	if (!keep)
		for (size_t i = 0; i < k; i++)
			json_array_remove(n->sent, 0);
	return out;
}

size_t fw_net_sent_count(const struct fw_net *n)
{
	return json_array_size(n->sent);
}

size_t fw_net_pending_parts(const struct fw_net *n)
{
	size_t k = 0;
	for (int i = 0; i < FW_NET_CONCAT_MAX; i++)
		if (n->concat[i])
			k += (size_t)n->concat[i]->got;
	return k;
}

/* --- USSD ---------------------------------------------------------------- */

int fw_net_ussd_set(struct fw_net *n, const char *code, const char *reply, bool menu)
{
	size_t i;
	for (i = 0; i < n->nussd; i++)
		if (!strcmp(n->ussd[i].code, code))
			break;
	if (i == FW_NET_USSD_MAX)
		return -1;
	char *c = strdup(code), *r = strdup(reply);
	if (!c || !r) {
		free(c);
		free(r);
		return -1;
	}
	if (i == n->nussd) {
		n->nussd++;
	} else {
		free(n->ussd[i].code);
		free(n->ussd[i].reply);
	}
	n->ussd[i] = (struct fw_net_ussd){ c, r, menu };
	return 0;
}

int fw_net_ussd_answer(struct fw_net *n, const char *path, char *out, size_t outlen)
{
	n->cnt.ussd++;
	for (size_t i = 0; i < n->nussd; i++) {
		if (strcmp(n->ussd[i].code, path))
			continue;
		/* Expand {balance}. */
		const char *s = n->ussd[i].reply;
		size_t o = 0;
		while (*s && o + 1 < outlen) {
			if (!strncmp(s, "{balance}", 9)) {
				int w = snprintf(out + o, outlen - o, "%ld", n->balance);
				o += w > 0 ? (size_t)w : 0;
				if (o >= outlen)
					o = outlen - 1;
				s += 9;
			} else {
				out[o++] = *s++;
			}
		}
		out[o] = '\0';
		return n->ussd[i].menu ? 1 : 0;
	}
	snprintf(out, outlen, "%s", "");
	return 4;
}

void fw_net_set_balance(struct fw_net *n, long balance, long cost)
{
	n->balance = balance;
	if (cost >= 0)
		n->cost = cost;
	n->enforce_balance = true;
}

long fw_net_balance(const struct fw_net *n)
{
	return n->balance;
}

const struct fw_net_counters *fw_net_counters(const struct fw_net *n)
{
	return &n->cnt;
}

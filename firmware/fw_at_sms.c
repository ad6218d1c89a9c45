/* fw_at_sms.c: the 27.005 SMS commands (PDU and text mode): format,
 * character set, storage (+CPMS), listing, reading and deleting stored
 * messages, sending with the "> " prompt, new-message indications
 * (+CNMI: +CMTI, +CMT with +CNMA, +CDS / +CDSI), and the delivery of what
 * the network holds to the SIM or the terminal. */
#include "fw_at_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FW_DEFAULT_CSCA "+84980200030"

void fw_at_sms_defaults(struct fw_at *a)
{
	a->cmgf = 0;
	a->csdh = false;
	a->mem[0] = a->mem[1] = a->mem[2] = FW_MEM_SM;
	/* Modules start with +CMTI indications on (EC25 and SIM800: 2,1,0,0,0). */
	a->cnmi[0] = 2;
	a->cnmi[1] = 1;
	a->cnmi[2] = a->cnmi[3] = a->cnmi[4] = 0;
	a->csmp[0] = 17;
	a->csmp[1] = 167;
	a->csmp[2] = a->csmp[3] = 0;
	if (!a->csca[0])
		snprintf(a->csca, sizeof a->csca, "%s", FW_DEFAULT_CSCA);
}

static int fw_index(const struct fw_at *a, int slot)
{
	return slot + a->prof->index_base;
}

static const char *fw_stat_text(int stat)
{
	static const char *const t[] = { "REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL" };
	return stat >= 0 && stat <= 4 ? t[stat] : "ALL";
}

static int fw_stat_parse(const struct fw_at *a, const struct fw_args *g, int i, int dflt)
{
	int v;
	if (!fw_arg_present(g, i))
		return dflt;
	if (a->cmgf == 0)
		return fw_arg_int(g, i, 0, 4, &v) ? v : -1;
	for (v = 0; v <= 4; v++)
		if (!strcasecmp(g->v[i], fw_stat_text(v)))
			return v;
	return -1;
}

/* "yy/MM/dd,hh:mm:ss+zz" of text mode. */
static void fw_time_text(const struct pdu_time *t, char *buf, size_t len)
{
	int tz = t->tz_quarters;
	snprintf(buf, len, "%02d/%02d/%02d,%02d:%02d:%02d%c%02d", t->year % 100, t->month, t->day,
		 t->hour, t->minute, t->second, tz < 0 ? '-' : '+', tz < 0 ? -tz : tz);
}

/* --- settings ------------------------------------------------------------------- */

static int fw_cmd_cmgf(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CMGF: %d", a->cmgf); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CMGF: (0,1)"); return FW_AT_OK;
	case FW_AT_ACTION: a->cmgf = 0; return FW_AT_OK;
	case FW_AT_SET: return fw_arg_int(g, 0, 0, 1, &a->cmgf) ? FW_AT_OK : fw_at_cms(304);
	}
	return FW_AT_ERROR;
}

static int fw_cmd_cscs(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	static const char *const sets[] = { "GSM", "IRA", "UCS2" };
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CSCS: \"%s\"", a->cscs); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")"); return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: break;
	}
	for (size_t i = 0; i < 3; i++)
		if (g->n == 1 && !strcasecmp(g->v[0], sets[i])) {
			snprintf(a->cscs, sizeof a->cscs, "%s", sets[i]);
			return FW_AT_OK;
		}
	return fw_at_cme(4);
}

static int fw_cmd_csms(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CSMS: %d,1,1,1", a->csms); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CSMS: (0,1)"); return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: break;
	}
	if (!fw_arg_int(g, 0, 0, 1, &a->csms))
		return fw_at_cms(303);
	fw_at_info(a, "+CSMS: 1,1,1");
	return FW_AT_OK;
}

static int fw_cmd_csca(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	int cms = fw_at_sms_cms(a);
	if (cms && f != FW_AT_TEST)
		return fw_at_cms(cms);
	switch (f) {
	case FW_AT_READ: {
		struct fw_buf b;
		fw_buf_init(&b);
		fw_at_put_text(a, &b, a->csca);
		fw_at_info(a, "+CSCA: \"%s\",%d", b.p ? b.p : "", a->csca[0] == '+' ? 145 : 129);
		fw_buf_free(&b);
		return FW_AT_OK;
	}
	case FW_AT_TEST: return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: break;
	}
	char num[32];
	if (!fw_arg_present(g, 0) || fw_at_get_text(a, g->v[0], num, sizeof num) < 0 || !num[0])
		return fw_at_cms(304);
	snprintf(a->csca, sizeof a->csca, "%s", num);
	return FW_AT_OK;
}

static int fw_cmd_cpms(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	struct fw_sim *s = a->sim;
	(void)now;
	if (f == FW_AT_TEST) {
		fw_at_info(a, "+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")");
		return FW_AT_OK;
	}
	int cms = fw_at_sms_cms(a);
	if (cms)
		return fw_at_cms(cms);
	if (f == FW_AT_READ) {
		fw_at_info(a, "+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d",
			   fw_mem_name(a->mem[0]), fw_sim_used(s, a->mem[0]), s->size[a->mem[0]],
			   fw_mem_name(a->mem[1]), fw_sim_used(s, a->mem[1]), s->size[a->mem[1]],
			   fw_mem_name(a->mem[2]), fw_sim_used(s, a->mem[2]), s->size[a->mem[2]]);
		return FW_AT_OK;
	}
	if (f != FW_AT_SET || g->n < 1 || g->n > 3)
		return fw_at_cms(302);
	int m[3] = { a->mem[0], a->mem[1], a->mem[2] };
	for (int i = 0; i < g->n; i++) {
		if (!fw_arg_present(g, i))
			continue;
		m[i] = fw_mem_parse(g->v[i]);
		if (m[i] < 0)
			return fw_at_cms(302);
	}
	memcpy(a->mem, m, sizeof m);
	fw_at_info(a, "+CPMS: %d,%d,%d,%d,%d,%d", fw_sim_used(s, m[0]), s->size[m[0]],
		   fw_sim_used(s, m[1]), s->size[m[1]], fw_sim_used(s, m[2]), s->size[m[2]]);
	return FW_AT_OK;
}

static int fw_cmd_cnmi(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	static const int hi[5] = { 2, 3, 3, 2, 1 };
	int v[5];
	(void)now;
	switch (f) {
	case FW_AT_READ:
		fw_at_info(a, "+CNMI: %d,%d,%d,%d,%d", a->cnmi[0], a->cnmi[1], a->cnmi[2], a->cnmi[3],
			   a->cnmi[4]);
		return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"); return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_OK;
	case FW_AT_SET: break;
	}
	memcpy(v, a->cnmi, sizeof v);
	for (int i = 0; i < g->n && i < 5; i++)
		if (fw_arg_present(g, i) && !fw_arg_int(g, i, 0, hi[i], &v[i]))
			return fw_at_cms(303);
	if (g->n > 5)
		return fw_at_cms(303);
	memcpy(a->cnmi, v, sizeof v);
	/* Leaving mode 0: the buffered indications go out after the OK
	 * (<bfr> 0) or are dropped (<bfr> 1). */
	if (v[0] != 0 && a->tabuf.len) {
		if (v[4] == 0)
			fw_buf_add(&a->held, a->tabuf.p, a->tabuf.len);
		fw_buf_clear(&a->tabuf);
	}
	return FW_AT_OK;
}

static int fw_cmd_cnma(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int n = 0;
	if (f == FW_AT_TEST) {
		if (a->cmgf == 0)
			fw_at_info(a, "+CNMA: (0-2)");
		return FW_AT_OK;
	}
	if (f == FW_AT_READ || (f == FW_AT_SET && !fw_arg_int(g, 0, 0, 2, &n)))
		return FW_AT_ERROR;
	if (!a->cnma_pending || a->csms != 1)
		return fw_at_cms(340);	/* no +CNMA acknowledgement expected */
	a->cnma_pending = false;
	if (n == 2) {
		/* RP-ERROR: the network keeps the message and tries again later. */
		fw_net_inbound_unpop(a->net, &a->cnma_msg);
		a->t_retry = now + 1000;
	}
	return FW_AT_OK;
}

static int fw_cmd_cmms(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CMMS: %d", a->cmms); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CMMS: (0-2)"); return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: return fw_arg_int(g, 0, 0, 2, &a->cmms) ? FW_AT_OK : fw_at_cms(303);
	}
	return FW_AT_ERROR;
}

static int fw_cmd_csdh(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v = 0;
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CSDH: %d", a->csdh); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CSDH: (0,1)"); return FW_AT_OK;
	case FW_AT_ACTION: a->csdh = false; return FW_AT_OK;
	case FW_AT_SET: break;
	}
	if (!fw_arg_int(g, 0, 0, 1, &v))
		return fw_at_cms(303);
	a->csdh = v;
	return FW_AT_OK;
}

static int fw_cmd_csmp(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v[4];
	(void)now;
	switch (f) {
	case FW_AT_READ:
		fw_at_info(a, "+CSMP: %d,%d,%d,%d", a->csmp[0], a->csmp[1], a->csmp[2], a->csmp[3]);
		return FW_AT_OK;
	case FW_AT_TEST: return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: break;
	}
	memcpy(v, a->csmp, sizeof v);
	for (int i = 0; i < g->n && i < 4; i++)
		if (fw_arg_present(g, i) && !fw_arg_int(g, i, 0, 255, &v[i]))
			return fw_at_cms(303);
	memcpy(a->csmp, v, sizeof v);
	return FW_AT_OK;
}

/* --- reading ---------------------------------------------------------------------- */

/* Text-mode header fields of a stored message. */
static void fw_text_header(struct fw_at *a, const struct fw_sim_msg *m, struct pdu_msg *d,
			   bool *ok)
{
	char why[128];
	*ok = pdu_decode(m->hex, strlen(m->hex), m->tpdu_len, d, why, sizeof why) >= 0;
	if (!*ok)
		memset(d, 0, sizeof *d);
	(void)a;
}

static void fw_put_body(struct fw_at *a, const struct pdu_msg *d, bool ok)
{
	struct fw_buf b;
	fw_buf_init(&b);
	if (ok)
		fw_at_put_text(a, &b, d->text);
	fw_at_info(a, "%s", b.p ? b.p : "");
	fw_buf_free(&b);
}

static void fw_list_one(struct fw_at *a, int slot, const struct fw_sim_msg *m, bool list)
{
	char idx[16] = "";
	if (list)
		snprintf(idx, sizeof idx, "%d,", fw_index(a, slot));
	const char *head = list ? "+CMGL" : "+CMGR";
	if (a->cmgf == 0) {
		/* PDU mode: +CMGL: <index>,<stat>,,<length> then the PDU line. */
		fw_at_info(a, "%s: %s%u,,%d", head, idx, m->stat, m->tpdu_len);
		fw_at_info(a, "%s", m->hex);
		return;
	}
	struct pdu_msg d;
	bool ok;
	char t[32] = "";
	struct fw_buf addr;
	fw_text_header(a, m, &d, &ok);
	fw_buf_init(&addr);
	fw_at_put_text(a, &addr, d.addr.text);
	if (ok && d.type == PDU_DELIVER)
		fw_time_text(&d.scts, t, sizeof t);
	/* AT+CSDH=1 adds the header fields of 27.005 3.4.2 / 3.4.3: type of
	 * address and length (listing); first octet, PID, DCS and SMSC too
	 * (reading). The length is the body's in characters. */
	char extra[160] = "";
	if (a->csdh && ok) {
		struct fw_buf sca;
		fw_buf_init(&sca);
		fw_at_put_text(a, &sca, d.smsc.text);
		size_t chars = 0;
		for (const char *c = d.text; *c; c++)
			chars += ((unsigned char)*c & 0xC0) != 0x80;
		if (list)
			snprintf(extra, sizeof extra, ",%u,%zu", d.addr.toa, chars);
		else
			snprintf(extra, sizeof extra, ",%u,%u,%u,%u,\"%s\",%u,%zu", d.addr.toa,
				 d.first_octet, d.pid, d.dcs, sca.p ? sca.p : "",
				 d.has_smsc ? d.smsc.toa : 129, chars);
		fw_buf_free(&sca);
	}
	if (m->stat <= FW_STAT_REC_READ)
		fw_at_info(a, "%s: %s\"%s\",\"%s\",,\"%s\"%s", head, idx, fw_stat_text(m->stat),
			   addr.p ? addr.p : "", t, extra);
	else
		fw_at_info(a, "%s: %s\"%s\",\"%s\",%s", head, idx, fw_stat_text(m->stat),
			   addr.p ? addr.p : "", extra);
	fw_buf_free(&addr);
	fw_put_body(a, &d, ok);
}

static int fw_cmd_cmgl(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	if (f == FW_AT_TEST) {
		if (a->cmgf == 0)
			fw_at_info(a, "+CMGL: (0-4)");
		else
			fw_at_info(a, "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")");
		return FW_AT_OK;
	}
	int cms = fw_at_sms_cms(a);
	if (cms)
		return fw_at_cms(cms);
	if (f == FW_AT_READ)
		return FW_AT_ERROR;
	int stat = fw_stat_parse(a, g, 0, 0);
	if (stat < 0)
		return fw_at_cms(302);
	enum fw_mem mem = (enum fw_mem)a->mem[0];
	for (int i = 0; i < a->sim->size[mem]; i++) {
		struct fw_sim_msg *m = fw_sim_get(a->sim, mem, i);
		if (!m || (stat != 4 && m->stat != stat))
			continue;
		fw_list_one(a, i, m, true);
		if (m->stat == FW_STAT_REC_UNREAD) {
			m->stat = FW_STAT_REC_READ;
			a->sim_dirty = true;
		}
	}
	return FW_AT_OK;
}

static int fw_index_arg(struct fw_at *a, const struct fw_args *g, enum fw_mem mem, int *slot)
{
	int idx;
	if (!fw_arg_int(g, 0, 0, FW_SIM_SLOTS_MAX + 1, &idx))
		return fw_at_cms(304);
	*slot = idx - a->prof->index_base;
	if (!fw_sim_in_range(a->sim, mem, *slot))
		return fw_at_cms(321);	/* invalid memory index */
	return 0;
}

static int fw_cmd_cmgr(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int slot, rc;
	(void)now;
	if (f == FW_AT_TEST)
		return FW_AT_OK;
	int cms = fw_at_sms_cms(a);
	if (cms)
		return fw_at_cms(cms);
	if (f != FW_AT_SET)
		return FW_AT_ERROR;
	enum fw_mem mem = (enum fw_mem)a->mem[0];
	if ((rc = fw_index_arg(a, g, mem, &slot)))
		return rc;
	struct fw_sim_msg *m = fw_sim_get(a->sim, mem, slot);
	if (!m)
		return FW_AT_OK;	/* an empty slot: just OK, as EC25 and SIM800 do */
	fw_list_one(a, slot, m, false);
	if (m->stat == FW_STAT_REC_UNREAD) {
		m->stat = FW_STAT_REC_READ;
		a->sim_dirty = true;
	}
	return FW_AT_OK;
}

static int fw_cmd_cmgd(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int slot = 0, flag = 0, rc;
	(void)now;
	if (f == FW_AT_TEST) {
		fw_at_info(a, "+CMGD: (%d-%d),(0-4)", a->prof->index_base,
			   a->sim->size[a->mem[0]] - 1 + a->prof->index_base);
		return FW_AT_OK;
	}
	int cms = fw_at_sms_cms(a);
	if (cms)
		return fw_at_cms(cms);
	if (f != FW_AT_SET || (fw_arg_present(g, 1) && !fw_arg_int(g, 1, 0, 4, &flag)))
		return fw_at_cms(304);
	enum fw_mem mem = (enum fw_mem)a->mem[0];
	/* With a delete flag the index is ignored (27.005 3.5.4). */
	if (flag == 0 && (rc = fw_index_arg(a, g, mem, &slot)))
		return rc;
	if (flag == 0) {
		fw_sim_delete(a->sim, mem, slot);
	} else {
		for (int i = 0; i < a->sim->size[mem]; i++) {
			const struct fw_sim_msg *m = fw_sim_get(a->sim, mem, i);
			if (!m)
				continue;
			bool del = flag == 4 || m->stat == FW_STAT_REC_READ ||
				   (flag >= 2 && m->stat == FW_STAT_STO_SENT) ||
				   (flag >= 3 && m->stat == FW_STAT_STO_UNSENT);
			if (del)
				fw_sim_delete(a->sim, mem, i);
		}
	}
	a->sim_dirty = true;
	return FW_AT_OK;
}

/* --- sending ------------------------------------------------------------------------ */

static int fw_open_prompt(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, bool write)
{
	if (f == FW_AT_TEST)
		return FW_AT_OK;
	int cms = fw_at_sms_cms(a);
	if (cms)
		return fw_at_cms(cms);
	if (f != FW_AT_SET)
		return fw_at_cms(304);
	a->prompt_write = write;
	a->prompt_text = a->cmgf == 1;
	a->prompt_stat = write ? FW_STAT_STO_UNSENT : FW_STAT_STO_SENT;
	if (a->cmgf == 0) {
		if (!fw_arg_int(g, 0, 1, 176, &a->prompt_len))
			return fw_at_cms(304);
		if (write && fw_arg_present(g, 1) && !fw_arg_int(g, 1, 0, 3, &a->prompt_stat))
			return fw_at_cms(304);
	} else {
		if (!fw_arg_present(g, 0) ||
		    fw_at_get_text(a, g->v[0], a->prompt_to, sizeof a->prompt_to) < 0 || !a->prompt_to[0])
			return fw_at_cms(304);
	}
	a->mode = FW_AT_MODE_PROMPT;
	fw_buf_clear(&a->body);
	fw_buf_str(&a->out, "\r\n> ");
	return FW_AT_PENDING;
}

static int fw_cmd_cmgs(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	return fw_open_prompt(a, f, g, false);
}

static int fw_cmd_cmgw(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	return fw_open_prompt(a, f, g, true);
}

static void fw_schedule_cds(struct fw_at *a, uint8_t mr, const char *to, int64_t now)
{
	if (a->cnmi[3] == 0 || a->ncds == FW_AT_CDS_MAX)
		return;
	struct fw_at_cds *c = &a->cds[a->ncds++];
	c->due = now + 300;	/* the recipient's phone answers a moment later */
	c->mr = mr;
	snprintf(c->to, sizeof c->to, "%s", to);
}

/* The body of the PDU-mode prompt: hex of SMSC prefix and TPDU. */
static int fw_body_pdu(struct fw_at *a, const char *hex, size_t n, int64_t now)
{
	unsigned smsc;
	if (n < 2 || n % 2 || n >= PDU_HEX_MAX || sscanf(hex, "%2x", &smsc) != 1 ||
	    n / 2 != smsc + 1 + (size_t)a->prompt_len ||
	    strspn(hex, "0123456789abcdefABCDEF") != n)
		return fw_at_cms(304);
	if (a->prompt_write) {
		int slot = fw_sim_store(a->sim, (enum fw_mem)a->mem[1], (enum fw_stat)a->prompt_stat,
					a->prompt_len, hex);
		if (slot < 0)
			return fw_at_cms(322);	/* memory full */
		a->sim_dirty = true;
		fw_at_info(a, "+CMGW: %d", fw_index(a, slot));
		return FW_AT_OK;
	}
	if (!fw_at_registered(a))
		return fw_at_cms(331);	/* no network service */
	if (a->cms_fault_count > 0) {
		a->cms_fault_count--;
		return fw_at_cms(a->cms_fault_code);
	}
	struct pdu_msg *m = malloc(sizeof *m);
	char why[160];
	if (!m)
		return fw_at_cms(500);
	uint8_t mr = fw_sim_next_mr(a->sim);
	a->sim_dirty = true;
	int cms = fw_net_submit_pdu(a->net, hex, a->prompt_len, mr, m, why, sizeof why);
	if (!cms && m->status_report)
		fw_schedule_cds(a, mr, m->addr.text, now);
	free(m);
	if (cms)
		return fw_at_cms(cms);
	fw_at_info(a, "+CMGS: %u", mr);
	return FW_AT_OK;
}

/* The body of the text-mode prompt: the message in the AT+CSCS set. */
static int fw_body_text(struct fw_at *a, const char *body, int64_t now)
{
	char text[PDU_TEXT_MAX * 2];
	if (fw_at_get_text(a, body, text, sizeof text) < 0)
		return fw_at_cms(304);
	bool ucs2 = (a->csmp[3] & 0x0C) == 0x08;
	bool srr = a->csmp[0] & 0x20;
	if (a->prompt_write) {
		struct pdu_part part[1];
		char why[128];
		struct pdu_submit_opts o = { .to = a->prompt_to, .text = text, .status_report = srr,
					     .force = ucs2 ? SMS_ENC_UCS2 : SMS_ENC_GSM7 };
		if (pdu_encode_submit(&o, part, 1, why, sizeof why) != 1)
			return fw_at_cms(305);
		int slot = fw_sim_store(a->sim, (enum fw_mem)a->mem[1], FW_STAT_STO_UNSENT,
					part[0].tpdu_len, part[0].hex);
		if (slot < 0)
			return fw_at_cms(322);
		a->sim_dirty = true;
		fw_at_info(a, "+CMGW: %d", fw_index(a, slot));
		return FW_AT_OK;
	}
	if (!fw_at_registered(a))
		return fw_at_cms(331);
	if (a->cms_fault_count > 0) {
		a->cms_fault_count--;
		return fw_at_cms(a->cms_fault_code);
	}
	uint8_t mr = fw_sim_next_mr(a->sim);
	a->sim_dirty = true;
	int cms = fw_net_submit_text(a->net, a->prompt_to, text, ucs2 ? SMS_ENC_UCS2 : SMS_ENC_GSM7,
				     srr, mr);
	if (cms)
		return fw_at_cms(cms);
	if (srr)
		fw_schedule_cds(a, mr, a->prompt_to, now);
	fw_at_info(a, "+CMGS: %u", mr);
	return FW_AT_OK;
}

int fw_at_sms_body(struct fw_at *a, int64_t now)
{
	fw_buf_add(&a->body, "", 0);	/* NUL-terminates an empty body too */
	a->first_info = true;
	if (a->prompt_text)
		return fw_body_text(a, a->body.p, now);
	/* Clients end the hex with Ctrl-Z directly; CR/LF/spaces are tolerated. */
	size_t n = a->body.len;
	while (n && strchr("\r\n ", a->body.p[n - 1]))
		n--;
	a->body.p[n] = '\0';
	return fw_body_pdu(a, a->body.p, n, now);
}

/* --- delivery from the network -------------------------------------------------------- */

static void fw_emit_cmt(struct fw_at *a, const struct fw_net_in *in)
{
	if (a->cmgf == 0) {
		char head[32];
		snprintf(head, sizeof head, "+CMT: ,%d", in->tpdu_len);
		fw_at_urc_pdu(a, head, in->hex);
		return;
	}
	struct pdu_msg *d = malloc(sizeof *d);
	char why[128], t[32] = "";
	if (!d)
		return;
	bool ok = pdu_decode(in->hex, strlen(in->hex), in->tpdu_len, d, why, sizeof why) >= 0;
	struct fw_buf addr, body;
	fw_buf_init(&addr);
	fw_buf_init(&body);
	if (ok) {
		fw_time_text(&d->scts, t, sizeof t);
		fw_at_put_text(a, &addr, d->addr.text);
		fw_at_put_text(a, &body, d->text);
	}
	char head[256];
	snprintf(head, sizeof head, "+CMT: \"%s\",,\"%s\"", addr.p ? addr.p : "", t);
	fw_at_urc_pdu(a, head, body.p ? body.p : "");
	fw_buf_free(&addr);
	fw_buf_free(&body);
	free(d);
}

static void fw_emit_cds(struct fw_at *a, const struct fw_at_cds *c)
{
	struct pdu_part part;
	char why[128];
	if (pdu_encode_status_report(c->mr, c->to, &a->wall, &a->wall, 0, FW_DEFAULT_CSCA, &part,
				     why, sizeof why) < 0)
		return;
	if (a->cnmi[3] == 2) {
		int slot = fw_sim_store(a->sim, (enum fw_mem)a->mem[2], FW_STAT_REC_UNREAD,
					part.tpdu_len, part.hex);
		if (slot >= 0) {
			a->sim_dirty = true;
			fw_at_sms_urc(a, NULL, "+CDSI: \"%s\",%d", fw_mem_name(a->mem[2]),
				      fw_index(a, slot));
		}
		return;
	}
	if (a->cmgf == 0) {
		fw_at_sms_urc(a, part.hex, "+CDS: %d", part.tpdu_len);
	} else {
		char t[32];
		fw_time_text(&a->wall, t, sizeof t);
		fw_at_sms_urc(a, NULL, "+CDS: 6,%u,\"%s\",%d,\"%s\",\"%s\",0", c->mr, c->to,
			  c->to[0] == '+' ? 145 : 129, t, t);
	}
}

void fw_at_sms_tick(struct fw_at *a, int64_t now)
{
	if (a->cnma_pending && now >= a->t_cnma) {
		/* No +CNMA in time: the module gives up routing to the terminal
		 * (27.005 3.4.4: <mt> and <ds> become 0) and the network keeps the
		 * message, which then lands on the SIM without an indication. */
		a->cnma_pending = false;
		a->cnmi[1] = a->cnmi[3] = 0;
		fw_net_inbound_unpop(a->net, &a->cnma_msg);
	}
	for (int i = 0; i < a->ncds;) {
		if (now >= a->cds[i].due && a->mode == FW_AT_MODE_CMD) {
			fw_emit_cds(a, &a->cds[i]);
			a->cds[i] = a->cds[--a->ncds];
		} else {
			i++;
		}
	}
	if (now >= a->t_retry)
		a->t_retry = FW_AT_NEVER;
	while (fw_at_can_receive(a) && !a->cnma_pending && a->t_retry == FW_AT_NEVER) {
		const struct fw_net_in *in = fw_net_inbound_peek(a->net);
		if (!in)
			break;
		/* Mode 0 cannot route +CMT (it would wait for a +CNMA that
		 * cannot come): the message is stored instead. */
		if (a->cnmi[1] == 2 && a->cnmi[0] != 0) {
			fw_emit_cmt(a, in);
			if (a->csms == 1) {
				a->cnma_pending = true;
				a->cnma_msg = *in;
				a->t_cnma = now + a->cnma_timeout_ms;
			}
			fw_net_inbound_pop(a->net);
			continue;
		}
		int slot = fw_sim_store(a->sim, (enum fw_mem)a->mem[2], FW_STAT_REC_UNREAD, in->tpdu_len,
					in->hex);
		if (slot < 0)
			break;	/* memory full: the network keeps it until a slot frees */
		fw_net_inbound_pop(a->net);
		a->sim_dirty = true;
		if (a->cnmi[1] != 0)
			fw_at_sms_urc(a, NULL, "+CMTI: \"%s\",%d", fw_mem_name(a->mem[2]),
				      fw_index(a, slot));
	}
}

const struct fw_at_cmd fw_at_cmds_sms[] = {
	{ "+CMGF", fw_cmd_cmgf },
	{ "+CSCS", fw_cmd_cscs },
	{ "+CSMS", fw_cmd_csms },
	{ "+CSCA", fw_cmd_csca },
	{ "+CPMS", fw_cmd_cpms },
	{ "+CNMI", fw_cmd_cnmi },
	{ "+CNMA", fw_cmd_cnma },
	{ "+CMMS", fw_cmd_cmms },
	{ "+CSDH", fw_cmd_csdh },
	{ "+CSMP", fw_cmd_csmp },
	{ "+CMGL", fw_cmd_cmgl },
	{ "+CMGR", fw_cmd_cmgr },
	{ "+CMGD", fw_cmd_cmgd },
	{ "+CMGS", fw_cmd_cmgs },
	{ "+CMGW", fw_cmd_cmgw },
	{ NULL, NULL },
};

/* fw_at.c: the AT interpreter's core: byte input, V.250 command line
 * parsing (basic commands, extended commands joined by ';'), dispatch
 * through the command tables, result framing (ATV, ATQ, AT+CMEE), URC
 * holding, the "> " prompt and the power-on sequence. */
#include "fw_at_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/utf8.h"

#define FW_CTRL_Z 0x1A
#define FW_ESC 0x1B

/* --- output framing ------------------------------------------------------ */

void fw_at_info(struct fw_at *a, const char *fmt, ...)
{
	va_list ap;
	/* V1: the first line of a command opens with CRLF, every line ends
	 * with one; V0: lines end with CRLF only (V.250 5.7.1). */
	if (a->verbose && a->first_info)
		fw_buf_str(&a->out, "\r\n");
	a->first_info = false;
	va_start(ap, fmt);
	fw_buf_vprintf(&a->out, fmt, ap);
	va_end(ap);
	fw_buf_str(&a->out, "\r\n");
}

static void fw_at_urc_to(struct fw_at *a, struct fw_buf *b, const char *text, const char *pdu)
{
	a->urcs++;
	if (a->verbose)
		fw_buf_str(b, "\r\n");
	fw_buf_str(b, text);
	fw_buf_str(b, "\r\n");
	if (pdu) {
		fw_buf_str(b, pdu);
		fw_buf_str(b, "\r\n");
	}
}

static void fw_at_urc_add(struct fw_at *a, const char *text, const char *pdu)
{
	/* Never inside a response: a URC raised by a command (AT+CFUN=0
	 * deregistering) follows the final result, as a module prints it. */
	fw_at_urc_to(a, a->mode == FW_AT_MODE_PROMPT || a->in_line ? &a->held : &a->out, text, pdu);
}

void fw_at_sms_urc(struct fw_at *a, const char *pdu, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (a->cnmi[0] != 0) {
		fw_at_urc_add(a, text, pdu);
		return;
	}
	size_t need = strlen(text) + (pdu ? strlen(pdu) : 0) + 8;
	if (a->tabuf.len + need <= FW_AT_TABUF_MAX)
		fw_at_urc_to(a, &a->tabuf, text, pdu);
}

void fw_at_urc(struct fw_at *a, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	fw_at_urc_add(a, text, NULL);
}

void fw_at_urc_pdu(struct fw_at *a, const char *head, const char *pdu)
{
	fw_at_urc_add(a, head, pdu);
}

static const char *fw_cme_text(int n)
{
	switch (n) {
	case 3: return "operation not allowed";
	case 4: return "operation not supported";
	case 10: return "SIM not inserted";
	case 11: return "SIM PIN required";
	case 12: return "SIM PUK required";
	case 13: return "SIM failure";
	case 14: return "SIM busy";
	case 16: return "incorrect password";
	case 30: return "no network service";
	case 50: return "incorrect parameters";
	case 100: return "unknown";
	default: return "unknown";
	}
}

void fw_at_final(struct fw_at *a, int rc)
{
	if (rc != FW_AT_OK)
		a->errors++;
	if (a->quiet)
		return;
	const char *pre = a->verbose ? "\r\n" : "";
	if (rc == FW_AT_OK) {
		fw_buf_str(&a->out, a->verbose ? "\r\nOK\r\n" : "0\r");
	} else if (rc >= 20000) {
		fw_buf_printf(&a->out, "%s+CMS ERROR: %d\r\n", pre, rc - 20000);
	} else if (rc >= 10000 && a->cmee == 1) {
		fw_buf_printf(&a->out, "%s+CME ERROR: %d\r\n", pre, rc - 10000);
	} else if (rc >= 10000 && a->cmee == 2) {
		fw_buf_printf(&a->out, "%s+CME ERROR: %s\r\n", pre, fw_cme_text(rc - 10000));
	} else {
		fw_buf_str(&a->out, a->verbose ? "\r\nERROR\r\n" : "4\r");
	}
}

/* --- arguments ------------------------------------------------------------ */

static int fw_args_parse(const char *s, size_t n, struct fw_args *g)
{
	memset(g, 0, sizeof *g);
	size_t i = 0;
	if (n == 0)
		return 0;
	for (;;) {
		if (g->n == FW_ARGS_MAX)
			return -1;
		char *v = g->v[g->n];
		size_t o = 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && s[i] == '"') {
			g->quoted[g->n] = true;
			for (i++; i < n && s[i] != '"'; i++)
				if (o + 1 < FW_ARG_LEN)
					v[o++] = s[i];
			if (i == n)
				return -1;	/* unterminated string */
			i++;
		} else {
			while (i < n && s[i] != ',')
				if (o + 1 < FW_ARG_LEN)
					v[o++] = s[i++];
				else
					i++;
			while (o && v[o - 1] == ' ')
				o--;
		}
		v[o] = '\0';
		g->n++;
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			return 0;
		if (s[i] != ',')
			return -1;
		i++;
	}
}

bool fw_arg_present(const struct fw_args *g, int i)
{
	return i < g->n && (g->quoted[i] || g->v[i][0]);
}

bool fw_arg_int(const struct fw_args *g, int i, int lo, int hi, int *out)
{
	if (i >= g->n || g->quoted[i] || !g->v[i][0])
		return false;
	char *end;
	long v = strtol(g->v[i], &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* --- character sets ------------------------------------------------------- */

bool fw_at_ucs2(const struct fw_at *a)
{
	return !strcmp(a->cscs, "UCS2");
}

void fw_utf8_to_ucs2hex(struct fw_buf *b, const char *utf8)
{
	size_t len = strlen(utf8);
	while (len) {
		uint32_t cp;
		size_t k = utf8_decode(utf8, len, &cp);
		if (!k) {
			cp = 0xFFFD;
			k = 1;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			fw_buf_printf(b, "%04X%04X", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
		} else {
			fw_buf_printf(b, "%04X", cp);
		}
		utf8 += k;
		len -= k;
	}
}

void fw_at_put_text(const struct fw_at *a, struct fw_buf *b, const char *utf8)
{
	/* GSM and IRA are passed as UTF-8: the clients in this project read
	 * them as such, and no real module's GSM-alphabet bytes are needed. */
	if (fw_at_ucs2(a))
		fw_utf8_to_ucs2hex(b, utf8);
	else
		fw_buf_str(b, utf8);
}

int fw_at_get_text(const struct fw_at *a, const char *in, char *out, size_t outlen)
{
	if (!fw_at_ucs2(a)) {
		if (strlen(in) >= outlen)
			return -1;
		snprintf(out, outlen, "%s", in);
		return 0;
	}
	size_t n = strlen(in);
	uint8_t bytes[FW_ARG_LEN];
	if (n % 4 || n / 2 > sizeof bytes)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (!isxdigit((unsigned char)in[2 * i]) || !isxdigit((unsigned char)in[2 * i + 1]) ||
		    sscanf(in + 2 * i, "%2x", &v) != 1)
			return -1;
		bytes[i] = (uint8_t)v;
	}
	return utf16be_to_utf8(bytes, n / 2, out, outlen) == (size_t)-1 ? -1 : 0;
}

/* --- readiness ------------------------------------------------------------ */

int fw_at_sim_cme(const struct fw_at *a)
{
	switch (a->sim->pin_state) {
	case FW_PIN_READY: return 0;
	case FW_PIN_PIN: return 11;
	case FW_PIN_PUK: return 12;
	case FW_PIN_BLOCKED: return 13;
	}
	return 13;
}

int fw_at_sms_cms(const struct fw_at *a)
{
	switch (a->sim->pin_state) {
	case FW_PIN_READY: return a->sms_ready ? 0 : 314;	/* SIM busy */
	case FW_PIN_PIN: return 311;
	case FW_PIN_PUK: return 316;
	case FW_PIN_BLOCKED: return 313;
	}
	return 313;
}

bool fw_at_registered(const struct fw_at *a)
{
	return a->reg == 1 || a->reg == 5;
}

bool fw_at_can_receive(const struct fw_at *a)
{
	return fw_at_registered(a) && a->sms_ready && a->sim->pin_state == FW_PIN_READY;
}

void fw_at_set_reg(struct fw_at *a, int reg)
{
	if (a->reg == reg)
		return;
	a->reg = reg;
	fw_at_reg_urcs(a);
	if (!fw_at_registered(a))
		a->ussd_open = a->ussd_due = false;
}

/* --- power ---------------------------------------------------------------- */

void fw_at_defaults(struct fw_at *a)
{
	a->echo = true;		/* modules power up with echo on; gammu needs it */
	a->verbose = true;
	a->quiet = false;
	a->cmee = 0;
	a->csms = 0;
	a->cmms = 0;
	a->cusd_n = 0;
	a->creg_n = a->cgreg_n = a->cereg_n = 0;
	snprintf(a->cscs, sizeof a->cscs, "%s", a->prof->cscs_default);
	memset(a->sreg, 0, sizeof a->sreg);
	a->sreg[3] = 13;
	a->sreg[4] = 10;
	a->sreg[5] = 8;
	fw_at_sms_defaults(a);
}

static void fw_at_clear_transient(struct fw_at *a)
{
	a->len = 0;
	a->overflow = false;
	a->mode = FW_AT_MODE_CMD;
	fw_buf_clear(&a->body);
	fw_buf_clear(&a->held);
	fw_buf_clear(&a->tabuf);
	a->cnma_pending = false;
	a->ussd_open = a->ussd_due = false;
	a->ncds = 0;
}

int fw_at_init(struct fw_at *a, const struct fw_profile *p, struct fw_sim *sim,
	       struct fw_net *net, int64_t now)
{
	memset(a, 0, sizeof *a);
	a->prof = p;
	a->sim = sim;
	a->net = net;
	fw_buf_init(&a->out);
	fw_buf_init(&a->held);
	fw_buf_init(&a->tabuf);
	fw_buf_init(&a->body);
	a->cnma_timeout_ms = 10000;
	a->net_up = true;
	a->t_boot = a->t_sms_ready = a->t_reg = a->t_retry = a->t_ussd = a->t_cnma = FW_AT_NEVER;
	fw_at_defaults(a);
	a->cfun = 1;
	fw_sim_power_on(sim);
	if (sim->pin_state == FW_PIN_READY) {
		a->sms_ready = true;
		a->reg = a->net_up ? 1 : 2;
	}
	(void)now;
	return 0;
}

void fw_at_fini(struct fw_at *a)
{
	if (!a)
		return;
	fw_buf_free(&a->out);
	fw_buf_free(&a->held);
	fw_buf_free(&a->tabuf);
	fw_buf_free(&a->body);
}

void fw_at_power_cycle(struct fw_at *a, int64_t now, int delay_ms)
{
	fw_at_clear_transient(a);
	fw_at_defaults(a);
	a->cfun = 1;
	a->reg = 0;
	a->sms_ready = false;
	a->t_sms_ready = a->t_reg = a->t_retry = a->t_ussd = a->t_cnma = FW_AT_NEVER;
	a->t_boot = now + delay_ms;
	fw_sim_power_on(a->sim);
}

void fw_at_sim_ready(struct fw_at *a, int64_t now)
{
	a->t_sms_ready = now + a->prof->sms_ready_ms;
	if (a->cfun == 1)
		a->t_reg = now + a->prof->reg_delay_ms;
}

static void fw_at_boot(struct fw_at *a, int64_t now)
{
	for (int i = 0; i < FW_PROFILE_URCS && a->prof->boot_urcs[i]; i++)
		fw_at_urc(a, "%s", a->prof->boot_urcs[i]);
	switch (a->sim->pin_state) {
	case FW_PIN_READY:
		fw_at_urc(a, "+CPIN: READY");
		fw_at_sim_ready(a, now);
		break;
	case FW_PIN_PIN:
		fw_at_urc(a, "+CPIN: SIM PIN");
		break;
	case FW_PIN_PUK:
		fw_at_urc(a, "+CPIN: SIM PUK");
		break;
	case FW_PIN_BLOCKED:
		fw_at_urc(a, "+CPIN: NOT READY");
		break;
	}
}

void fw_at_set_network(struct fw_at *a, bool up, int64_t now)
{
	a->net_up = up;
	if (!up) {
		a->t_reg = FW_AT_NEVER;
		if (a->cfun == 1 && a->sim->pin_state == FW_PIN_READY)
			fw_at_set_reg(a, 2);	/* searching */
		else
			fw_at_set_reg(a, 0);
	} else if (a->cfun == 1 && a->sim->pin_state == FW_PIN_READY && a->t_boot == FW_AT_NEVER) {
		a->t_reg = now + a->prof->reg_delay_ms;
	}
}

/* --- timers --------------------------------------------------------------- */

static int64_t fw_min(int64_t x, int64_t y)
{
	return x < y ? x : y;
}

int64_t fw_at_next_deadline(const struct fw_at *a)
{
	int64_t t = fw_min(fw_min(a->t_boot, a->t_sms_ready), fw_min(a->t_reg, a->t_retry));
	t = fw_min(t, a->ussd_due ? a->t_ussd : FW_AT_NEVER);
	t = fw_min(t, a->cnma_pending ? a->t_cnma : FW_AT_NEVER);
	/* Status reports wait for the prompt to close (the next input wakes
	 * the loop then): counting them now would make poll() spin. */
	for (int i = 0; i < a->ncds && a->mode == FW_AT_MODE_CMD; i++)
		t = fw_min(t, a->cds[i].due);
	return t;
}

void fw_at_tick(struct fw_at *a, int64_t now)
{
	if (now >= a->t_boot) {
		a->t_boot = FW_AT_NEVER;
		fw_at_boot(a, now);
	}
	if (now >= a->t_sms_ready) {
		a->t_sms_ready = FW_AT_NEVER;
		a->sms_ready = true;
		for (int i = 0; i < FW_PROFILE_URCS && a->prof->sms_urcs[i]; i++)
			fw_at_urc(a, "%s", a->prof->sms_urcs[i]);
	}
	if (now >= a->t_reg) {
		a->t_reg = FW_AT_NEVER;
		if (a->cfun == 1 && a->sim->pin_state == FW_PIN_READY)
			fw_at_set_reg(a, a->net_up ? 1 : 2);
	}
	fw_at_ussd_tick(a, now);
	fw_at_sms_tick(a, now);
}

/* --- command line ----------------------------------------------------------- */

static const struct fw_at_cmd *fw_at_lookup(const char *name)
{
	const struct fw_at_cmd *tables[] = { fw_at_cmds_general, fw_at_cmds_sms };
	for (size_t t = 0; t < 2; t++)
		for (const struct fw_at_cmd *c = tables[t]; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

static int fw_at_run(struct fw_at *a, const char *name, enum fw_at_form form, const char *args,
		     size_t alen, int64_t now)
{
	const struct fw_at_cmd *c = fw_at_lookup(name);
	struct fw_args g;
	a->commands++;
	if (!c)
		return FW_AT_ERROR;	/* unknown command: plain ERROR as modules do */
	if (fw_args_parse(args, alen, &g) < 0)
		return FW_AT_ERROR;
	a->first_info = true;
	return c->fn(a, form, &g, now);
}

/* Executes one command line (without its CR). */
static void fw_at_line(struct fw_at *a, const char *s, int64_t now)
{
	while (*s && !((s[0] == 'A' || s[0] == 'a') && (s[1] == 'T' || s[1] == 't')))
		s++;	/* noise before "AT" is ignored, as a UART modem does */
	if (!*s)
		return;
	s += 2;
	int rc = FW_AT_OK;
	a->in_line = true;
	while (*s && rc == FW_AT_OK) {
		char name[32];
		size_t nl = 0;
		if (*s == ' ' || *s == ';') {
			s++;
			continue;
		}
		if (strchr("+^$%*#", *s)) {
			/* Extended command: name, then "=?", "?", "=args" or nothing;
			 * it ends at a ';' outside quotes. */
			name[nl++] = *s++;
			while (*s && (isalnum((unsigned char)*s) || *s == '_') && nl + 1 < sizeof name)
				name[nl++] = (char)toupper((unsigned char)*s++);
			name[nl] = '\0';
			enum fw_at_form form = FW_AT_ACTION;
			if (s[0] == '=' && s[1] == '?') {
				form = FW_AT_TEST;
				s += 2;
			} else if (s[0] == '?') {
				form = FW_AT_READ;
				s++;
			} else if (s[0] == '=') {
				form = FW_AT_SET;
				s++;
			}
			const char *args = s;
			bool q = false;
			while (*s && (q || *s != ';')) {
				if (*s == '"')
					q = !q;
				s++;
			}
			size_t alen = (size_t)(s - args);
			if (form != FW_AT_SET && alen && strspn(args, " ") != alen)
				rc = FW_AT_ERROR;	/* "AT+CSQ junk" */
			else
				rc = fw_at_run(a, name, form, args, alen, now);
		} else if (isalpha((unsigned char)*s) || *s == '&') {
			/* Basic command: a letter (or &letter) and an optional number;
			 * S-registers take "Sn=v" and "Sn?". */
			if (*s == '&')
				name[nl++] = *s++;
			if (!isalpha((unsigned char)*s)) {
				rc = FW_AT_ERROR;
				break;
			}
			name[nl++] = (char)toupper((unsigned char)*s++);
			name[nl] = '\0';
			const char *args = s;
			enum fw_at_form form = FW_AT_ACTION;
			if (!strcmp(name, "D")) {	/* dial: the rest of the line */
				s += strlen(s);
			} else {
				while (isdigit((unsigned char)*s))
					s++;
				if (!strcmp(name, "S")) {
					if (*s == '?') {
						form = FW_AT_READ;
						s++;
					} else if (*s == '=') {
						form = FW_AT_SET;
						s++;
						while (isdigit((unsigned char)*s))
							s++;
					}
				} else if (s > args) {
					form = FW_AT_SET;
				}
			}
			rc = fw_at_run(a, name, form, args, (size_t)(s - args), now);
		} else {
			rc = FW_AT_ERROR;
		}
	}
	a->in_line = false;
	if (rc != FW_AT_PENDING)
		fw_at_final(a, rc);
	/* Codes held for after the final result (AT+CNMI flushing its buffer,
	 * URCs the line raised). */
	if (a->mode == FW_AT_MODE_CMD && a->held.len) {
		fw_buf_add(&a->out, a->held.p, a->held.len);
		fw_buf_clear(&a->held);
	}
}

static void fw_at_prompt_byte(struct fw_at *a, uint8_t c, int64_t now)
{
	if (c == FW_CTRL_Z || c == FW_ESC) {
		int rc = c == FW_ESC ? FW_AT_OK : fw_at_sms_body(a, now);
		a->mode = FW_AT_MODE_CMD;
		fw_buf_clear(&a->body);
		a->first_info = true;
		if (c == FW_ESC)
			fw_buf_str(&a->out, "\r\n");	/* the echo of the body ends */
		fw_at_final(a, rc);
		fw_buf_add(&a->out, a->held.p, a->held.len);
		fw_buf_clear(&a->held);
		return;
	}
	if (a->echo && a->prof->cmgs_echo_pdu)
		fw_buf_add(&a->out, &c, 1);
	if (a->prompt_text && c == '\r') {
		/* Text mode: CR is a line break in the message; a new prompt. */
		fw_buf_add(&a->body, "\n", 1);
		fw_buf_str(&a->out, "\r\n> ");
		return;
	}
	if (c == '\n' && a->prompt_text)
		return;
	if (a->body.len < 4096)
		fw_buf_add(&a->body, &c, 1);
}

void fw_at_feed(struct fw_at *a, const uint8_t *buf, size_t n, int64_t now)
{
	if (a->t_boot != FW_AT_NEVER)
		return;	/* rebooting: nobody listens to the UART */
	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];
		if (a->mode == FW_AT_MODE_PROMPT) {
			fw_at_prompt_byte(a, c, now);
			continue;
		}
		if (a->echo)
			fw_buf_add(&a->out, &c, 1);
		if (c == (uint8_t)a->sreg[3]) {
			a->line[a->len] = '\0';
			if (a->overflow) {
				fw_at_final(a, FW_AT_ERROR);
			} else if (a->len) {
				if (!strcasecmp(a->line, "A/"))
					snprintf(a->line, sizeof a->line, "%s", a->last);
				else
					snprintf(a->last, sizeof a->last, "%s", a->line);
				fw_at_line(a, a->line, now);
			}
			a->len = 0;
			a->overflow = false;
		} else if (c == (uint8_t)a->sreg[5] || c == 0x7F) {
			if (a->len)
				a->len--;
		} else if (c == '\n' || c == 0) {
			/* LF after CR, and NULs from line noise, are not part of a command. */
		} else if (a->len < FW_AT_LINE_MAX) {
			a->line[a->len++] = (char)c;
		} else {
			a->overflow = true;
		}
	}
}

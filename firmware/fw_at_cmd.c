/* fw_at_cmd.c: general AT commands (V.250 basics, identity, PIN, power,
 * registration, signal, operator) and USSD (27.007 7.15). */
#include "fw_at_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- V.250 basics ----------------------------------------------------------- */

static int fw_flag(const struct fw_args *g, enum fw_at_form f, int hi, int *v)
{
	int x = 0;
	if (f == FW_AT_SET && !fw_arg_int(g, 0, 0, hi, &x))
		return FW_AT_ERROR;
	*v = x;
	return FW_AT_OK;
}

static int fw_cmd_e(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v, rc = fw_flag(g, f, 1, &v);
	(void)now;
	if (rc == FW_AT_OK)
		a->echo = v;
	return rc;
}

static int fw_cmd_v(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v, rc = fw_flag(g, f, 1, &v);
	(void)now;
	if (rc == FW_AT_OK)
		a->verbose = v;
	return rc;
}

static int fw_cmd_q(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v, rc = fw_flag(g, f, 1, &v);
	(void)now;
	if (rc == FW_AT_OK)
		a->quiet = v;
	return rc;
}

static int fw_cmd_z(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v, rc = fw_flag(g, f, 0, &v);
	(void)now;
	/* ATZ / AT&F: every setting back to its power-on value (AT&W stores
	 * nothing, so the user profile is the factory one), echo on. */
	if (rc == FW_AT_OK)
		fw_at_defaults(a);
	return rc;
}

static int fw_cmd_ok_digit(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v;
	(void)now;
	(void)a;
	return fw_flag(g, f, 9, &v);	/* &C, &D, &W, X, L, M, H: accepted */
}

static int fw_cmd_i(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int v;
	(void)now;
	if (fw_flag(g, f, 9, &v) != FW_AT_OK)
		return FW_AT_ERROR;
	const char *s = a->prof->ati;
	while (*s) {
		const char *e = strchr(s, '\n');
		int n = e ? (int)(e - s) : (int)strlen(s);
		fw_at_info(a, "%.*s", n, s);
		s += n + (e ? 1 : 0);
	}
	return FW_AT_OK;
}

static int fw_cmd_s(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int reg, val;
	(void)now;
	if (g->n != 1 || sscanf(g->v[0], "%d", &reg) != 1 || reg < 0 || reg >= 32)
		return FW_AT_ERROR;
	if (f == FW_AT_READ) {
		fw_at_info(a, "%03d", a->sreg[reg]);
		return FW_AT_OK;
	}
	const char *eq = strchr(g->v[0], '=');
	if (f != FW_AT_SET || !eq || sscanf(eq + 1, "%d", &val) != 1 || val < 0 || val > 255)
		return FW_AT_ERROR;
	a->sreg[reg] = val;
	return FW_AT_OK;
}

/* --- identity ----------------------------------------------------------------- */

static int fw_ident(struct fw_at *a, enum fw_at_form f, const char *text)
{
	if (f == FW_AT_TEST)
		return FW_AT_OK;
	if (f != FW_AT_ACTION)
		return FW_AT_ERROR;
	fw_at_info(a, "%s", text);
	return FW_AT_OK;
}

static int fw_cmd_cgmi(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	return fw_ident(a, f, a->prof->manufacturer);
}

static int fw_cmd_cgmm(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	return fw_ident(a, f, a->prof->model);
}

static int fw_cmd_cgmr(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	return fw_ident(a, f, a->prof->revision);
}

static int fw_cmd_cgsn(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	return fw_ident(a, f, a->prof->imei);
}

static int fw_cmd_cimi(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	int e = fw_at_sim_cme(a);
	if (e && f == FW_AT_ACTION)
		return fw_at_cme(e);
	return fw_ident(a, f, a->sim->imsi);
}

static int fw_cmd_ccid(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	if (a->sim->pin_state == FW_PIN_BLOCKED)
		return fw_at_cme(13);
	if (f == FW_AT_TEST)
		return FW_AT_OK;
	if (f != FW_AT_ACTION)
		return FW_AT_ERROR;
	if (a->prof->ccid_prefix)
		fw_at_info(a, "+CCID: %s", a->sim->iccid);
	else
		fw_at_info(a, "%s", a->sim->iccid);
	return FW_AT_OK;
}

static int fw_cmd_cmee(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CMEE: %d", a->cmee); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CMEE: (0-2)"); return FW_AT_OK;
	case FW_AT_SET: return fw_arg_int(g, 0, 0, 2, &a->cmee) ? FW_AT_OK : FW_AT_ERROR;
	case FW_AT_ACTION: a->cmee = 0; return FW_AT_OK;
	}
	return FW_AT_ERROR;
}

/* --- PIN ---------------------------------------------------------------------- */

static int fw_cmd_cpin(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	struct fw_sim *s = a->sim;
	if (f == FW_AT_TEST)
		return FW_AT_OK;
	if (f == FW_AT_READ) {
		switch (s->pin_state) {
		case FW_PIN_READY: fw_at_info(a, "+CPIN: READY"); return FW_AT_OK;
		case FW_PIN_PIN: fw_at_info(a, "+CPIN: SIM PIN"); return FW_AT_OK;
		case FW_PIN_PUK: fw_at_info(a, "+CPIN: SIM PUK"); return FW_AT_OK;
		case FW_PIN_BLOCKED: return fw_at_cme(13);
		}
		return FW_AT_ERROR;
	}
	if (f != FW_AT_SET || !fw_arg_present(g, 0))
		return FW_AT_ERROR;
	if (s->pin_state == FW_PIN_READY)
		return fw_at_cme(3);
	if (s->pin_state == FW_PIN_PUK && !fw_arg_present(g, 1))
		return fw_at_cme(12);
	enum fw_pin_result r = fw_sim_enter(s, g->v[0], fw_arg_present(g, 1) ? g->v[1] : NULL);
	a->sim_dirty = true;
	switch (r) {
	case FW_PIN_OK:
		/* The OK first, then the SIM's URCs, as a module prints them. */
		fw_at_final(a, FW_AT_OK);
		fw_at_urc(a, "+CPIN: READY");
		fw_at_sim_ready(a, now);
		return FW_AT_PENDING;	/* final already written */
	case FW_PIN_WRONG: return fw_at_cme(16);
	case FW_PIN_NOW_PUK: return fw_at_cme(16);
	case FW_PIN_NOW_BLOCKED: return fw_at_cme(13);
	case FW_PIN_BAD_ARG: return fw_at_cme(50);
	}
	return FW_AT_ERROR;
}

/* --- power and registration ---------------------------------------------------- */

static int fw_cmd_cfun(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int fun, rst = 0;
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CFUN: %d", a->cfun); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CFUN: (0,1,4),(0,1)"); return FW_AT_OK;
	case FW_AT_ACTION: return FW_AT_ERROR;
	case FW_AT_SET: break;
	}
	if (!fw_arg_int(g, 0, 0, 4, &fun) || fun == 2 || fun == 3 ||
	    (fw_arg_present(g, 1) && !fw_arg_int(g, 1, 0, 1, &rst)))
		return fw_at_cme(50);
	if (rst) {
		if (fun != 1)
			return fw_at_cme(3);
		/* Reset: the OK goes out, then the module reboots and prints its
		 * boot URCs; settings (echo...) are back to their defaults. */
		fw_at_final(a, FW_AT_OK);
		fw_at_power_cycle(a, now, 300);
		return FW_AT_PENDING;
	}
	a->cfun = fun;
	if (fun == 1) {
		if (a->sim->pin_state == FW_PIN_READY && !fw_at_registered(a))
			a->t_reg = now + a->prof->reg_delay_ms;
	} else {
		a->t_reg = FW_AT_NEVER;
		fw_at_set_reg(a, 0);
	}
	return FW_AT_OK;
}

static void fw_reg_urc(struct fw_at *a, const char *name, int n)
{
	/* n=1: <stat>; n=2 adds location and access technology while
	 * registered (27.007 gives +CREG, +CGREG and +CEREG the same form). */
	if (n == 2 && fw_at_registered(a) && a->prof->act >= 0)
		fw_at_urc(a, "%s: %d,\"1A2B\",\"01C3D4E5\",%d", name, a->reg, a->prof->act);
	else if (n == 2 && fw_at_registered(a))
		fw_at_urc(a, "%s: %d,\"1A2B\",\"D4E5\"", name, a->reg);
	else if (n)
		fw_at_urc(a, "%s: %d", name, a->reg);
}

void fw_at_reg_urcs(struct fw_at *a)
{
	fw_reg_urc(a, "+CREG", a->creg_n);
	fw_reg_urc(a, "+CGREG", a->cgreg_n);
	if (a->prof->has_cereg)
		fw_reg_urc(a, "+CEREG", a->cereg_n);
}

static int fw_reg_cmd(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, const char *name,
		      int *n)
{
	switch (f) {
	case FW_AT_TEST:
		fw_at_info(a, "%s: (0-2)", name);
		return FW_AT_OK;
	case FW_AT_SET:
		return fw_arg_int(g, 0, 0, 2, n) ? FW_AT_OK : fw_at_cme(50);
	case FW_AT_ACTION:
		*n = 0;
		return FW_AT_OK;
	case FW_AT_READ:
		break;
	}
	if (*n == 2 && fw_at_registered(a) && a->prof->act >= 0)
		fw_at_info(a, "%s: %d,%d,\"1A2B\",\"01C3D4E5\",%d", name, *n, a->reg, a->prof->act);
	else if (*n == 2 && fw_at_registered(a))
		fw_at_info(a, "%s: %d,%d,\"1A2B\",\"D4E5\"", name, *n, a->reg);
	else
		fw_at_info(a, "%s: %d,%d", name, *n, a->reg);
	return FW_AT_OK;
}

static int fw_cmd_creg(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	return fw_reg_cmd(a, f, g, "+CREG", &a->creg_n);
}

static int fw_cmd_cgreg(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	return fw_reg_cmd(a, f, g, "+CGREG", &a->cgreg_n);
}

static int fw_cmd_cereg(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)now;
	if (!a->prof->has_cereg)
		return FW_AT_ERROR;	/* a 2G module does not know the command */
	return fw_reg_cmd(a, f, g, "+CEREG", &a->cereg_n);
}

static int fw_cmd_cops(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int mode;
	(void)now;
	switch (f) {
	case FW_AT_READ:
		if (!fw_at_registered(a))
			fw_at_info(a, "+COPS: 0");
		else if (a->prof->act >= 0)
			fw_at_info(a, "+COPS: 0,0,\"Viettel\",%d", a->prof->act);
		else
			fw_at_info(a, "+COPS: 0,0,\"Viettel\"");
		return FW_AT_OK;
	case FW_AT_TEST:
		fw_at_info(a, "+COPS: (2,\"Viettel\",\"Viettel\",\"45204\",%d),,(0-4),(0-2)",
			   a->prof->act >= 0 ? a->prof->act : 0);
		return FW_AT_OK;
	case FW_AT_SET:
		return fw_arg_int(g, 0, 0, 4, &mode) ? FW_AT_OK : fw_at_cme(50);
	case FW_AT_ACTION:
		return FW_AT_ERROR;
	}
	return FW_AT_ERROR;
}

static int fw_cmd_csq(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	(void)g;
	(void)now;
	if (f == FW_AT_TEST) {
		fw_at_info(a, "+CSQ: (0-31,99),(0-7,99)");
		return FW_AT_OK;
	}
	if (f != FW_AT_ACTION)
		return FW_AT_ERROR;
	fw_at_info(a, "+CSQ: %d,99", a->net_up && a->cfun == 1 ? a->prof->rssi : 99);
	return FW_AT_OK;
}

/* --- USSD (27.007 7.15) --------------------------------------------------------- */

static int fw_cmd_cusd(struct fw_at *a, enum fw_at_form f, const struct fw_args *g, int64_t now)
{
	int n, dcs = 15;
	char str[256];
	switch (f) {
	case FW_AT_READ: fw_at_info(a, "+CUSD: %d", a->cusd_n); return FW_AT_OK;
	case FW_AT_TEST: fw_at_info(a, "+CUSD: (0-2)"); return FW_AT_OK;
	case FW_AT_ACTION: a->cusd_n = 0; return FW_AT_OK;
	case FW_AT_SET: break;
	}
	if (!fw_arg_int(g, 0, 0, 2, &n) || (fw_arg_present(g, 2) && !fw_arg_int(g, 2, 0, 255, &dcs)))
		return fw_at_cme(50);
	if (n == 2) {
		a->ussd_open = a->ussd_due = false;
		return FW_AT_OK;
	}
	a->cusd_n = n;
	if (!fw_arg_present(g, 1))
		return FW_AT_OK;
	int e = fw_at_sim_cme(a);
	if (e)
		return fw_at_cme(e);
	if (!fw_at_registered(a))
		return fw_at_cme(30);	/* no network service: the driver retries */
	if (fw_at_get_text(a, g->v[1], str, sizeof str) < 0 || !str[0])
		return fw_at_cme(50);
	if (a->ussd_open) {
		/* An answer inside a menu session: the path grows like "*100#*1". */
		size_t l = strlen(a->ussd_path);
		snprintf(a->ussd_path + l, sizeof a->ussd_path - l, "*%s", str);
	} else {
		snprintf(a->ussd_path, sizeof a->ussd_path, "%s", str);
	}
	a->ussd_open = true;
	a->ussd_due = true;
	a->t_ussd = now + 200;	/* the network answers a moment later */
	return FW_AT_OK;
}

void fw_at_ussd_tick(struct fw_at *a, int64_t now)
{
	if (!a->ussd_due || now < a->t_ussd)
		return;
	a->ussd_due = false;
	char reply[1024];
	int m = fw_net_ussd_answer(a->net, a->ussd_path, reply, sizeof reply);
	a->ussd_open = m == 1;
	if (m == 4) {
		fw_at_urc(a, "+CUSD: 4");
		return;
	}
	struct fw_buf b;
	fw_buf_init(&b);
	/* A reply with characters outside GSM 7-bit comes as UCS-2 (DCS 72) in
	 * hex whatever AT+CSCS says; otherwise in the character set of AT+CSCS
	 * (hex of UCS-2 for "UCS2"), DCS 15. */
	bool gsm = fw_net_gsm7_ok(reply);
	if (gsm)
		fw_at_put_text(a, &b, reply);
	else
		fw_utf8_to_ucs2hex(&b, reply);
	fw_at_urc(a, "+CUSD: %d,\"%s\",%d", m, b.p ? b.p : "", gsm ? 15 : 72);
	fw_buf_free(&b);
}

const struct fw_at_cmd fw_at_cmds_general[] = {
	{ "E", fw_cmd_e },
	{ "V", fw_cmd_v },
	{ "Q", fw_cmd_q },
	{ "Z", fw_cmd_z },
	{ "&F", fw_cmd_z },
	{ "&C", fw_cmd_ok_digit },
	{ "&D", fw_cmd_ok_digit },
	{ "&W", fw_cmd_ok_digit },
	{ "X", fw_cmd_ok_digit },
	{ "L", fw_cmd_ok_digit },
	{ "M", fw_cmd_ok_digit },
	{ "H", fw_cmd_ok_digit },
	{ "I", fw_cmd_i },
	{ "S", fw_cmd_s },
	{ "+CGMI", fw_cmd_cgmi },
	{ "+GMI", fw_cmd_cgmi },
	{ "+CGMM", fw_cmd_cgmm },
	{ "+GMM", fw_cmd_cgmm },
	{ "+CGMR", fw_cmd_cgmr },
	{ "+GMR", fw_cmd_cgmr },
	{ "+CGSN", fw_cmd_cgsn },
	{ "+GSN", fw_cmd_cgsn },
	{ "+CIMI", fw_cmd_cimi },
	{ "+CCID", fw_cmd_ccid },
	{ "+QCCID", fw_cmd_ccid },
	{ "+CMEE", fw_cmd_cmee },
	{ "+CPIN", fw_cmd_cpin },
	{ "+CFUN", fw_cmd_cfun },
	{ "+CREG", fw_cmd_creg },
	{ "+CGREG", fw_cmd_cgreg },
	{ "+CEREG", fw_cmd_cereg },
	{ "+COPS", fw_cmd_cops },
	{ "+CSQ", fw_cmd_csq },
	{ "+CUSD", fw_cmd_cusd },
	{ NULL, NULL },
};

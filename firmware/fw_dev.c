/* fw_dev.c: the device loop and the control requests (see fw_dev.h). */
#include "fw_dev.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "fw_at.h"
#include "fw_ctl.h"
#include "fw_fault.h"
#include "fw_link.h"
#include "fw_net.h"
#include "fw_profile.h"
#include "fw_sim.h"

#define FW_DEV_TX_DROP (64 * 1024)	/* nobody reads the pty: drop, as USB does */

struct fw_dev {
	const struct fw_dev_opts *o;
	const struct fw_profile *prof;
	struct fw_sim *sim;
	struct fw_net *net;
	struct fw_at at;
	struct fw_link link;
	struct fw_ctl ctl;
	struct fw_fault fault;
	struct fw_buf tx;	/* bytes for the link */
	int64_t hold_until;	/* fault slow: tx leaves then */
	int sigfd;
	bool stop;
};

static int64_t fw_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fw_wall(struct pdu_time *t)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	*t = (struct pdu_time){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				tm.tm_min, tm.tm_sec, (int)(tm.tm_gmtoff / 900) };
}

static void fw_trace(const struct fw_dev *d, const char *dir, const char *p, size_t n)
{
	if (!d->o->trace || !n)
		return;
	fprintf(stderr, "%lld %s ", (long long)fw_mono_ms(), dir);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\r')
			fputs("\\r", stderr);
		else if (c == '\n')
			fputs("\\n", stderr);
		else if (c < 32 || c >= 127)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputc('\n', stderr);
}

static bool fw_dev_hanging(const struct fw_dev *d, int64_t now)
{
	return d->fault.hang_until != FW_FAULT_NONE && now < d->fault.hang_until;
}

/* Moves what the interpreter produced towards the link. */
static void fw_dev_collect(struct fw_dev *d, int64_t now)
{
	struct fw_at *a = &d->at;
	if (a->sim_dirty && d->o->state) {
		char why[300];
		if (fw_sim_save(d->sim, d->o->state, why, sizeof why) < 0)
			fprintf(stderr, "tinbao-modem: cannot save state: %s\n", why);
	}
	a->sim_dirty = false;
	if (!a->out.len)
		return;
	bool hang = fw_dev_hanging(d, now);
	if (!hang && d->link.up) {
		if (d->fault.slow_ms > 0 && !d->tx.len)
			d->hold_until = now + d->fault.slow_ms;
		fw_buf_add(&d->tx, a->out.p, a->out.len);
	}
	fw_buf_clear(&a->out);
}

static void fw_dev_flush(struct fw_dev *d, int64_t now)
{
	if (!d->tx.len || now < d->hold_until)
		return;
	if (!fw_link_connected(&d->link)) {
		fw_buf_clear(&d->tx);	/* no TCP client: bytes go nowhere */
		return;
	}
	ssize_t w = fw_link_write(&d->link, d->tx.p, d->tx.len);
	if (w > 0) {
		fw_trace(d, ">>", d->tx.p, (size_t)w);
		fw_buf_consume(&d->tx, (size_t)w);
	} else if (w < 0 || d->tx.len > FW_DEV_TX_DROP) {
		fw_buf_clear(&d->tx);
	}
}

static void fw_dev_tick(struct fw_dev *d, int64_t now)
{
	struct fw_fault *f = &d->fault;
	fw_wall(&d->at.wall);
	if (now >= f->hang_until)
		f->hang_until = FW_FAULT_NONE;
	if (now >= f->nonet_until) {
		f->nonet_until = FW_FAULT_NONE;
		fw_at_set_network(&d->at, true, now);
	}
	if (now >= f->unplug_until) {
		char why[300];
		f->unplug_until = FW_FAULT_NONE;
		if (fw_link_replug(&d->link, why, sizeof why) < 0) {
			fprintf(stderr, "tinbao-modem: replug failed: %s\n", why);
			d->stop = true;
			return;
		}
		/* Plugged in again: the module boots and prints its URCs. */
		fw_at_power_cycle(&d->at, now, 100);
	}
	if (d->link.up && f->hang_until == FW_FAULT_NONE)
		fw_at_tick(&d->at, now);
	fw_dev_collect(d, now);
	fw_ctl_retry(&d->ctl, now);
}

/* --- control requests ------------------------------------------------------------ */

static json_t *fw_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fw_err(const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static json_t *fw_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

/* "2026-11-25T16:29:05+07:00" (or Z). */
static int fw_parse_time(const char *s, struct pdu_time *t)
{
	int y, mo, da, h, mi, se, n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &da, &h, &mi, &se, &n) != 6)
		return -1;
	s += n;
	int tz = 0, th, tm;
	if (*s == 'Z' && !s[1])
		tz = 0;
	else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d", &th, &tm) == 2 && strlen(s) == 6)
		tz = (*s == '-' ? -1 : 1) * (th * 4 + tm / 15);
	else
		return -1;
	if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || se > 59 || y < 2000 ||
	    y > 2099)
		return -1;
	*t = (struct pdu_time){ y, mo, da, h, mi, se, tz };
	return 0;
}

static int fw_int_list(json_t *v, int *out, size_t max, size_t *n)
{
	*n = 0;
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		out[(*n)++] = (int)json_integer_value(v);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > max)
		return -1;
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		if (!json_is_integer(e))
			return -1;
		out[(*n)++] = (int)json_integer_value(e);
	}
	return 0;
}

static json_t *fw_ctl_sms(struct fw_dev *d, json_t *req)
{
	char why[300] = "";
	json_t *pdu = json_object_get(req, "pdu");
	if (pdu) {
		/* Raw PDUs, one string or a list: delivered exactly as given. */
		size_t n = json_is_array(pdu) ? json_array_size(pdu) : 1;
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_is_array(pdu) ? json_array_get(pdu, i) : pdu;
			if (!json_is_string(e))
				return fw_err("pdu must be a hex string or a list of them");
			if (fw_net_deliver_pdu(d->net, json_string_value(e), why, sizeof why) < 0)
				return fw_err("%s", why);
		}
		return json_pack("{s:b, s:i}", "ok", 1, "parts", (int)n);
	}
	int order[PDU_MAX_PARTS], drop[PDU_MAX_PARTS];
	struct fw_net_sms_opts o = { .force = -1, .ref = -1, .order = order, .drop = drop };
	const char *enc = NULL, *when = NULL;
	json_t *jorder = NULL, *jdrop = NULL;
	int ref = -1, alnum = -1, ref16 = 0, dup = 0;
	json_error_t err;
	if (json_unpack_ex(req, &err, 0, "{s:s, s:s, s?s, s?i, s?b, s?o, s?o, s?b, s?b, s?s, s?s}",
			   "from", &o.from, "text", &o.text, "encoding", &enc, "ref", &ref, "ref16",
			   &ref16, "order", &jorder, "drop", &jdrop, "duplicate", &dup, "alnum", &alnum,
			   "time", &when, "smsc", &o.smsc) < 0)
		return fw_err("sms: %s", err.text);
	if (enc && !strcmp(enc, "gsm7"))
		o.force = SMS_ENC_GSM7;
	else if (enc && !strcmp(enc, "ucs2"))
		o.force = SMS_ENC_UCS2;
	else if (enc && strcmp(enc, "auto"))
		return fw_err("encoding is gsm7, ucs2 or auto, not '%s'", enc);
	if (ref > 65535 || (!ref16 && ref > 255))
		return fw_err("ref %d does not fit the reference size", ref);
	o.ref = ref;
	o.ref16 = ref16;
	o.duplicate = dup;
	/* Letters in the sender make it alphanumeric unless told otherwise. */
	o.alnum = alnum >= 0 ? alnum : strpbrk(o.from, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != NULL;
	if (fw_int_list(jorder, order, PDU_MAX_PARTS, &o.norder) < 0 ||
	    fw_int_list(jdrop, drop, PDU_MAX_PARTS, &o.ndrop) < 0)
		return fw_err("order and drop are lists of part numbers");
	if (when && fw_parse_time(when, &o.scts) < 0)
		return fw_err("time '%s' is not like 2026-11-25T16:29:05+07:00", when);
	if (!when)
		fw_wall(&o.scts);
	int np = fw_net_deliver(d->net, &o, why, sizeof why);
	if (np < 0)
		return fw_err("%s", why);
	return json_pack("{s:b, s:i}", "ok", 1, "parts", np);
}

static json_t *fw_ctl_sent(struct fw_dev *d, json_t *req, bool final)
{
	json_t *jc = json_object_get(req, "count");
	size_t count = json_is_integer(jc) && json_integer_value(jc) > 0 ? (size_t)json_integer_value(jc) : 0;
	bool keep = json_is_true(json_object_get(req, "keep"));
	bool wait = json_object_get(req, "wait") != NULL;
	size_t have = fw_net_sent_count(d->net);
	size_t want = count ? count : 1;
	if (wait && !final && have < want)
		return NULL;
	json_t *list = fw_net_sent_take(d->net, count, keep);
	return json_pack("{s:b, s:o}", "ok", 1, "sent", list);
}

static json_t *fw_ctl_ussd(struct fw_dev *d, json_t *req)
{
	json_t *bal = json_object_get(req, "balance");
	if (bal) {
		json_t *cost = json_object_get(req, "cost");
		if (!json_is_integer(bal) || (cost && !json_is_integer(cost)))
			return fw_err("balance and cost are integers");
		fw_net_set_balance(d->net, (long)json_integer_value(bal),
				   cost ? (long)json_integer_value(cost) : -1);
		return fw_ok();
	}
	const char *code, *reply;
	int menu = 0;
	json_error_t err;
	if (json_unpack_ex(req, &err, 0, "{s:s, s:s, s?b}", "code", &code, "reply", &reply, "menu",
			   &menu) < 0)
		return fw_err("ussd: %s", err.text);
	if (!*code || fw_net_ussd_set(d->net, code, reply, menu) < 0)
		return fw_err("ussd: cannot store the answer (empty code or table full)");
	return fw_ok();
}

static json_t *fw_ctl_fault(struct fw_dev *d, json_t *req, int64_t now)
{
	const char *name = NULL;
	double value = 0;
	int code = 500;
	json_error_t err;
	if (json_unpack_ex(req, &err, 0, "{s:s, s?F, s?i}", "kind", &name, "value", &value, "code",
			   &code) < 0)
		return fw_err("fault: %s", err.text);
	int k = fw_fault_parse(name);
	if (k < 0)
		return fw_err("unknown fault '%s' (hang, garbage, unplug, cms-error, slow, no-network, reset)", name);
	if (value < 0 || value > 86400)
		return fw_err("fault value out of range");
	if (k == FW_FAULT_GARBAGE && value > 65536)
		return fw_err("garbage: 1..65536 bytes");
	int64_t ms = (int64_t)(value * 1000);
	struct fw_fault *f = &d->fault;
	switch ((enum fw_fault_kind)k) {
	case FW_FAULT_HANG:
		f->hang_until = now + ms;
		fw_buf_clear(&d->tx);
		break;
	case FW_FAULT_GARBAGE: {
		size_t n = value > 0 ? (size_t)value : 64;
		uint8_t *b = malloc(n);
		if (!b)
			return fw_err("garbage: out of memory");
		fw_fault_garbage(f, b, n);
		if (d->link.up)
			fw_buf_add(&d->tx, b, n);
		free(b);
		break;
	}
	case FW_FAULT_UNPLUG:
		fw_link_unplug(&d->link);
		fw_buf_clear(&d->tx);
		f->unplug_until = now + ms;
		break;
	case FW_FAULT_CMS_ERROR:
		d->at.cms_fault_count = value > 0 ? (int)value : 1;
		d->at.cms_fault_code = code;
		break;
	case FW_FAULT_SLOW:
		f->slow_ms = (int)value;
		break;
	case FW_FAULT_NO_NETWORK:
		fw_at_set_network(&d->at, false, now);
		f->nonet_until = now + ms;
		break;
	case FW_FAULT_RESET:
		fw_at_power_cycle(&d->at, now, 300);
		break;
	case FW_FAULT_KINDS:
		break;
	}
	f->count[k]++;	/* counted once done: a refused request changes nothing */
	fw_dev_collect(d, now);
	return fw_ok();
}

static const char *fw_pin_word(enum fw_pin_state p)
{
	switch (p) {
	case FW_PIN_READY: return "READY";
	case FW_PIN_PIN: return "SIM PIN";
	case FW_PIN_PUK: return "SIM PUK";
	case FW_PIN_BLOCKED: return "BLOCKED";
	}
	return "?";
}

static json_t *fw_left(int64_t until, int64_t now)
{
	return json_integer(until == FW_FAULT_NONE || until <= now ? 0 : until - now);
}

static json_t *fw_ctl_status(struct fw_dev *d, int64_t now)
{
	const struct fw_at *a = &d->at;
	const struct fw_net_counters *c = fw_net_counters(d->net);
	json_t *counts = json_object();
	for (int k = 0; k < FW_FAULT_KINDS; k++)
		json_object_set_new(counts, fw_fault_name((enum fw_fault_kind)k),
				    json_integer((json_int_t)d->fault.count[k]));
	json_t *storage = json_object();
	for (int m = 0; m < FW_MEM_COUNT; m++)
		json_object_set_new(storage, fw_mem_name((enum fw_mem)m),
				    json_pack("{s:i, s:i}", "used", fw_sim_used(d->sim, (enum fw_mem)m),
					      "total", d->sim->size[m]));
	return json_pack(
		"{s:b, s:s, s:s, s:s, s:b, s:b, s:i, s:i, s:i, s:s, s:b, s:o, s:i, s:i, s:i, s:I,"
		" s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I},"
		" s:{s:o, s:o, s:o, s:i, s:i, s:o},"
		" s:{s:b, s:i, s:s, s:i, s:[i,i,i,i,i]}}",
		"ok", 1, "profile", d->prof->name, "port", d->link.path, "device", d->link.name,
		"plugged", d->link.up, "registered", a->reg == 1 || a->reg == 5, "reg", a->reg,
		"cfun", a->cfun, "signal", a->net_up && a->cfun == 1 ? d->prof->rssi : 99,
		"sim", fw_pin_word(d->sim->pin_state), "sms_ready", a->sms_ready, "storage", storage,
		"network_queue", (int)fw_net_inbound_count(d->net),
		"sent_waiting", (int)fw_net_sent_count(d->net),
		"pending_parts", (int)fw_net_pending_parts(d->net), "balance", (json_int_t)fw_net_balance(d->net),
		"counters", "at_commands", (json_int_t)a->commands, "at_errors", (json_int_t)a->errors,
		"urcs", (json_int_t)a->urcs, "delivered_msgs", (json_int_t)c->delivered_msgs,
		"delivered_parts", (json_int_t)c->delivered_parts, "sent_msgs", (json_int_t)c->sent_msgs,
		"sent_parts", (json_int_t)c->sent_parts, "ussd", (json_int_t)c->ussd,
		"rejected", (json_int_t)c->rejected, "tcp_clients", (json_int_t)d->link.opens,
		"faults", "hang_ms", fw_left(d->fault.hang_until, now), "unplug_ms",
		fw_left(d->fault.unplug_until, now), "no_network_ms", fw_left(d->fault.nonet_until, now),
		"slow_ms", d->fault.slow_ms, "cms_error", a->cms_fault_count, "counts", counts,
		"settings", "echo", a->echo, "cmgf", a->cmgf, "cscs", a->cscs, "csms", a->csms, "cnmi",
		a->cnmi[0], a->cnmi[1], a->cnmi[2], a->cnmi[3], a->cnmi[4]);
}

static json_t *fw_ctl_wait(struct fw_dev *d, json_t *req, bool final)
{
	const char *until = json_string_value(json_object_get(req, "until"));
	bool done;
	if (!until)
		return fw_err("wait: 'until' is registered, sms-ready, delivered, sim-empty or plugged");
	if (!strcmp(until, "registered"))
		done = d->at.reg == 1 || d->at.reg == 5;
	else if (!strcmp(until, "sms-ready"))
		done = fw_at_can_receive(&d->at);
	else if (!strcmp(until, "delivered"))
		done = !fw_net_inbound_count(d->net) && !d->at.cnma_pending;
	else if (!strcmp(until, "plugged"))
		done = d->link.up;
	else if (!strcmp(until, "sim-empty"))
		done = !fw_sim_used(d->sim, FW_MEM_SM) && !fw_sim_used(d->sim, FW_MEM_ME);
	else
		return fw_err("wait: unknown condition '%s'", until);
	if (done)
		return fw_ok();
	return final ? fw_err("timeout waiting for %s", until) : NULL;
}

static json_t *fw_dev_request(void *ctx, json_t *req, bool final, int64_t now)
{
	struct fw_dev *d = ctx;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	if (!cmd)
		return fw_err("a request needs \"cmd\"");
	if (!strcmp(cmd, "sms"))
		return fw_ctl_sms(d, req);
	if (!strcmp(cmd, "sent"))
		return fw_ctl_sent(d, req, final);
	if (!strcmp(cmd, "ussd"))
		return fw_ctl_ussd(d, req);
	if (!strcmp(cmd, "fault"))
		return fw_ctl_fault(d, req, now);
	if (!strcmp(cmd, "status"))
		return fw_ctl_status(d, now);
	if (!strcmp(cmd, "wait"))
		return fw_ctl_wait(d, req, final);
	return fw_err("unknown cmd '%s'", cmd);
}

/* --- the loop ------------------------------------------------------------------------ */

static int fw_dev_setup(struct fw_dev *d, const struct fw_dev_opts *o)
{
	char why[400];
	d->o = o;
	d->prof = fw_profile_find(o->profile ? o->profile : "ec25");
	if (!d->prof) {
		fprintf(stderr, "tinbao-modem: unknown profile '%s' (%s)\n", o->profile, fw_profile_names());
		return -1;
	}
	d->sim = fw_sim_new(o->sm_slots ? o->sm_slots : d->prof->sm_slots,
			    o->me_slots ? o->me_slots : d->prof->me_slots);
	d->net = fw_net_new();
	if (!d->sim || !d->net) {
		fprintf(stderr, "tinbao-modem: bad storage size or out of memory\n");
		return -1;
	}
	fw_sim_set_pin(d->sim, o->pin, o->puk);
	if (o->state && fw_sim_load(d->sim, o->state, why, sizeof why) < 0) {
		fprintf(stderr, "tinbao-modem: %s\n", why);
		return -1;
	}
	fw_fault_init(&d->fault, o->seed);
	fw_at_init(&d->at, d->prof, d->sim, d->net, fw_mono_ms());
	if (o->cnma_timeout_ms > 0)
		d->at.cnma_timeout_ms = o->cnma_timeout_ms;
	fw_wall(&d->at.wall);
	if (fw_link_open(&d->link, o->tcp ? FW_LINK_TCP : FW_LINK_PTY, o->tcp ? o->tcp : o->link, why,
			 sizeof why) < 0) {
		fprintf(stderr, "tinbao-modem: %s\n", why);
		return -1;
	}
	if (o->control && fw_ctl_listen(&d->ctl, o->control, why, sizeof why) < 0) {
		fprintf(stderr, "tinbao-modem: %s\n", why);
		return -1;
	}
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	d->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	return d->sigfd < 0 ? -1 : 0;
}

static void fw_dev_poll(struct fw_dev *d, int64_t now)
{
	struct pollfd p[4 + FW_CTL_CLIENTS];
	int n = 0, ilink = -1, ilisten = -1;
	p[n++] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
	if (d->link.fd >= 0) {
		ilink = n;
		p[n++] = (struct pollfd){ .fd = d->link.fd,
					  .events = (short)(POLLIN | (d->tx.len && now >= d->hold_until ? POLLOUT : 0)) };
	}
	if (d->link.listen_fd >= 0) {
		ilisten = n;
		p[n++] = (struct pollfd){ .fd = d->link.listen_fd, .events = POLLIN };
	}
	int ictl = n;
	n += fw_ctl_pollfds(&d->ctl, p + n, (int)(sizeof p / sizeof p[0]) - n);

	/* A hung or unplugged modem runs no timers: only the end of the fault
	 * matters then (its deadline is in tf). */
	int64_t t = d->link.up && !fw_dev_hanging(d, now) ? fw_at_next_deadline(&d->at) : INT64_MAX;
	int64_t tf = fw_fault_next_deadline(&d->fault), tc = fw_ctl_next_deadline(&d->ctl);
	if (tf < t)
		t = tf;
	if (tc < t)
		t = tc;
	if (d->tx.len && d->hold_until > now && d->hold_until < t)
		t = d->hold_until;
	int timeout = t == INT64_MAX ? -1 : t <= now ? 0 : (int)(t - now > 60000 ? 60000 : t - now);
	if (poll(p, (nfds_t)n, timeout) < 0) {
		if (errno != EINTR)
			d->stop = true;
		return;
	}
	now = fw_mono_ms();
	if (p[0].revents) {
		struct signalfd_siginfo si;
		if (read(d->sigfd, &si, sizeof si) > 0)
			d->stop = true;
	}
	if (ilisten >= 0 && p[ilisten].revents)
		fw_link_accept(&d->link);
	if (ilink >= 0 && p[ilink].revents) {
		uint8_t buf[4096];
		ssize_t r = fw_link_read(&d->link, buf, sizeof buf);
		if (r > 0) {
			fw_trace(d, "<<", (const char *)buf, (size_t)r);
			if (!fw_dev_hanging(d, now)) {
				fw_wall(&d->at.wall);
				fw_at_feed(&d->at, buf, (size_t)r, now);
			}
		}
	}
	fw_ctl_handle(&d->ctl, p + ictl, n - ictl, now);
}

int fw_dev_run(const struct fw_dev_opts *o)
{
	struct fw_dev *d = calloc(1, sizeof *d);
	if (!d)
		return 1;
	fw_link_init(&d->link);
	fw_ctl_init(&d->ctl, fw_dev_request, d);
	fw_buf_init(&d->tx);
	d->sigfd = -1;
	int rc = 1;
	if (fw_dev_setup(d, o) == 0) {
		printf("READY %s\n", d->link.name);
		fflush(stdout);
		rc = 0;
		while (!d->stop) {
			int64_t now = fw_mono_ms();
			fw_dev_tick(d, now);
			fw_dev_flush(d, now);
			if (!d->stop)
				fw_dev_poll(d, now);
		}
	}
	if (d->o && d->o->state && d->sim) {
		char why[300];
		if (fw_sim_save(d->sim, d->o->state, why, sizeof why) < 0)
			fprintf(stderr, "tinbao-modem: cannot save state: %s\n", why);
	}
	fw_link_close(&d->link);
	fw_ctl_close(&d->ctl);
	fw_at_fini(&d->at);
	fw_sim_free(d->sim);
	fw_net_free(d->net);
	fw_buf_free(&d->tx);
	if (d->sigfd >= 0)
		close(d->sigfd);
	free(d);
	return rc;
}

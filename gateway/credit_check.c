/* credit_check.c: balance readings and low-balance alerts (see
 * credit_check.h). Owns the glue between the pure credit module and the
 * store; the USSD exchange itself is the modem driver's. */
#include "credit_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_ussd.h"
#include "store/store.h"
#include "store/store_users.h"
#include "store/store_ussd.h"

struct credit_check {
	const struct conf_credit *conf;
	struct credit_pattern *pattern;
};

int credit_check_new(struct credit_check **out, const struct conf_credit *conf, char *why,
		     size_t whylen)
{
	*out = NULL;
	if (!conf || !conf->code) {
		snprintf(why, whylen, "credit: no configuration");
		return -1;
	}
	struct credit_check *cc = calloc(1, sizeof *cc);
	if (!cc) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	cc->conf = conf;
	if (credit_pattern_new(&cc->pattern, conf->pattern ? conf->pattern : CREDIT_PATTERN_DEFAULT,
			       why, whylen) < 0) {
		free(cc);
		return -1;
	}
	*out = cc;
	return 0;
}

void credit_check_free(struct credit_check *cc)
{
	if (!cc)
		return;
	credit_pattern_free(cc->pattern);
	free(cc);
}

const char *credit_check_code(const struct credit_check *cc)
{
	return cc->conf->code;
}

int64_t credit_check_due_in(const struct credit_check *cc, struct store *s, int64_t now)
{
	struct credit_reading last;
	if (store_credit_last(s, false, &last) != 1)
		return 0;
	int64_t left = last.at + cc->conf->every - now;
	return left > 0 ? left : 0;
}

/* "12.500" for 12500: thousands grouped the Vietnamese way. */
static void cc_amount(double v, char *out, size_t len)
{
	long long n = llround(v);
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	size_t nd = strlen(digits), o = 0;
	if (n < 0 && o + 1 < len)
		out[o++] = '-';
	for (size_t i = 0; i < nd && o + 2 < len; i++) {
		if (i && (nd - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void credit_check_alert_text(double balance, double threshold, char *out, size_t outlen)
{
	char b[32], t[32];
	cc_amount(balance, b, sizeof b);
	cc_amount(threshold, t, sizeof t);
	snprintf(out, outlen,
		 "TINBAO: tai khoan SIM cua may chu con %s d (duoi %s d). Nap the som de "
		 "tin nhan tra loi khong bi dung.", b, t);
}

struct cc_alert {
	struct store *s;
	const char *text;
	int64_t reading_id, now;
	int queued;
	int err;
};

static int cc_queue(struct cc_alert *a, const char *phone)
{
	char slot[64];
	snprintf(slot, sizeof slot, "credit-low:%lld:%s", (long long)a->reading_id, phone);
	int64_t id = store_outbox_queue(a->s, phone, a->text, 0, slot, a->now);
	if (id == STORE_E_RECIPIENT)
		return 0;	/* not a phone we may text: skip it, alert the others */
	if (id < 0)
		return (int)id;
	a->queued++;
	return 0;
}

/* Phones of one role, collected first: the store may not be written from
 * inside store_user_each. */
struct cc_phones {
	char (*v)[24];
	size_t n, cap;
};

static int cc_collect(const struct user *u, void *arg)
{
	struct cc_phones *p = arg;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		char (*nv)[24] = realloc(p->v, ncap * sizeof *nv);
		if (!nv)
			return STORE_E_DB;
		p->v = nv;
		p->cap = ncap;
	}
	snprintf(p->v[p->n++], sizeof p->v[0], "%s", u->phone);
	return 0;
}

static int cc_alert_all(const struct credit_check *cc, struct cc_alert *a)
{
	/* No list in the config: the staff, who can top the SIM up. */
	static char staff[] = "role:staff";
	static char *staff_v[] = { staff };
	static const struct conf_strv staff_only = { staff_v, 1 };
	const struct conf_strv *to = cc->conf->alert.n ? &cc->conf->alert : &staff_only;
	for (size_t i = 0; i < to->n; i++) {
		const char *r = to->v[i];
		if (strncmp(r, "role:", 5) != 0) {
			int rc = cc_queue(a, r);
			if (rc < 0)
				return rc;
			continue;
		}
		enum user_role role = store_user_role_parse(r + 5);
		if (role == ROLE_NONE)
			continue;
		struct cc_phones p = { NULL, 0, 0 };
		int rc = store_user_each(a->s, role, true, cc_collect, &p);
		for (size_t k = 0; rc >= 0 && k < p.n; k++)
			rc = cc_queue(a, p.v[k]);
		free(p.v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int credit_check_record(struct credit_check *cc, struct store *s, const char *reply, int status,
			int64_t now, struct credit_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->event = CREDIT_ALARM_NONE;
	struct credit_reading r;
	memset(&r, 0, sizeof r);
	r.at = now;
	snprintf(r.code, sizeof r.code, "%s", cc->conf->code);
	r.status = reply ? status : -1;
	snprintf(r.raw, sizeof r.raw, "%s", reply ? reply : "");
	r.threshold = cc->conf->threshold;
	double v;
	if (reply && credit_extract(cc->pattern, reply, &v, NULL, 0) == 1) {
		r.has_balance = true;
		r.balance = v;
	}
	/* The alarm state of the newest reading (armed when there is none). */
	struct credit_alarm alarm;
	credit_alarm_init(&alarm);
	struct credit_reading last;
	int have = store_credit_last(s, false, &last);
	if (have < 0)
		return have;
	if (have)
		alarm.armed = last.armed;
	if (r.has_balance)
		out->event = credit_alarm_update(&alarm, r.threshold, r.balance);
	r.armed = alarm.armed;
	r.alerted = out->event == CREDIT_ALARM_LOW;

	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	int64_t id = store_credit_add(s, &r);
	if (id < 0) {
		store_rollback(s);
		return (int)id;
	}
	if (r.alerted) {
		char text[200];
		credit_check_alert_text(r.balance, r.threshold, text, sizeof text);
		struct cc_alert a = { s, text, id, now, 0, 0 };
		rc = cc_alert_all(cc, &a);
		if (rc < 0) {
			store_rollback(s);
			return rc;
		}
		out->alerts_queued = a.queued;
		store_event(s, now, "warn", "credit.low", text);
	}
	rc = store_commit(s);
	if (rc < 0)
		return rc;
	out->reading_id = id;
	out->has_balance = r.has_balance;
	out->balance = r.balance;
	return 0;
}

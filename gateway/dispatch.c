/* dispatch.c: one assembled inbound message → its effect (a stored report,
 * a correction, a registration ...) and at most one reply, queued in the
 * same transaction as the caller's "handled" mark (see dispatch.h).
 *
 * Who gets an answer: alphanumeric senders and short codes never (a reply
 * loop with a bank's robot costs money); numbers without an account one
 * polite "how to join" a period (limits.unregistered_reply_every); everyone
 * else an answer to every message. A replayed message (crash between
 * commit and the outbox) finds the report it already made and queues the
 * same receipt, which the outbox's (message, slot) key makes a no-op. */
#include "dispatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "conf.h"
#include "lang/reply.h"
#include "lang/report_check.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "office/office_sms.h"
#include "sms/phone.h"
#include "store/store.h"
#include "store/store_events.h"
#include "store/store_households.h"
#include "store/store_reports.h"
#include "store/store_users.h"
#include "store/store_ussd.h"
#include "conf_ussd.h"
#include "lang/ussd_cmd.h"

static int handle_report(struct dispatch_ctx *ctx);	/* BC and RS */
static int handle_sua(struct dispatch_ctx *ctx);
static int handle_huy(struct dispatch_ctx *ctx);
static int handle_hd(struct dispatch_ctx *ctx);
static int handle_dk(struct dispatch_ctx *ctx);
static int handle_duyet(struct dispatch_ctx *ctx);
static int handle_ussd(struct dispatch_ctx *ctx);

#define REPORTERS (DISPATCH_ROLE(ROLE_COLLABORATOR) | DISPATCH_ROLE(ROLE_STAFF) | DISPATCH_ROLE(ROLE_ADMIN))
#define STAFF (DISPATCH_ROLE(ROLE_STAFF) | DISPATCH_ROLE(ROLE_ADMIN))
#define REGISTERED (REPORTERS | DISPATCH_ROLE(ROLE_OFFICIAL) | DISPATCH_PENDING)

/* The command table. Spellings are folded (no accents, lower case); a form
 * with a space also matches the words typed together ("bao cao",
 * "baocao"). Add a command with one line. */
static const struct dispatch_command commands[] = {
	{ "BC", "bc|baocao|bao cao|bcao", handle_report, REPORTERS },
	{ "RS", "rs|rasoat|ra soat", handle_report, REPORTERS },
	{ "SUA", "sua|suabc|sua bc|chinh sua", handle_sua, REPORTERS },
	{ "HUY", "huy|huybc|huy bc|xoa", handle_huy, REPORTERS },
	{ "HD", "hd|huongdan|huong dan|help|trogiup|tro giup", handle_hd, REGISTERED },
	{ "DK", "dk|dangky|dang ky|dangki|dang ki", handle_dk, REGISTERED | DISPATCH_STRANGER },
	{ "DUYET", "duyet|pheduyet|phe duyet", handle_duyet, STAFF },
	{ "USSD", "ussd", handle_ussd, STAFF },
	{ "NAP", "nap|naptien|nap tien|napthe|nap the", handle_ussd, STAFF },
	{ "TK", "tk|thongke|thong ke", office_handle_tk, REPORTERS | DISPATCH_ROLE(ROLE_OFFICIAL) },
	{ "MAHO", "maho|ma ho", office_handle_maho, REPORTERS | DISPATCH_ROLE(ROLE_OFFICIAL) },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* ---- helpers ---- */

static struct reply_style style_of(const struct dispatch_env *env)
{
	struct reply_style st = { env->catalog && catalog_settings(env->catalog)->diacritics };
	return st;
}

static int64_t unregistered_every(const struct dispatch_env *env)
{
	return env->conf && env->conf->limits.unregistered_reply_every > 0
		       ? env->conf->limits.unregistered_reply_every
		       : 86400;
}

int64_t dispatch_notify(struct dispatch_ctx *ctx, const char *to, const char *text, const char *slot)
{
	return store_outbox_queue(ctx->env->store, to, text, ctx->msg->id, slot, ctx->env->now);
}

static bool is_staff(const struct user *u)
{
	return u && u->active && (u->role == ROLE_STAFF || u->role == ROLE_ADMIN);
}

/* A stored version back into a report, for read-backs (receipts). */
static void report_from_stored(const struct catalog *c, const struct store_report *s, struct report *r)
{
	memset(r, 0, sizeof *r);
	r->form = !strcmp(s->kind, "review") ? REPORT_FORM_RS : REPORT_FORM_BC;
	r->project = catalog_project_find(c, s->project);
	r->commune = catalog_commune_by_code(c, s->commune, CATALOG_DAY_NONE);
	r->village = s->village[0] ? catalog_village_by_code(c, s->village, CATALOG_DAY_NONE) : NULL;
	r->place_named = true;
	r->day = catalog_day_parse(s->day);
	r->day_given = true;
	r->training = s->training;
	for (int i = 0; i < s->nvalues && r->nvalues < REPORT_VALUES_MAX; i++) {
		const struct catalog_indicator *ind = catalog_indicator_by_code(c, s->values[i].code);
		if (!ind)
			continue;	/* an indicator since removed from the catalog */
		r->values[r->nvalues++] = (struct report_value){ ind, s->values[i].value,
								 r->form == REPORT_FORM_RS };
	}
	snprintf(r->ref, sizeof r->ref, "%.4s", s->ref);
}

static void stored_from_report(const struct report *r, const struct dispatch_ctx *ctx,
			       struct store_report *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->kind, sizeof s->kind, "%s", r->form == REPORT_FORM_RS ? "review" : "activity");
	snprintf(s->phone, sizeof s->phone, "%s", ctx->msg->sender);
	snprintf(s->commune, sizeof s->commune, "%s", r->commune ? r->commune->code : "");
	snprintf(s->village, sizeof s->village, "%s", r->village ? r->village->code : "");
	snprintf(s->project, sizeof s->project, "%s", r->project ? r->project->code : "");
	catalog_day_format(r->day, s->day, sizeof s->day);
	s->received_at = ctx->msg->received_at ? ctx->msg->received_at : ctx->env->now;
	s->source_msg_id = ctx->msg->id;
	s->training = r->training;
	for (int i = 0; i < r->nvalues && i < STORE_REPORT_VALUES_MAX; i++) {
		snprintf(s->values[i].code, sizeof s->values[i].code, "%s", r->values[i].ind->code);
		s->values[i].value = r->values[i].value;
		s->nvalues++;
	}
}

static struct report_env report_env_of(const struct dispatch_ctx *ctx)
{
	struct report_env e = { ctx->env->catalog, ctx->sender, ctx->env->now, ctx->tz_offset,
				catalog_settings(ctx->env->catalog)->max_age_days };
	return e;
}

/* ---- problems, with the households a report names ---- */

/* One reply naming every problem of a report: its own and its household
 * codes' (office_reach_items(), when hc holds a failed check), in one
 * numbered list, so that a sender fixes everything at once. The wording,
 * the frame and what gives way when it does not fit one SMS are
 * reply_problems_with()'s (lang/reply.h). */
static void reply_all_problems(struct dispatch_ctx *ctx, const struct report *r,
			       const struct report_problems *pr, const struct office_reach_check *hc)
{
	struct reply_style st = style_of(ctx->env);
	struct reply_items codes = hc ? office_reach_items(hc) : (struct reply_items){ 0 };
	reply_problems_with(r, pr, hc ? &codes : NULL, ctx->env->catalog, is_staff(ctx->sender), &st,
			    ctx->reply, sizeof ctx->reply);
}

/* The households named (MAHO) checked for the sender on `day`: 0 all may
 * be recorded (hc->canon filled), 1 problems in hc, <0 a store error. */
static int check_households(struct dispatch_ctx *ctx, const struct report *r, catalog_day day,
			    struct office_reach_check *hc)
{
	const char *codes[REPORT_HOUSEHOLDS_MAX];
	for (int i = 0; i < r->nhouseholds; i++)
		codes[i] = r->households[i];
	if (day == CATALOG_DAY_NONE)
		day = catalog_day_of(ctx->env->now, ctx->tz_offset);
	return office_check_reach(ctx->env->store, ctx->env->catalog, ctx->sender, codes, r->nhouseholds, day,
				  hc);
}

static int record_households(struct dispatch_ctx *ctx, const struct report *r,
			     const struct office_reach_check *hc, const struct store_report *s,
			     catalog_day day)
{
	const char *canonp[REPORT_HOUSEHOLDS_MAX];
	for (int i = 0; i < r->nhouseholds; i++)
		canonp[i] = hc->canon[i];
	int rc = office_record_reach(ctx->env->store, s->ref, s->id, s->project, day, canonp,
				     r->nhouseholds, ctx->env->now);
	return rc < 0 ? rc : 0;
}

/* ---- BC, RS ---- */

static int handle_report(struct dispatch_ctx *ctx)
{
	const struct catalog *c = ctx->env->catalog;
	struct reply_style st = style_of(ctx->env);
	struct report_env renv = report_env_of(ctx);
	struct report r;
	struct report_problems pr;
	enum report_form form = !strcmp(ctx->command->name, "RS") ? REPORT_FORM_RS : REPORT_FORM_BC;
	/* "RS MAHO 0123 CN": named households' status, not village counts. */
	if (form == REPORT_FORM_RS && office_review_names_households(ctx->msg->text))
		return office_handle_review(ctx);
	int n = report_parse(ctx->tokens, ctx->start, form, &renv, &r, &pr);
	r.training |= ctx->training;
	n += report_check(&r, &renv, &pr);
	/* Households named with MAHO: all known and the sender's (or staff),
	 * checked along with everything else so that one reply names every
	 * problem, and before anything is stored. */
	static struct office_reach_check hc;	/* large; the daemon is single-threaded */
	int hbad = 0;
	if (r.nhouseholds && (hbad = check_households(ctx, &r, r.day, &hc)) < 0)
		return hbad;
	if (n || hbad) {
		reply_all_problems(ctx, &r, &pr, hbad ? &hc : NULL);
		return 0;
	}
	/* The same text again from the same phone: the same receipt. */
	char key[REPORT_TEXT_MAX + 16];
	int kl = snprintf(key, sizeof key, "%s%s:", ctx->command->name, r.training ? "/test" : "");
	report_text_key(ctx->tokens, ctx->start, key + kl, sizeof key - (size_t)kl);
	struct store_report s;
	int64_t window = catalog_settings(c)->resend_window;
	int rc = window > 0 ? store_report_find_resend(ctx->env->store, ctx->msg->sender, key,
						       ctx->env->now - window, &s)
			    : 0;
	if (rc < 0)
		return rc;
	if (rc == 0) {
		stored_from_report(&r, ctx, &s);
		rc = store_report_insert(ctx->env->store, &s, key, (uint64_t)ctx->msg->id * 2654435761u);
		if (rc < 0)
			return rc;
		if (r.nhouseholds && (rc = record_households(ctx, &r, &hc, &s, r.day)) < 0)
			return rc;
	}
	struct report back;
	report_from_stored(c, &s, &back);
	reply_receipt(&back, s.ref, s.version, &st, ctx->reply, sizeof ctx->reply);
	return 0;
}

/* ---- SUA, HUY ---- */

/* Looks up ref for a change by the sender; writes the refusal into
 * ctx->reply and returns 0 when it may not go ahead, 1 when it may. */
static int ref_for_change(struct dispatch_ctx *ctx, const char *ref, struct store_report *s)
{
	struct reply_style st = style_of(ctx->env);
	int rc = store_report_get(ctx->env->store, ref, s);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		reply_format(REPLY_REF_NOTFOUND, &st, ctx->reply, sizeof ctx->reply, ref);
		return 0;
	}
	if (!strcmp(s->status, "cancelled")) {
		reply_format(REPLY_REF_CANCELLED, &st, ctx->reply, sizeof ctx->reply, ref);
		return 0;
	}
	if (strcmp(s->phone, ctx->msg->sender) && !is_staff(ctx->sender)) {
		reply_format(REPLY_REF_NOT_AUTHOR, &st, ctx->reply, sizeof ctx->reply, ref);
		return 0;
	}
	return 1;
}

/* HUY: parses the command (answering its problems) and finds the report it
 * names (ref_for_change() answers when it cannot be changed). SUA does the
 * same steps itself, because its problems include the households named.
 * 1 with *fix and *old filled, 0 when the reply is written, or < 0. */
static int change_target(struct dispatch_ctx *ctx, enum report_form form, struct report *fix,
			 struct store_report *old)
{
	struct reply_style st = style_of(ctx->env);
	struct report_env renv = report_env_of(ctx);
	struct report_problems pr;
	if (report_parse(ctx->tokens, ctx->start, form, &renv, fix, &pr)) {
		reply_problems(fix, &pr, ctx->env->catalog, is_staff(ctx->sender), &st, ctx->reply,
			       sizeof ctx->reply);
		return 0;
	}
	return ref_for_change(ctx, fix->ref, old);
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* True when the households checked in hc (n codes, registered spelling) are
 * not exactly those report ref reached. */
static int households_differ(struct dispatch_ctx *ctx, const char *ref, const struct office_reach_check *hc,
			     int n)
{
	char want[REPORT_HOUSEHOLDS_MAX][24], have[REPORT_HOUSEHOLDS_MAX][24];
	int nw = 0;
	for (int i = 0; i < n; i++) {
		bool dup = false;
		for (int k = 0; k < nw && !dup; k++)
			dup = !strcmp(want[k], hc->canon[i]);
		if (!dup)
			memcpy(want[nw++], hc->canon[i], sizeof want[0]);
	}
	qsort(want, (size_t)nw, sizeof want[0], cmp_code);
	int nh = store_households_of_report(ctx->env->store, ref, have, REPORT_HOUSEHOLDS_MAX);
	if (nh < 0)
		return nh;
	if (nh != nw)
		return 1;
	for (int i = 0; i < nw; i++)
		if (strcmp(want[i], have[i]))
			return 1;
	return 0;
}

static int handle_sua(struct dispatch_ctx *ctx)
{
	const struct catalog *c = ctx->env->catalog;
	struct reply_style st = style_of(ctx->env);
	struct report_env renv = report_env_of(ctx);
	struct report fix;
	struct report_problems pr;
	static struct office_reach_check hc;	/* large; the daemon is single-threaded */
	int n = report_parse(ctx->tokens, ctx->start, REPORT_FORM_SUA, &renv, &fix, &pr);
	/* "SUA K7QD MAHO 0123 0456": a correction of the households alone
	 * has no values, and needs none. */
	if (n == 1 && pr.n == 1 && pr.p[0].code == REPORT_P_NO_VALUES && fix.nhouseholds)
		n = 0;
	int hbad = 0;
	if (n) {
		if (fix.nhouseholds && (hbad = check_households(ctx, &fix, fix.day, &hc)) < 0)
			return hbad;
		reply_all_problems(ctx, &fix, &pr, hbad ? &hc : NULL);
		return 0;
	}
	struct store_report old;
	int rc = ref_for_change(ctx, fix.ref, &old);
	if (rc <= 0)
		return rc;
	/* The new version: the old one with the typed values replaced or added
	 * (and the day, when one was typed). */
	struct report r;
	report_from_stored(c, &old, &r);
	bool changed = false;
	if (fix.day_given && fix.day != r.day) {
		r.day = fix.day;
		changed = true;
	}
	for (int i = 0; i < fix.nvalues; i++) {
		int k = 0;
		while (k < r.nvalues && r.values[k].ind != fix.values[i].ind)
			k++;
		if (k == r.nvalues) {
			if (r.nvalues >= REPORT_VALUES_MAX)
				continue;
			r.nvalues++;
			changed = true;
		} else if (r.values[k].value != fix.values[i].value) {
			changed = true;
		}
		r.values[k] = fix.values[i];
		r.values[k].sign_given = r.form == REPORT_FORM_RS;
	}
	/* MAHO in a correction replaces the households reached, checked as
	 * in a report (on the corrected day) and in the same reply. */
	if (fix.nhouseholds && (hbad = check_households(ctx, &fix, r.day, &hc)) < 0)
		return hbad;
	memset(&pr, 0, sizeof pr);
	if (report_check_values(&r, &pr) || hbad) {
		r.form = REPORT_FORM_SUA;
		snprintf(r.ref, sizeof r.ref, "%.4s", old.ref);
		reply_all_problems(ctx, &r, &pr, hbad ? &hc : NULL);
		return 0;
	}
	if (fix.nhouseholds) {
		int d = households_differ(ctx, old.ref, &hc, fix.nhouseholds);
		if (d < 0)
			return d;
		changed |= d != 0;
	}
	if (!changed) {
		/* A resend of the same correction: the same receipt. */
		reply_receipt(&r, old.ref, old.version, &st, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	struct store_report next;
	stored_from_report(&r, ctx, &next);
	snprintf(next.phone, sizeof next.phone, "%s", old.phone);	/* the author stays */
	snprintf(next.commune, sizeof next.commune, "%s", old.commune);
	snprintf(next.village, sizeof next.village, "%s", old.village);
	rc = store_report_amend(ctx->env->store, &old, &next, ctx->msg->sender, ctx->env->now);
	if (rc < 0)
		return rc;
	/* The households follow the report: the typed list replaces the old
	 * one; without MAHO the old list stays, moved to the new version and
	 * its (possibly corrected) day, so coverage by period follows it. */
	if (fix.nhouseholds) {
		if ((rc = store_households_forget_report(ctx->env->store, old.ref)) < 0)
			return rc;
		if ((rc = record_households(ctx, &fix, &hc, &next, r.day)) < 0)
			return rc;
	} else if ((rc = store_households_redate_report(ctx->env->store, old.ref, next.id, r.day)) < 0) {
		return rc;
	}
	struct report back;
	report_from_stored(c, &next, &back);
	reply_receipt(&back, next.ref, next.version, &st, ctx->reply, sizeof ctx->reply);
	return 0;
}

static int handle_huy(struct dispatch_ctx *ctx)
{
	const struct catalog *c = ctx->env->catalog;
	struct reply_style st = style_of(ctx->env);
	struct report fix;
	struct store_report old;
	int rc = change_target(ctx, REPORT_FORM_HUY, &fix, &old);
	if (rc <= 0)
		return rc;
	rc = store_report_cancel(ctx->env->store, old.id, ctx->msg->sender, ctx->env->now);
	if (rc < 0)
		return rc;
	/* A cancelled report reached nobody: its households leave the
	 * coverage and the support history (MAHO, households show). */
	if ((rc = store_households_forget_report(ctx->env->store, old.ref)) < 0)
		return rc;
	struct report r;
	report_from_stored(c, &old, &r);
	char summary[120];
	reply_report_summary(&r, summary, sizeof summary);
	reply_format(REPLY_HUY_OK, &st, ctx->reply, sizeof ctx->reply, old.ref, summary);
	return 0;
}

/* ---- HD ---- */

static int handle_hd(struct dispatch_ctx *ctx)
{
	struct reply_style st = style_of(ctx->env);
	struct report_env renv = report_env_of(ctx);
	struct report r;
	struct report_problems pr;
	report_parse(ctx->tokens, ctx->start, REPORT_FORM_HD, &renv, &r, &pr);
	/* "HD BC", "HD SUA": a command's own help; its table name is the topic. */
	char topic[24];
	snprintf(topic, sizeof topic, "%s", r.topic);
	int used = 0;
	for (size_t i = 0; i < NCOMMANDS && !r.project && topic[0]; i++) {
		struct report_keyword kw = { commands[i].forms };
		if (report_keyword_match(ctx->tokens, ctx->start, &kw, 1, &used, NULL, 0) == 0) {
			snprintf(topic, sizeof topic, "%s", commands[i].name);
			for (char *p = topic; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		}
	}
	if (!strcmp(topic, "bc"))
		topic[0] = 0;
	reply_help(ctx->env->catalog, topic, &st, ctx->reply, sizeof ctx->reply);
	return 0;
}

/* ---- DK, DUYET ---- */

static void place_label(const struct catalog *c, const char *commune, const char *village, char *buf,
			size_t len)
{
	const struct catalog_village *v = village[0] ? catalog_village_by_code(c, village, CATALOG_DAY_NONE) : NULL;
	const struct catalog_commune *m = catalog_commune_by_code(c, commune, CATALOG_DAY_NONE);
	if (v)
		snprintf(buf, len, "%.60s %.60s", v->name_ascii, v->commune->name_ascii);
	else
		snprintf(buf, len, "%s", m ? m->name_ascii : commune);
}

struct staff_list {
	char phone[16][24];
	int n;
};

static int collect_staff(const struct user *u, void *arg)
{
	struct staff_list *l = arg;
	if (l->n < 16)
		snprintf(l->phone[l->n++], sizeof l->phone[0], "%s", u->phone);
	return 0;
}

/* "+84912345678" → "0912345678" for the country's own numbers: what staff
 * type back in DUYET. */
static void local_number(const char *e164, const char *country, char *out, size_t len)
{
	size_t cl = strlen(country);
	if (cl && !strncmp(e164, country, cl))
		snprintf(out, len, "0%s", e164 + cl);
	else
		snprintf(out, len, "%s", e164);
}

static int handle_dk(struct dispatch_ctx *ctx)
{
	const struct catalog *c = ctx->env->catalog;
	struct reply_style st = style_of(ctx->env);
	const struct user *u = ctx->sender;
	if (u) {
		char place[160];
		place_label(c, u->commune, u->village, place, sizeof place);
		if (u->active) {
			reply_format(REPLY_DK_ALREADY, &st, ctx->reply, sizeof ctx->reply, place);
			return 0;
		}
		int ok = store_reply_limit(ctx->env->store, ctx->msg->sender, "pending", ctx->env->now,
					   unregistered_every(ctx->env));
		if (ok > 0)
			reply_format(REPLY_PENDING, &st, ctx->reply, sizeof ctx->reply);
		return ok < 0 ? ok : 0;
	}
	struct report_env renv = report_env_of(ctx);
	struct report r;
	struct report_problems pr;
	if (report_parse(ctx->tokens, ctx->start, REPORT_FORM_DK, &renv, &r, &pr)) {
		reply_problems(&r, &pr, c, false, &st, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	struct user nu;
	memset(&nu, 0, sizeof nu);
	snprintf(nu.phone, sizeof nu.phone, "%s", ctx->msg->sender);
	snprintf(nu.name, sizeof nu.name, "%s", r.name);
	nu.role = ROLE_COLLABORATOR;
	snprintf(nu.commune, sizeof nu.commune, "%s", r.commune->code);
	snprintf(nu.village, sizeof nu.village, "%.63s", r.village ? r.village->code : "");
	nu.active = false;
	int rc = store_user_put(ctx->env->store, &nu, ctx->env->now);
	if (rc < 0)
		return rc;
	char place[160];
	place_label(c, nu.commune, nu.village, place, sizeof place);
	reply_format(REPLY_DK_OK, &st, ctx->reply, sizeof ctx->reply, nu.name, place);
	store_event(ctx->env->store, ctx->env->now, "info", "registration", nu.phone);
	/* Tell the staff, so that someone approves it (listed first: no
	 * writes while the listing runs). */
	struct staff_list staff = { .n = 0 };
	rc = store_user_each(ctx->env->store, ROLE_STAFF, true, collect_staff, &staff);
	if (rc < 0)
		return rc;
	const char *country = ctx->env->conf && ctx->env->conf->country ? ctx->env->conf->country : "+84";
	char local[32], notice[REPLY_BUF];
	local_number(nu.phone, country, local, sizeof local);
	snprintf(notice, sizeof notice, "Dang ky moi: %s %s, %s. Duyet: DUYET %s", local, nu.name, place, local);
	for (int i = 0; i < staff.n; i++) {
		char slot[48];
		snprintf(slot, sizeof slot, "dk:%s", staff.phone[i]);
		int64_t id = dispatch_notify(ctx, staff.phone[i], notice, slot);
		if (id < 0 && id != STORE_E_RECIPIENT)
			return (int)id;
	}
	return 0;
}

static int handle_duyet(struct dispatch_ctx *ctx)
{
	const struct catalog *c = ctx->env->catalog;
	struct reply_style st = style_of(ctx->env);
	struct report_env renv = report_env_of(ctx);
	struct report r;
	struct report_problems pr;
	if (report_parse(ctx->tokens, ctx->start, REPORT_FORM_DUYET, &renv, &r, &pr)) {
		reply_problems(&r, &pr, c, true, &st, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	char phone[32];
	const char *country = ctx->env->conf && ctx->env->conf->country ? ctx->env->conf->country : "+84";
	if (phone_normalize(r.phone, country, phone, sizeof phone) != PHONE_E164) {
		report_problem_add(&pr, REPORT_P_BAD_PHONE, r.phone, "0912345678");
		reply_problems(&r, &pr, c, true, &st, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	struct user u;
	int rc = store_user_get(ctx->env->store, phone, &u);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		reply_format(REPLY_DUYET_NOTFOUND, &st, ctx->reply, sizeof ctx->reply, r.phone);
		return 0;
	}
	if (u.active) {
		reply_format(REPLY_DUYET_ALREADY, &st, ctx->reply, sizeof ctx->reply, r.phone);
		return 0;
	}
	rc = store_user_set_active(ctx->env->store, phone, true, ctx->env->now);
	if (rc < 0)
		return rc;
	char place[160], welcome[REPLY_BUF];
	place_label(c, u.commune, u.village, place, sizeof place);
	reply_format(REPLY_DUYET_OK, &st, ctx->reply, sizeof ctx->reply, r.phone, u.name, place);
	reply_format(REPLY_DUYET_WELCOME, &st, welcome, sizeof welcome);
	int64_t id = dispatch_notify(ctx, phone, welcome, "welcome");
	if (id < 0 && id != STORE_E_RECIPIENT)
		return (int)id;
	store_event(ctx->env->store, ctx->env->now, "info", "approved", phone);
	return 0;
}

/* ---- the entry point ---- */

/* One polite "how to join" per period to a number without an account. */
static int stranger_reply(struct dispatch_ctx *ctx, enum reply_msg what)
{
	int ok = store_reply_limit(ctx->env->store, ctx->msg->sender, "unregistered", ctx->env->now,
				   unregistered_every(ctx->env));
	if (ok < 0)
		return ok;
	if (ok) {
		struct reply_style st = style_of(ctx->env);
		reply_format(what, &st, ctx->reply, sizeof ctx->reply);
	}
	return 0;
}

/* The receipt for a message that already made a report (a replay). */
static int replayed(struct dispatch_ctx *ctx)
{
	struct store_report s;
	int rc = store_report_by_source(ctx->env->store, ctx->msg->id, &s);
	if (rc <= 0)
		return rc;
	struct report r;
	struct reply_style st = style_of(ctx->env);
	report_from_stored(ctx->env->catalog, &s, &r);
	reply_receipt(&r, s.ref, s.version, &st, ctx->reply, sizeof ctx->reply);
	return 1;
}

/* The sender as the command table's roles name them. */
static unsigned who_of(const struct user *u)
{
	return !u ? DISPATCH_STRANGER : !u->active ? DISPATCH_PENDING : DISPATCH_ROLE(u->role);
}

bool dispatch_permits(const char *name, const struct user *u)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return (commands[i].roles & who_of(u)) != 0;
	return false;
}

static int dispatch_run(struct dispatch_ctx *ctx, struct report_tokens *t)
{
	const struct dispatch_env *env = ctx->env;
	const struct inbound_msg *msg = ctx->msg;
	struct reply_style st = style_of(env);
	struct user u;
	int rc = store_user_get(env->store, msg->sender, &u);
	if (rc < 0)
		return rc;
	ctx->sender = rc == 1 ? &u : NULL;
	unsigned who = who_of(ctx->sender);
	rc = replayed(ctx);
	if (rc != 0)
		return rc < 0 ? rc : 0;

	report_lex(msg->text ? msg->text : "", msg->text ? strlen(msg->text) : 0, t);
	ctx->tokens = t;
	if (msg->incomplete && ctx->sender) {
		/* Parts never arrived: half a report would be a wrong report. */
		snprintf(ctx->reply, sizeof ctx->reply,
			 "Tin nhan bi thieu phan (mang loi). Vui long gui lai.");
		return 0;
	}
	int start = 0;
	if (t->n > 0 && t->tok[0].type == REPORT_TOK_WORD && !strcmp(t->tok[0].text, "test")) {
		ctx->training = true;
		start = 1;
	}
	if (ctx->sender && u.training)
		ctx->training = true;
	struct report_keyword kw[NCOMMANDS];
	for (size_t i = 0; i < NCOMMANDS; i++)
		kw[i].forms = commands[i].forms;
	int used = 0;
	char suggest[64];
	int k = report_keyword_match(t, start, kw, NCOMMANDS, &used, suggest, sizeof suggest);
	if (k < 0) {
		if (who == DISPATCH_STRANGER)
			return stranger_reply(ctx, REPLY_UNREGISTERED);
		if (t->n <= start) {
			reply_format(REPLY_EMPTY, &st, ctx->reply, sizeof ctx->reply);
			return 0;
		}
		char word[48], hint[80] = "";
		snprintf(word, sizeof word, "%s", t->tok[start].text);
		for (char *p = word; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (suggest[0])
			snprintf(hint, sizeof hint, " Co phai %s?", suggest);
		reply_format(REPLY_UNKNOWN_CMD, &st, ctx->reply, sizeof ctx->reply, word, hint);
		return 0;
	}
	const struct dispatch_command *cmd = &commands[k];
	ctx->command = cmd;
	if (!(cmd->roles & who)) {
		if (who == DISPATCH_STRANGER)
			return stranger_reply(ctx, REPLY_UNREGISTERED);
		if (who == DISPATCH_PENDING) {
			/* Waiting for approval: told so once a period, like a
			 * stranger, so that an impatient phone cannot loop us. */
			int ok = store_reply_limit(env->store, msg->sender, "pending", env->now,
						   unregistered_every(env));
			if (ok < 0)
				return ok;
			if (ok)
				reply_format(REPLY_PENDING, &st, ctx->reply, sizeof ctx->reply);
			return 0;
		}
		reply_format(REPLY_NOT_PERMITTED, &st, ctx->reply, sizeof ctx->reply, cmd->name);
		return 0;
	}
	ctx->start = start + used;
	/* Strangers: only DK, and its answers count against the daily limit. */
	if (who == DISPATCH_STRANGER) {
		int ok = store_reply_limit(env->store, msg->sender, "unregistered", env->now,
					   unregistered_every(env));
		if (ok < 0)
			return ok;
		rc = cmd->handler(ctx);
		if (!ok && rc == 0)
			ctx->reply[0] = 0;
		/* A registration that worked is always confirmed. */
		if (!ok && rc == 0) {
			struct user nu;
			if (store_user_get(env->store, msg->sender, &nu) == 1 && nu.name[0]) {
				char place[160];
				place_label(env->catalog, nu.commune, nu.village, place, sizeof place);
				reply_format(REPLY_DK_OK, &st, ctx->reply, sizeof ctx->reply, nu.name, place);
			}
		}
		return rc;
	}
	return cmd->handler(ctx);
}

int dispatch_message(const struct dispatch_env *env, const struct inbound_msg *msg)
{
	if (!env || !env->store || !env->catalog || !msg)
		return -1;
	/* Alphanumeric senders and short codes: never an answer. */
	if (msg->sender_kind != PHONE_E164 || !msg->sender || msg->sender[0] != '+') {
		store_event(env->store, env->now, "info", "no reply to non-subscriber sender",
			    msg->sender ? msg->sender : "");
		return 0;
	}
	struct report_tokens tokens;
	struct report_tokens *t = &tokens;
	struct dispatch_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.env = env;
	ctx.msg = msg;
	const char *zone = env->conf && env->conf->timezone ? env->conf->timezone : "Asia/Ho_Chi_Minh";
	if (catalog_tz_offset(zone, env->now, &ctx.tz_offset) < 0)
		ctx.tz_offset = 7 * 3600;
	int rc = dispatch_run(&ctx, t);
	if (rc < 0)
		return rc;
	if (ctx.reply[0]) {
		int64_t id = store_outbox_queue(env->store, msg->sender, ctx.reply, msg->id, "reply", env->now);
		if (id < 0 && id != STORE_E_RECIPIENT)
			return (int)id;
	}
	return 0;
}

/* USSD / NAP (staff): queued for the modem in this transaction, so it runs
 * once; the network's answer comes back later as the reply to this SMS. */
static int handle_ussd(struct dispatch_ctx *ctx)
{
	const struct tinbao_conf *cf = ctx->env->conf;
	const char *topup = cf && cf->credit ? cf->credit->topup : NULL;
	struct ussd_cmd cmd;
	switch (ussd_cmd_parse(ctx->msg->text, topup, &cmd)) {
	case USSD_CMD_NONE:
	case USSD_CMD_BAD:
		snprintf(ctx->reply, sizeof ctx->reply, "%s",
			 cmd.why[0] ? cmd.why : "Vi du: USSD *101#, USSD 1, USSD HUY, NAP <ma the>");
		return 0;
	case USSD_CMD_RUN:
	case USSD_CMD_ANSWER:
	case USSD_CMD_CANCEL:
	case USSD_CMD_TOPUP:
		break;
	}
	int64_t id = store_ussd_request_add(ctx->env->store, ctx->msg->id, ctx->msg->sender,
					    ussd_cmd_kind_name(cmd.kind), cmd.code, cmd.log, ctx->env->now);
	if (id < 0)
		return (int)id;
	store_event(ctx->env->store, ctx->env->now, "info", "ussd.request", cmd.log);
	ctx->reply[0] = 0;
	return 0;
}

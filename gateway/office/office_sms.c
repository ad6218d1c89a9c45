/* office_sms.c: TK, MAHO and RS MAHO by SMS and the household reach of reports (see
 * office_sms.h). Privacy: a household head's name goes only to staff and
 * admins; collaborators see their own village's households, without names;
 * nothing here logs a name. */
#include "office/office_sms.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "dispatch.h"
#include "lang/period.h"
#include "lang/query.h"
#include "office/coverage.h"
#include "office/review_sms.h"
#include "store/store.h"
#include "store/store_households.h"
#include "store/store_office.h"
#include "store/store_users.h"
#include "sms/viet.h"

static bool sees_names(const struct user *u)
{
	return u && u->active && (u->role == ROLE_STAFF || u->role == ROLE_ADMIN);
}

static bool sees_all(const struct user *u)
{
	return u && u->active &&
	       (u->role == ROLE_STAFF || u->role == ROLE_ADMIN || u->role == ROLE_OFFICIAL);
}

/* ---- TK TIEP CAN: household coverage ---- */

#define COVERAGE_LISTED 64	/* more never fit two segments */

struct cov_sms {
	const struct catalog *cat;
	struct cov_filter f;
	struct coverage cov;
	int never;
	bool list, names;
	int nlisted;
	char listed[COVERAGE_LISTED][HH_CODE_MAX + 104];
};

static int cov_sms_cb(const struct hh_record *h, void *arg)
{
	struct cov_sms *x = arg;
	if (!coverage_add(&x->cov, x->cat, &x->f, h) || !coverage_unreached(h))
		return 0;
	x->never++;
	if (!x->list || x->nlisted == COVERAGE_LISTED)
		return 0;
	char *e = x->listed[x->nlisted++];
	if (x->names) {
		/* Names are UTF-8: the reply stays ASCII, so fold them. */
		char folded[HH_NAME_MAX];
		viet_fold(h->head, strlen(h->head), folded, sizeof folded, 0);
		snprintf(e, sizeof x->listed[0], "%s %.100s", h->code, folded);
	} else {
		snprintf(e, sizeof x->listed[0], "%s", h->code);
	}
	return 0;
}

/* "TK TIEP CAN [place] [period]": counts for anyone TK answers (the
 * collaborator's commune at most, query_authorize); the households never
 * reached listed by code to those who may see them (staff, admins and
 * officials anywhere, a collaborator in their own village), with the
 * head's name for staff and admins when one village is asked. */
static int tk_coverage(struct dispatch_ctx *ctx, const struct query *q)
{
	const struct dispatch_env *env = ctx->env;
	const struct user *u = ctx->sender;
	int32_t today = period_local_day(env->now, ctx->tz_offset);
	int32_t on = q->period.last < today ? q->period.last : today;
	static struct cov_sms x;	/* large; the daemon is single-threaded */
	memset(&x, 0, sizeof x);
	x.cat = env->catalog;
	x.f = (struct cov_filter){ q->commune ? q->commune->code : NULL, q->village ? q->village->code : NULL,
				   on };
	coverage_init(&x.cov);
	if (sees_all(u)) {
		x.list = true;
	} else if (q->village && u) {
		const struct catalog_village *own = catalog_village_as_of(env->catalog, u->village, on);
		x.list = own && !strcmp(own->code, q->village->code);
	}
	x.names = x.list && q->village && sees_names(u);
	int rc = store_households_each(env->store, on, q->period.first, q->period.last, cov_sms_cb, &x);
	if (rc < 0)
		return rc;
	char per[48], place[160], head[240];
	period_format(&q->period, per, sizeof per);
	query_place_label(q, place, sizeof place);
	snprintf(head, sizeof head, "TK TIEP CAN %s %s", per, place);
	const char *list[COVERAGE_LISTED];
	for (int i = 0; i < x.nlisted; i++)
		list[i] = x.listed[i];
	coverage_format_reply(head, &x.cov, env->catalog, x.never, list, x.nlisted, ctx->reply,
			      sizeof ctx->reply);
	return 0;
}

int office_handle_tk(struct dispatch_ctx *ctx)
{
	const struct dispatch_env *env = ctx->env;
	const char *text = ctx->msg->text ? ctx->msg->text : "";
	struct query q;
	if (query_parse(text, strlen(text), env->catalog, env->now, ctx->tz_offset, &q) < 0) {
		query_format_error(&q, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	char why[128];
	if (query_authorize(&q, ctx->sender, env->catalog, why, sizeof why) < 0) {
		snprintf(ctx->reply, sizeof ctx->reply, "%s", why);
		return 0;
	}
	if (q.coverage)
		return tk_coverage(ctx, &q);
	struct office_filter f = { q.period.first, q.period.last, q.project[0] ? q.project : NULL,
				   q.commune ? q.commune->code : NULL, q.village ? q.village->code : NULL,
				   q.indicator ? q.indicator->code : NULL };
	static struct office_totals t;	/* large; the daemon is single-threaded */
	int rc = store_office_totals(env->store, &f, &t);
	if (rc < 0)
		return rc;
	int32_t today = period_local_day(env->now, ctx->tz_offset);
	int32_t on = q.period.last < today ? q.period.last : today;
	int communes = 0;
	for (size_t i = 0; i < catalog_commune_count(env->catalog); i++) {
		const struct catalog_commune *c = catalog_commune_at(env->catalog, i);
		communes += catalog_valid_on(c->from, c->until, on);
	}
	query_format(&q, &t, env->catalog, communes, ctx->reply, sizeof ctx->reply);
	return 0;
}

/* The word after the keyword, as typed (codes keep their case). */
static void first_arg(const char *text, char *out, size_t len)
{
	const char *p = text;
	while (*p && isspace((unsigned char)*p))
		p++;
	while (*p && !isspace((unsigned char)*p))
		p++;	/* the keyword */
	while (*p && isspace((unsigned char)*p))
		p++;
	/* "MA HO 0123": two-word keyword. */
	if ((p[0] == 'h' || p[0] == 'H') && (p[1] == 'o' || p[1] == 'O') && isspace((unsigned char)p[2])) {
		p += 2;
		while (*p && isspace((unsigned char)*p))
			p++;
	}
	size_t n = 0;
	while (p[n] && !isspace((unsigned char)p[n]) && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
}

struct support_text {
	char *buf;
	size_t len, cap;
	int n, more;
};

static int support_cb(const struct hh_support *h, void *arg)
{
	struct support_text *x = arg;
	if (!h->counted)
		return 0;
	int y, m, d;
	period_civil(h->day, &y, &m, &d);
	char item[64];
	snprintf(item, sizeof item, "%s%s %d/%d/%02d", x->n ? ", " : " Ho tro: ", h->project, d, m,
		 y % 100);
	if (x->len + strlen(item) + 1 < x->cap) {
		strcpy(x->buf + x->len, item);
		x->len += strlen(item);
		x->n++;
	} else {
		x->more++;
	}
	return 0;
}

int office_handle_maho(struct dispatch_ctx *ctx)
{
	const struct dispatch_env *env = ctx->env;
	char typed[64], code[HH_CODE_MAX];
	first_arg(ctx->msg->text ? ctx->msg->text : "", typed, sizeof typed);
	if (!typed[0]) {
		snprintf(ctx->reply, sizeof ctx->reply, "Tra cuu ho: MAHO <ma ho>, vd MAHO 0123");
		return 0;
	}
	int rc = store_household_code(env->store, typed, code, sizeof code);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		snprintf(ctx->reply, sizeof ctx->reply,
			 "Khong co ho ma %.23s trong danh sach. Kiem tra ma ho (vd MAHO 0123).", typed);
		return 0;
	}
	int32_t today = period_local_day(env->now, ctx->tz_offset);
	int y, m, d;
	period_civil(today, &y, &m, &d);
	struct hh_record h;
	rc = store_household_get(env->store, code, today, period_days(y - 3, 1, 1), today, &h);
	if (rc <= 0)
		return rc < 0 ? rc : 0;
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(env->catalog, &h, today, commune, sizeof commune, village, sizeof village);
	const struct user *u = ctx->sender;
	if (!sees_all(u)) {
		const struct catalog_village *own =
			u ? catalog_village_as_of(env->catalog, u->village, today) : NULL;
		if (!own || strcmp(own->code, village) != 0) {
			snprintf(ctx->reply, sizeof ctx->reply,
				 "Ho %.23s khong thuoc thon cua ban. Chi can bo huyen xem duoc.", code);
			return 0;
		}
	}
	const struct catalog_village *v = catalog_village_by_code(env->catalog, village, today);
	char place[200];
	snprintf(place, sizeof place, "%.60s %.60s", v ? v->name_ascii : village,
		 v && v->commune ? v->commune->name_ascii : "");
	char status[64];
	if (h.recorded == HH_NONE) {
		snprintf(status, sizeof status, "khong co trong danh sach");
	} else {
		int sy, sm, sd;
		period_civil(h.since, &sy, &sm, &sd);
		if (h.status == HH_NONE && h.recorded == HH_ESCAPED)
			snprintf(status, sizeof status, "het 36 thang thoat ngheo (tu %d/%d/%d)", sd, sm, sy);
		else
			snprintf(status, sizeof status, "%s tu %d/%d/%d", hh_status_vi(h.status), sd, sm, sy);
	}
	char head[160] = "";
	if (sees_names(u)) {
		/* Names are UTF-8: the reply stays ASCII, so fold them. */
		char folded[HH_NAME_MAX];
		viet_fold(h.head, strlen(h.head), folded, sizeof folded, 0);
		snprintf(head, sizeof head, " Chu ho: %.100s.", folded);
	}
	char sup[220] = "";
	struct support_text x = { sup, 0, 150, 0, 0 };
	if ((rc = store_households_support_each(env->store, code, 8, support_cb, &x)) < 0)
		return rc;
	if (!x.n)
		snprintf(sup, sizeof sup, " Chua duoc ho tro.");
	else
		strcat(sup, x.more ? " ..." : ".");	/* 150 of 220 used: room for either */
	char all[900];
	snprintf(all, sizeof all, "Ho %.23s %.150s: %.60s.%.200s%.160s", code, place, status, sup, head);
	/* Two segments at most: cut at a word and say so. */
	if (query_septets(all) > QUERY_REPLY_SEPTETS) {
		size_t cut = QUERY_REPLY_SEPTETS - 4;
		while (cut > 0 && all[cut] != ' ')
			cut--;
		strcpy(all + cut, " ...");
	}
	snprintf(ctx->reply, sizeof ctx->reply, "%.320s", all);
	return 0;
}

/* The registered code one typo away from what was typed, when exactly one
 * is (a hint; "vt-123" → "VT-0123" is two away and gets none). */
struct near_code {
	char typed[HH_CODE_MAX];
	char best[HH_CODE_MAX];
	int found;
};

static int near_cb(const char *code, void *arg)
{
	struct near_code *x = arg;
	char up[HH_CODE_MAX];
	size_t i = 0;
	for (; code[i] && i + 1 < sizeof up; i++)
		up[i] = (char)toupper((unsigned char)code[i]);
	up[i] = 0;
	if (catalog_edit_distance(up, x->typed, 1) <= 1) {
		if (x->found++ == 0)
			snprintf(x->best, sizeof x->best, "%s", code);
	}
	return x->found > 1;	/* two candidates: no hint */
}

int office_check_reach(struct store *s, const struct catalog *cat, const struct user *sender,
		       const char *const *codes, int n, int32_t day, struct office_reach_check *out)
{
	memset(out, 0, sizeof *out);
	if (n > OFFICE_REACH_MAX) {
		out->too_many = n - OFFICE_REACH_MAX;
		n = OFFICE_REACH_MAX;
	}
	const struct catalog_village *own =
		sender && sender->village[0] ? catalog_village_as_of(cat, sender->village, day) : NULL;
	for (int i = 0; i < n; i++) {
		char code[HH_CODE_MAX];
		int rc = store_household_code(s, codes[i], code, sizeof code);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			/* Hints only among the households the sender may name:
			 * a collaborator is not shown another village's codes. */
			struct near_code x = { "", "", 0 };
			size_t k = 0;
			for (; codes[i][k] && k + 1 < sizeof x.typed; k++)
				x.typed[k] = (char)toupper((unsigned char)codes[i][k]);
			x.typed[k] = 0;
			if (sees_all(sender) || own) {
				rc = store_households_codes_each(s, sees_all(sender) ? NULL : own->code, near_cb, &x);
				if (rc < 0)
					return rc;
			}
			/* Shown in capitals, as codes are written on the list
			 * (the parser hands them over folded). */
			if (x.found == 1)
				snprintf(out->unknown[out->nunknown++], sizeof out->unknown[0], "%.23s (%.20s?)",
					 x.typed, x.best);
			else
				snprintf(out->unknown[out->nunknown++], sizeof out->unknown[0], "%.23s", x.typed);
			continue;
		}
		snprintf(out->canon[i], sizeof out->canon[i], "%s", code);
		if (sees_all(sender))
			continue;
		struct hh_record h;
		rc = store_household_get(s, code, day, day, day, &h);
		if (rc < 0)
			return rc;
		char cm[HH_PLACE_MAX], vg[HH_PLACE_MAX];
		coverage_place(cat, &h, day, cm, sizeof cm, vg, sizeof vg);
		if (!own || strcmp(own->code, vg) != 0) {
			if (!out->nforeign) {
				const struct catalog_village *v = catalog_village_by_code(cat, vg, day);
				snprintf(out->foreign_place, sizeof out->foreign_place, "%.45s %.45s",
					 v ? v->name_ascii : vg, v && v->commune ? v->commune->name_ascii : "");
			}
			snprintf(out->foreign[out->nforeign++], sizeof out->foreign[0], "%s", code);
		}
	}
	return out->nunknown || out->nforeign || out->too_many ? 1 : 0;
}

/* "a, b, c +2": at most cap of the n codes, stored stride bytes apart
 * from base (the check keeps typed codes and codes in arrays of different
 * widths). */
static void code_list(const char *base, size_t stride, int n, int cap, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	int shown = n < cap ? n : cap;
	for (int i = 0; i < shown; i++) {
		const char *c = base + (size_t)i * stride;
		int w = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", c);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	if (shown < n)
		snprintf(buf + o, len - o, " +%d", n - shown);
}

int office_reach_problems(const struct office_reach_check *c, int cap, char items[][REPLY_ITEM_LEN])
{
	int k = 0;
	char list[140];
	if (cap < 1)
		cap = 1;
	if (c->nunknown) {
		code_list(c->unknown[0], sizeof c->unknown[0], c->nunknown, cap, list, sizeof list);
		snprintf(items[k++], REPLY_ITEM_LEN, "MAHO %.100s khong co trong danh sach ho", list);
	}
	if (c->nforeign == 1) {
		snprintf(items[k++], REPLY_ITEM_LEN, "MAHO %.23s thuoc %.90s: can bo huyen moi ghi duoc", c->foreign[0],
			 c->foreign_place);
	} else if (c->nforeign > 1) {
		code_list(c->foreign[0], sizeof c->foreign[0], c->nforeign, cap, list, sizeof list);
		snprintf(items[k++], REPLY_ITEM_LEN,
			 "MAHO %.100s khong thuoc thon cua ban: can bo huyen moi ghi duoc", list);
	}
	if (c->too_many)
		snprintf(items[k++], REPLY_ITEM_LEN, "toi da %d ma ho mot bao cao", OFFICE_REACH_MAX);
	return k;
}

_Static_assert(OFFICE_REACH_ITEMS <= REPLY_ITEMS_MAX, "reply.c names at most REPLY_ITEMS_MAX items");

static int reach_items(const void *ctx, int cap, char out[][REPLY_ITEM_LEN])
{
	return office_reach_problems(ctx, cap, out);
}

struct reply_items office_reach_items(const struct office_reach_check *c)
{
	/* The longest list shown whole; shorter caps count the rest. */
	int max_cap = c->nunknown > c->nforeign ? c->nunknown : c->nforeign;
	return (struct reply_items){ reach_items, c, max_cap > 1 ? max_cap : 1 };
}

int office_record_reach(struct store *s, const char *ref, int64_t report_id, const char *project,
			int32_t day, const char *const *codes, int n, int64_t now)
{
	int added = 0;
	for (int i = 0; i < n; i++) {
		char code[HH_CODE_MAX];
		int rc = store_household_code(s, codes[i], code, sizeof code);
		if (rc <= 0)
			return rc < 0 ? rc : STORE_E_NOTFOUND;
		rc = store_households_record_support(s, code, ref, report_id, project, day, now);
		if (rc < 0)
			return rc;
		added += rc;
	}
	return added;
}

/* ---- RS MAHO: household status changes from the review ---- */

bool office_review_names_households(const char *text)
{
	return text && review_sms_names_households(text, strlen(text));
}

struct review_replay {
	const char *source;
	bool found;
};

static int review_replay_cb(const struct hh_status_row *r, void *arg)
{
	struct review_replay *x = arg;
	if (!strcmp(r->source, x->source))
		x->found = true;
	return 0;
}

int office_handle_review(struct dispatch_ctx *ctx)
{
	const struct dispatch_env *env = ctx->env;
	const char *text = ctx->msg->text ? ctx->msg->text : "";
	int32_t today = period_local_day(ctx->msg->received_at ? ctx->msg->received_at : env->now,
					 ctx->tz_offset);
	static struct review_sms r;	/* large; the daemon is single-threaded */
	review_sms_parse(text, strlen(text), today, &r);
	const struct user *u = ctx->sender;
	const struct catalog_village *own =
		u && u->village[0] ? catalog_village_as_of(env->catalog, u->village, r.day) : NULL;
	/* Every code known, and the sender's village unless staff: checked
	 * for all of them so that one reply names every problem. */
	for (int i = 0; i < r.n; i++) {
		char code[HH_CODE_MAX];
		int rc = store_household_code(env->store, r.changes[i].code, code, sizeof code);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			review_sms_problem(&r, "MAHO %.23s khong co trong danh sach (xem MAHO <ma>)",
					   r.changes[i].code);
			continue;
		}
		snprintf(r.changes[i].code, sizeof r.changes[i].code, "%s", code);
		if (sees_names(u))
			continue;	/* staff and admins: any village */
		struct hh_record h;
		rc = store_household_get(env->store, code, r.day, r.day, r.day, &h);
		if (rc < 0)
			return rc;
		char cm[HH_PLACE_MAX], vg[HH_PLACE_MAX];
		coverage_place(env->catalog, &h, r.day, cm, sizeof cm, vg, sizeof vg);
		if (!own || strcmp(own->code, vg) != 0) {
			const struct catalog_village *v = catalog_village_by_code(env->catalog, vg, r.day);
			review_sms_problem(&r, "MAHO %.23s thuoc %.30s: can bo huyen moi sua", code,
					   v ? v->name_ascii : "thon khac");
		}
	}
	if (r.nproblems || r.more_problems) {
		review_sms_format_problems(&r, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	if (ctx->training) {
		/* A training message: read back, never stored. */
		review_sms_format_receipt(&r, true, ctx->reply, sizeof ctx->reply);
		return 0;
	}
	/* Keyed to the message: a message dispatched again (a crash between
	 * the commit and the inbox mark, a replay) finds its own rows and
	 * records nothing more, even if a later review changed the status
	 * back in between. */
	char source[40];
	snprintf(source, sizeof source, "sms:%lld", (long long)ctx->msg->id);
	for (int i = 0; i < r.n; i++) {
		struct review_replay x = { source, false };
		int rc = store_households_history_each(env->store, r.changes[i].code, review_replay_cb, &x);
		if (rc < 0)
			return rc;
		if (x.found)
			continue;
		rc = store_households_set_status(env->store, r.changes[i].code, r.changes[i].status, r.day,
						 source, env->now);
		if (rc < 0)
			return rc;
	}
	review_sms_format_receipt(&r, false, ctx->reply, sizeof ctx->reply);
	return 0;
}

/* http_ussd.c: the HTTP face of the USSD menu (see http_ussd.h). Owns the
 * libmicrohttpd daemon, form decoding (MHD's post processor, no parser of
 * our own), authentication of the operator (secret or address list), and
 * the session rows; the screens come from lang/ussd_menu. */
#include "http_ussd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "catalog.h"
#include "conf_ussd.h"
#include "dispatch.h"
#include "lang/report_check.h"
#include "lang/report_parse.h"
#include "lang/ussd_menu.h"
#include "log.h"
#include "loop.h"
#include "mhd_lib.h"
#include "sms/phone.h"
#include "store/store.h"
#include "store/store_inbox.h"
#include "store/store_users.h"
#include "store/store_ussd.h"

#define HU_FIELD_MAX 512

struct http_ussd {
	struct http_ussd_env env;
	const struct mhd_lib *mhd;	/* libmicrohttpd's calls (mhd_lib.h: loaded, not linked) */
	struct MHD_Daemon *d;
	struct loop *loop;
	struct loop_timer timer;
	int fd;
	struct http_ussd_stats stats;
};

/* One HTTP request while its body arrives. */
struct hu_req {
	struct MHD_PostProcessor *pp;
	char session_id[USSD_SESSION_ID_MAX];
	char service_code[32];
	char phone[32];
	char text[USSD_INPUT_MAX];
	char key[128];
	bool too_long;
	bool seen[5];
};

static const char *const hu_msg_error = "END Loi he thong, vui long thu lai sau.";

/* ---- the request logic ---- */

static bool hu_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void hu_log(const struct http_ussd_env *env, int64_t now, const char *phone, const char *text,
		   const char *screen, const char *status)
{
	/* The log is for people reading what happened; losing a line must not
	 * lose the answer, so its error is ignored on purpose. */
	(void)store_ussd_log(env->store, now, "http", phone, text ? text : "", screen, status);
}

/* Whether the menu may take a report from `who`, by the rules dispatch
 * applies to the report it becomes, so that nobody goes through the whole
 * menu to be refused by SMS afterwards: the BC command's roles
 * (dispatch_permits), and a place without naming one, since the menu never
 * asks for it (report_check on a report without values or place: staff must
 * name the place; a collaborator's own village or commune must exist today).
 * 0 when allowed; else the END screen in out and the status for the log. */
static int hu_refusal(const struct http_ussd_env *env, int known, const struct user *who,
		      const char *phone, int64_t now, char *out, size_t outlen, const char **status)
{
	if (!known) {
		snprintf(out, outlen, "END So %s chua dang ky bao cao. Lien he can bo phong LD-TB&XH.",
			 phone);
		*status = "unknown-phone";
		return 1;
	}
	if (!who->active) {
		/* Waiting for approval, or disabled by staff. */
		snprintf(out, outlen,
			 "END So %s chua duoc duyet hoac da bi khoa, chua gui bao cao duoc. "
			 "Lien he can bo phong LD-TB&XH.", phone);
		*status = "inactive";
		return 1;
	}
	if (!dispatch_permits("BC", who)) {
		snprintf(out, outlen,
			 "END Tai khoan nay khong gui bao cao. Tra cuu so lieu: nhan tin TK, vd: TK DA4 T11.");
		*status = "not-permitted";
		return 1;
	}
	int tz = 7 * 3600;
	if (env->timezone)
		catalog_tz_offset(env->timezone, now, &tz);
	const struct catalog_settings *cs = catalog_settings(env->catalog);
	struct report_env renv = { env->catalog, who, now, tz, cs->max_age_days };
	struct report r;
	memset(&r, 0, sizeof r);
	r.form = REPORT_FORM_BC;
	r.day = catalog_day_of(now, tz);
	struct report_problems pr;
	memset(&pr, 0, sizeof pr);
	report_check(&r, &renv, &pr);
	for (int i = 0; i < pr.n; i++) {
		if (pr.p[i].code == REPORT_P_NO_PLACE) {
			snprintf(out, outlen,
				 "END Menu nay danh cho cong tac vien. Can bo gui bao cao bang SMS, "
				 "ghi ro noi, vd: BC DA4.1 %.40s HV 25", cs->example_place);
			*status = "no-place";
			return 1;
		}
		if (pr.p[i].code == REPORT_P_PLACE_INVALID) {
			snprintf(out, outlen,
				 "END Thon/xa cua so %s khong con trong danh muc. Lien he can bo phong LD-TB&XH.",
				 phone);
			*status = "no-place";
			return 1;
		}
	}
	return 0;
}

/* Commits the report as an inbound message and closes the session, in one
 * transaction: either both or neither, so a retry never stores it twice. */
static int hu_commit_report(const struct http_ussd_env *env, struct ussd_session *u, int64_t now,
			    int64_t *msg_id)
{
	char pdu[USSD_SESSION_ID_MAX + 8];
	snprintf(pdu, sizeof pdu, "ussd:%s", u->session_id);
	struct inbox_part p;
	memset(&p, 0, sizeof p);
	p.pdu = pdu;
	p.tpdu_len = 0;
	p.sender = u->phone;
	p.sender_kind = PHONE_E164;
	p.scts = now;
	p.concat_ref = -1;
	p.concat_total = 1;
	p.concat_seq = 1;
	p.dcs = 0;
	p.text = u->report_text;
	p.received_at = now;
	if (store_begin(env->store) < 0)
		return -1;
	struct inbox_result res;
	if (store_inbox_commit_part(env->store, &p, &res) < 0 || res.message_id <= 0) {
		store_rollback(env->store);
		return -1;
	}
	u->message_id = res.message_id;
	snprintf(u->state, sizeof u->state, "done");
	if (store_ussd_session_put(env->store, u) < 0) {
		store_rollback(env->store);
		return -1;
	}
	if (store_commit(env->store) < 0)
		return -1;
	*msg_id = res.message_id;
	return 0;
}

int http_ussd_answer(const struct http_ussd_env *env, const struct http_ussd_req *r, int64_t now,
		     char *out, size_t outlen, int64_t *report_msg_id)
{
	if (report_msg_id)
		*report_msg_id = 0;
	const char *sid = r->session_id ? r->session_id : "";
	const char *text = r->text ? r->text : "";
	if (!*sid || strlen(sid) >= USSD_SESSION_ID_MAX || !hu_printable(sid) ||
	    strlen(text) >= USSD_INPUT_MAX || !hu_printable(text)) {
		snprintf(out, outlen, "END Yeu cau khong hop le.");
		return 400;
	}
	char phone[24];
	if (!r->phone || phone_normalize(r->phone, env->country ? env->country : "+84", phone,
					 sizeof phone) != PHONE_E164) {
		snprintf(out, outlen, "END So dien thoai khong hop le.");
		return 400;
	}
	int64_t timeout = env->conf ? env->conf->timeout : 180;
	if (store_ussd_sessions_expire(env->store, now - timeout) < 0)
		goto fail;

	struct ussd_session u;
	int found = store_ussd_session_get(env->store, sid, &u);
	if (found < 0)
		goto fail;
	if (found) {
		if (strcmp(u.phone, phone) != 0) {
			snprintf(out, outlen, "END Phien khong hop le.");
			hu_log(env, now, phone, text, out, "foreign-session");
			return 200;
		}
		if (strcmp(u.state, "timeout") == 0) {
			snprintf(out, outlen, "END Het thoi gian. Vui long quay so lai.");
			hu_log(env, now, phone, text, out, "timeout");
			return 200;
		}
		/* The same request again (the operator retried): the same answer,
		 * and above all no second report. */
		if (strcmp(u.last_text, text) == 0) {
			snprintf(out, outlen, "%s", u.screen);
			return 200;
		}
		if (strcmp(u.state, "open") != 0) {
			snprintf(out, outlen, "END Phien da ket thuc.");
			hu_log(env, now, phone, text, out, "closed");
			return 200;
		}
	} else {
		memset(&u, 0, sizeof u);
		snprintf(u.session_id, sizeof u.session_id, "%s", sid);
		snprintf(u.phone, sizeof u.phone, "%s", phone);
		u.started_at = now;
	}
	snprintf(u.service_code, sizeof u.service_code, "%s", r->service_code ? r->service_code : "");
	snprintf(u.last_text, sizeof u.last_text, "%s", text);
	u.updated_at = now;

	struct user who;
	int known = store_user_get(env->store, phone, &who);
	if (known < 0)
		goto fail;
	const char *status;
	if (hu_refusal(env, known, &who, phone, now, u.screen, sizeof u.screen, &status)) {
		snprintf(u.state, sizeof u.state, "refused");
	} else {
		struct ussd_menu_opts mo = { NULL, 0, 0 };
		if (env->menu) {
			mo.projects = (const char *const *)env->menu->projects.v;
			mo.nprojects = env->menu->projects.n;
			mo.screen_max = env->menu->screen_max;
		}
		struct ussd_menu_result m;
		ussd_menu_step(env->catalog, &mo, text, &m);
		/* screen_max is at most 500 (conf), so the cut never happens. */
		snprintf(u.screen, sizeof u.screen, "%.*s", (int)sizeof u.screen - 1, m.screen);
		status = ussd_menu_outcome_name(m.outcome);
		switch (m.outcome) {
		case USSD_MENU_CONTINUE:
			snprintf(u.state, sizeof u.state, "open");
			break;
		case USSD_MENU_SUBMIT: {
			snprintf(u.report_text, sizeof u.report_text, "%s", m.report);
			int64_t id = 0;
			if (hu_commit_report(env, &u, now, &id) < 0)
				goto fail;
			if (report_msg_id)
				*report_msg_id = id;
			snprintf(out, outlen, "%s", u.screen);
			hu_log(env, now, phone, text, out, status);
			return 200;
		}
		case USSD_MENU_CANCEL:
		case USSD_MENU_ABORT:
			snprintf(u.state, sizeof u.state, "cancelled");
			break;
		}
	}
	if (store_ussd_session_put(env->store, &u) < 0)
		goto fail;
	snprintf(out, outlen, "%s", u.screen);
	hu_log(env, now, phone, text, out, status);
	return 200;
fail:
	/* Nothing half-done is kept: the operator may retry the same request. */
	snprintf(out, outlen, "%s", hu_msg_error);
	return 500;
}

/* ---- HTTP ---- */

static enum MHD_Result hu_send(const struct http_ussd *h, struct MHD_Connection *c, unsigned status,
				const char *body)
{
	const struct mhd_lib *mhd = h->mhd;
	struct MHD_Response *resp =
		mhd->create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	mhd->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	mhd->add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ret = mhd->queue_response(c, status, resp);
	mhd->destroy_response(resp);
	return ret;
}

static enum MHD_Result hu_field(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *content_type,
				const char *transfer_encoding, const char *data, uint64_t off,
				size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	struct hu_req *q = cls;
	static const char *const names[] = { "sessionId", "serviceCode", "phoneNumber", "text", "key" };
	char *dst[] = { q->session_id, q->service_code, q->phone, q->text, q->key };
	size_t cap[] = { sizeof q->session_id, sizeof q->service_code, sizeof q->phone,
			 sizeof q->text, sizeof q->key };
	for (int i = 0; i < 5; i++) {
		if (strcmp(key, names[i]) != 0)
			continue;
		/* Values may arrive in pieces (off > 0); a repeated field
		 * replaces the first, as most form readers do. */
		if (off == 0)
			dst[i][0] = '\0';
		q->seen[i] = true;
		if (off + size >= cap[i]) {
			q->too_long = true;
			return MHD_YES;
		}
		memcpy(dst[i] + off, data, size);
		dst[i][off + size] = '\0';
		return MHD_YES;
	}
	return MHD_YES;	/* other fields (networkCode, ...) are ignored */
}

/* Compares without an early exit, so the time taken says nothing about
 * how much of the secret matched. */
static bool hu_secret_ok(const char *want, const char *got)
{
	size_t n = strlen(want), m = strlen(got);
	unsigned diff = (unsigned)(n ^ m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)want[i] ^ (unsigned char)(i < m ? got[i] : 0);
	return diff == 0;
}

static bool hu_allowed(struct http_ussd *h, struct MHD_Connection *c, const struct hu_req *q)
{
	const struct conf_ussd_http *cf = h->env.conf;
	if (!cf)
		return false;
	if (cf->secret && *cf->secret && hu_secret_ok(cf->secret, q->key))
		return true;
	if (cf->allow.n) {
		const union MHD_ConnectionInfo *ci =
			h->mhd->get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)ci->client_addr;
			if (conf_ussd_allowed(&cf->allow, ntohl(sin->sin_addr.s_addr)))
				return true;
		}
	}
	return false;
}

static enum MHD_Result hu_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_ussd *h = cls;
	struct hu_req *q = *con_cls;
	if (!q) {
		const char *path = h->env.conf && h->env.conf->path ? h->env.conf->path : "/ussd";
		h->stats.requests++;
		if (strcmp(url, path) != 0) {
			h->stats.bad_requests++;
			return hu_send(h, c, MHD_HTTP_NOT_FOUND, "END Not found.");
		}
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			h->stats.bad_requests++;
			return hu_send(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, "END Use POST.");
		}
		q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		q->pp = h->mhd->create_post_processor(c, 4096, hu_field, q);
		*con_cls = q;
		if (!q->pp) {
			/* Not application/x-www-form-urlencoded (or multipart). */
			h->stats.bad_requests++;
			return hu_send(h, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				       "END Expected a form (application/x-www-form-urlencoded).");
		}
		return MHD_YES;
	}
	if (!q->pp)
		return MHD_YES;	/* the 415 is queued; MHD drains the body */
	if (*upload_data_size) {
		if (h->mhd->post_process(q->pp, upload_data, *upload_data_size) != MHD_YES)
			q->too_long = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* The whole body is in. */
	if (q->too_long) {
		h->stats.bad_requests++;
		return hu_send(h, c, MHD_HTTP_CONTENT_TOO_LARGE, "END Yeu cau qua dai.");
	}
	if (!hu_allowed(h, c, q)) {
		h->stats.refused_auth++;
		log_warn("ussd_http: request refused (key / address)");
		return hu_send(h, c, MHD_HTTP_FORBIDDEN, "END Khong duoc phep.");
	}
	struct http_ussd_req r = { q->session_id, q->service_code, q->phone,
				   q->seen[3] ? q->text : "" };
	char body[USSD_SCREEN_MAX + 64];
	int64_t now = h->env.now ? h->env.now(h->env.ctx) : (int64_t)time(NULL);
	int64_t msg = 0;
	int status = http_ussd_answer(&h->env, &r, now, body, sizeof body, &msg);
	if (status == 400)
		h->stats.bad_requests++;
	if (msg > 0) {
		h->stats.reports++;
		if (h->env.on_report)
			h->env.on_report(h->env.ctx, msg);
	}
	return hu_send(h, c, (unsigned)status, body);
}

static void hu_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	const struct http_ussd *h = cls;
	struct hu_req *q = *con_cls;
	if (!q)
		return;
	if (q->pp)
		h->mhd->destroy_post_processor(q->pp);
	free(q);
	*con_cls = NULL;
}

int http_ussd_new(struct http_ussd **out, const struct http_ussd_env *env, char *why,
		  size_t whylen)
{
	*out = NULL;
	if (!env || !env->conf || !env->store || !env->conf->listen) {
		snprintf(why, whylen, "ussd_http: no configuration");
		return -1;
	}
	uint32_t addr;
	int port;
	if (conf_ussd_parse_listen(env->conf->listen, &addr, &port, why, whylen) < 0)
		return -1;
	const struct mhd_lib *mhd = mhd_lib_load(why, whylen);
	if (!mhd)
		return -1;
	struct http_ussd *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	h->env = *env;
	h->mhd = mhd;
	h->fd = -1;
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(addr);
	/* External mode (no MHD_USE_INTERNAL_POLLING_THREAD): MHD runs only
	 * when we call MHD_run(), from the gateway's own loop. */
	h->d = mhd->start_daemon(MHD_USE_EPOLL, 0, NULL, NULL, hu_access, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)15,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				MHD_OPTION_NOTIFY_COMPLETED, hu_completed, h,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(why, whylen, "ussd_http: cannot listen on %s (in use, or not an address of this host)",
			 env->conf->listen);
		free(h);
		return -1;
	}
	const union MHD_DaemonInfo *di = mhd->get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || di->epoll_fd < 0) {
		snprintf(why, whylen, "ussd_http: libmicrohttpd has no epoll descriptor");
		mhd->stop_daemon(h->d);
		free(h);
		return -1;
	}
	h->fd = di->epoll_fd;
	*out = h;
	return 0;
}

void http_ussd_reload(struct http_ussd *h, const struct catalog *catalog,
		      const struct conf_ussd_http *conf, const struct conf_ussd_menu *menu,
		      const char *country, const char *timezone)
{
	if (!h)
		return;
	h->env.catalog = catalog;
	if (conf)
		h->env.conf = conf;
	h->env.menu = menu;
	h->env.country = country;
	h->env.timezone = timezone;
}

int http_ussd_fd(const struct http_ussd *h)
{
	return h ? h->fd : -1;
}

int64_t http_ussd_timeout_ms(const struct http_ussd *h)
{
	MHD_UNSIGNED_LONG_LONG ms;
	if (!h || h->mhd->get_timeout(h->d, &ms) != MHD_YES)
		return -1;
	return ms > 3600000 ? 3600000 : (int64_t)ms;
}

void http_ussd_run(struct http_ussd *h)
{
	if (h)
		h->mhd->run(h->d);
}

int http_ussd_port(const struct http_ussd *h)
{
	const union MHD_DaemonInfo *di = h ? h->mhd->get_daemon_info(h->d, MHD_DAEMON_INFO_LISTEN_FD) : NULL;
	if (!di)
		return -1;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	if (getsockname(di->listen_fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	return ntohs(sin.sin_port);
}

void http_ussd_get_stats(const struct http_ussd *h, struct http_ussd_stats *out)
{
	memset(out, 0, sizeof *out);
	if (h)
		*out = h->stats;
}

/* MHD's connection timeouts need a call when nothing is readable. */
static void hu_rearm(struct http_ussd *h)
{
	int64_t ms = http_ussd_timeout_ms(h);
	if (ms >= 0)
		loop_timer_arm(h->loop, &h->timer, ms);
	else
		loop_timer_stop(h->loop, &h->timer);
}

static void hu_on_fd(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	struct http_ussd *h = ctx;
	h->mhd->run(h->d);
	hu_rearm(h);
}

static int64_t hu_on_timer(void *ctx)
{
	struct http_ussd *h = ctx;
	h->mhd->run(h->d);
	int64_t ms = http_ussd_timeout_ms(h);
	return ms >= 0 ? ms : LOOP_DONE;
}

int http_ussd_attach(struct http_ussd *h, struct loop *l)
{
	h->loop = l;
	loop_timer_init(&h->timer, hu_on_timer, h);
	if (loop_fd_add(l, h->fd, POLLIN, hu_on_fd, h) < 0)
		return -1;
	hu_rearm(h);
	return 0;
}

void http_ussd_free(struct http_ussd *h)
{
	if (!h)
		return;
	if (h->loop) {
		loop_fd_del(h->loop, h->fd);
		loop_timer_stop(h->loop, &h->timer);
	}
	h->mhd->stop_daemon(h->d);
	free(h);
}

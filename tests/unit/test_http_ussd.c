/* test_http_ussd.c: the USSD menu over real HTTP. The MHD daemon listens on
 * 127.0.0.1 (a free port), the test talks to it with raw sockets from the
 * same process, one poll() over the client socket and the daemon's fd
 * (the way the gateway's loop runs it). Covers a whole report (committed
 * once as an inbound message, even when the operator retries), bad input at
 * each step, an unknown phone, who may report (staff, officials, a disabled
 * or misplaced collaborator refused at once), the key and the address list, method /
 * path / content-type errors, an oversized body and the idle timeout. */
#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "conf_ussd.h"
#include "http_ussd.h"
#include "store/store.h"
#include "store/store_inbox.h"
#include "store/store_users.h"
#include "store/store_ussd.h"

static struct store *st;
static struct catalog *cat;
static char dir[64];
static int64_t fake_now = 1764000000;
static int reports_seen;
static int64_t last_report;

static int64_t now_fn(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void on_report(void *ctx, int64_t id)
{
	(void)ctx;
	reports_seen++;
	last_report = id;
}

struct resp {
	int status;
	char body[2048];
	char raw[8192];
};

/* Sends raw bytes, runs the daemon until the server closes, parses. */
static void exchange(struct http_ussd *h, const char *req, struct resp *r)
{
	memset(r, 0, sizeof *r);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { 0 };
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)http_ussd_port(h));
	sin.sin_addr.s_addr = htonl(0x7F000001);
	if (connect(s, (struct sockaddr *)&sin, sizeof sin) < 0) {
		CHECKF(0, "connect: %s", strerror(errno));
		close(s);
		return;
	}
	size_t off = 0, len = strlen(req), got = 0;
	for (int iter = 0; iter < 2000; iter++) {
		if (off < len) {
			ssize_t w = send(s, req + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				off += (size_t)w;
		}
		struct pollfd p[2] = { { s, POLLIN, 0 }, { http_ussd_fd(h), POLLIN, 0 } };
		int64_t t = http_ussd_timeout_ms(h);
		poll(p, 2, t < 0 || t > 20 ? 20 : (int)t);
		http_ussd_run(h);
		if (p[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = recv(s, r->raw + got, sizeof r->raw - 1 - got, MSG_DONTWAIT);
			if (n == 0)
				break;
			if (n > 0)
				got += (size_t)n;
		}
	}
	close(s);
	r->raw[got] = '\0';
	sscanf(r->raw, "HTTP/1.%*d %d", &r->status);
	const char *b = strstr(r->raw, "\r\n\r\n");
	if (b)
		snprintf(r->body, sizeof r->body, "%s", b + 4);
}

static void urlenc(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.')
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
	}
	out[o] = '\0';
}

static void post(struct http_ussd *h, const char *sid, const char *phone, const char *text,
		 const char *key, struct resp *r)
{
	char t[4096], k[128], ph[64], body[8192], req[9000];
	urlenc(text, t, sizeof t);
	urlenc(key ? key : "", k, sizeof k);
	urlenc(phone, ph, sizeof ph);
	snprintf(body, sizeof body, "sessionId=%s&serviceCode=%%2A384%%2A12%%23&phoneNumber=%s&text=%s%s%s",
		 sid, ph, t, key ? "&key=" : "", key ? k : "");
	snprintf(req, sizeof req,
		 "POST /ussd HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
	exchange(h, req, r);
}

static char secret[] = "s3cret-s3cret";
static char listen_any[] = "127.0.0.1:0";
static char path[] = "/ussd";

static struct http_ussd *start(struct conf_ussd_http *cf, struct http_ussd_env *env)
{
	memset(cf, 0, sizeof *cf);
	cf->enabled = true;
	cf->listen = listen_any;
	cf->secret = secret;
	cf->timeout = 180;
	cf->path = path;
	memset(env, 0, sizeof *env);
	env->store = st;
	env->catalog = cat;
	env->country = "+84";
	env->conf = cf;
	env->now = now_fn;
	env->on_report = on_report;
	struct http_ussd *h = NULL;
	char why[256];
	CHECKF(http_ussd_new(&h, env, why, sizeof why) == 0, "start: %s", why);
	return h;
}

static int64_t count_messages(void)
{
	struct inbox_counts c;
	memset(&c, 0, sizeof c);
	store_inbox_counts(st, &c);
	return c.messages;
}

TEST(test_whole_report)
{
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	struct resp r;
	static const struct { const char *text; const char *has; } steps[] = {
		{ "", "CON Bao cao: chon du an" },
		{ "5", "CON DA4.1: chon chi so" },
		{ "5*2", "CON HV hoc vien" },
		{ "5*2*25", "HV=25" },
		{ "5*2*25*3", "CON HN ho ngheo" },
		{ "5*2*25*3*10", "HN=10" },
		{ "5*2*25*3*10*0", "CON Gui bao cao?\nBC DA4.1 HV 25 HN 10" },
		{ "5*2*25*3*10*0*1", "END Da gui: BC DA4.1 HV 25 HN 10" },
	};
	int before = reports_seen;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		post(h, "sess-1", "0912345678", steps[i].text, secret, &r);
		CHECKF(r.status == 200, "'%s': status %d\n%s", steps[i].text, r.status, r.raw);
		CHECKF(strstr(r.body, steps[i].has) != NULL, "'%s': body '%s'", steps[i].text, r.body);
		CHECKF(strstr(r.raw, "text/plain") != NULL, "'%s': content type", steps[i].text);
		fake_now += 5;
	}
	CHECK_INT(reports_seen, before + 1);
	CHECK_INT(count_messages(), 1);
	struct inbox_message m;
	CHECK_INT(store_inbox_get(st, last_report, &m), 1);
	CHECK_STR(m.text, "BC DA4.1 HV 25 HN 10");
	CHECK_STR(m.sender, "+84912345678");
	CHECK(m.handled_at == 0);	/* dispatch runs it next */
	struct ussd_session u;
	CHECK_INT(store_ussd_session_get(st, "sess-1", &u), 1);
	CHECK_STR(u.state, "done");
	CHECK(u.message_id == last_report);
	/* The operator retries the last request: same answer, no new report. */
	post(h, "sess-1", "0912345678", "5*2*25*3*10*0*1", secret, &r);
	CHECK(r.status == 200 && strstr(r.body, "END Da gui") != NULL);
	CHECK_INT(reports_seen, before + 1);
	CHECK_INT(count_messages(), 1);
	/* Anything else on a finished session ends it. */
	post(h, "sess-1", "0912345678", "5*2*25*3*10*0*1*1", secret, &r);
	CHECK(strstr(r.body, "END Phien da ket thuc") != NULL);
	/* Another phone cannot take over the session. */
	post(h, "sess-1", "0987654321", "", secret, &r);
	CHECK(strstr(r.body, "END Phien khong hop le") != NULL);
	struct http_ussd_stats s;
	http_ussd_get_stats(h, &s);
	CHECK(s.requests >= 11 && s.reports == 1);
	http_ussd_free(h);
}

TEST(test_bad_input_and_cancel)
{
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	struct resp r;
	static const struct { const char *text; const char *has; } steps[] = {
		{ "9x", "CON Sai: Chon so 1-" },
		{ "9x*5", "CON DA4.1" },
		{ "9x*5*44", "CON Sai: Chon so 1-12 hoac 0" },
		{ "9x*5*44*0", "CON Sai: Chua nhap so lieu nao" },
		{ "9x*5*44*0*2", "CON HV" },
		{ "9x*5*44*0*2*abc", "CON Sai: Nhap so nguyen" },
		{ "9x*5*44*0*2*abc*9999", "CON Sai: Toi da 500" },
		{ "9x*5*44*0*2*abc*9999*12", "HV=12" },
		{ "9x*5*44*0*2*abc*9999*12*0", "Gui bao cao?" },
		{ "9x*5*44*0*2*abc*9999*12*0*3", "CON Sai: Chon 1 hoac 2" },
		{ "9x*5*44*0*2*abc*9999*12*0*3*2", "END Da huy" },
	};
	int before = reports_seen;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		post(h, "sess-2", "+84912345678", steps[i].text, secret, &r);
		CHECKF(r.status == 200 && strstr(r.body, steps[i].has) != NULL, "'%s': %d '%s'", steps[i].text,
		       r.status, r.body);
	}
	CHECK_INT(reports_seen, before);
	struct ussd_session u;
	CHECK_INT(store_ussd_session_get(st, "sess-2", &u), 1);
	CHECK_STR(u.state, "cancelled");
	http_ussd_free(h);
}

TEST(test_unknown_phone_and_auth)
{
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	struct resp r;
	post(h, "sess-3", "0900000001", "", secret, &r);
	CHECK(r.status == 200);
	CHECKF(strstr(r.body, "END So +84900000001 chua dang ky") != NULL, "%s", r.body);
	post(h, "sess-4", "0912345678", "", "wrong-key-wrong", &r);
	CHECK_INT(r.status, 403);
	CHECK(strncmp(r.body, "END ", 4) == 0);
	post(h, "sess-4", "0912345678", "", NULL, &r);
	CHECK_INT(r.status, 403);
	post(h, "sess-5", "not-a-phone", "", secret, &r);
	CHECK_INT(r.status, 400);
	post(h, "", "0912345678", "", secret, &r);
	CHECK_INT(r.status, 400);
	exchange(h, "GET /ussd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r);
	CHECK_INT(r.status, 405);
	exchange(h, "POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", &r);
	CHECK_INT(r.status, 404);
	exchange(h, "POST /ussd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		    "Content-Length: 2\r\nConnection: close\r\n\r\n{}", &r);
	CHECK_INT(r.status, 415);
	/* A text longer than any menu needs. */
	char big[1200];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	post(h, "sess-6", "0912345678", big, secret, &r);
	CHECK_INT(r.status, 413);
	/* Garbage instead of a request: the daemon survives and answers the next. */
	exchange(h, "\x01\x02 garbage\r\n\r\n", &r);
	post(h, "sess-7", "0912345678", "", secret, &r);
	CHECK_INT(r.status, 200);
	struct http_ussd_stats s;
	http_ussd_get_stats(h, &s);
	CHECK(s.refused_auth == 2);
	http_ussd_free(h);
}

static void add_user(const char *phone, enum user_role role, bool active, const char *commune,
		     const char *village)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "%s", phone);
	snprintf(u.name, sizeof u.name, "Test");
	u.role = role;
	u.active = active;
	snprintf(u.commune, sizeof u.commune, "%s", commune);
	snprintf(u.village, sizeof u.village, "%s", village);
	CHECK_INT(store_user_put(st, &u, fake_now), 0);
}

TEST(test_who_may_report)
{
	/* Only those dispatch would take a placeless BC from get the menu; the
	 * others are told at the first request, before typing anything. */
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	add_user("+84913000001", ROLE_STAFF, true, "vo-tranh", "");
	add_user("+84913000002", ROLE_ADMIN, true, "", "");
	add_user("+84914000001", ROLE_OFFICIAL, true, "", "");
	add_user("+84915000001", ROLE_COLLABORATOR, false, "vo-tranh", "vo-tranh/thon-1");
	add_user("+84915000002", ROLE_COLLABORATOR, true, "no-such-commune", "");
	static const struct { const char *phone, *has, *status; } who[] = {
		{ "0913000001", "END Menu nay danh cho cong tac vien. Can bo gui bao cao bang SMS", "no-place" },
		{ "0913000002", "END Menu nay danh cho cong tac vien.", "no-place" },
		{ "0914000001", "END Tai khoan nay khong gui bao cao. Tra cuu so lieu: nhan tin TK", "not-permitted" },
		{ "0915000001", "END So +84915000001 chua duoc duyet hoac da bi khoa", "inactive" },
		{ "0915000002", "END Thon/xa cua so +84915000002 khong con trong danh muc", "no-place" },
	};
	int before = reports_seen;
	int64_t msgs = count_messages();
	struct resp r;
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		char sid[32];
		snprintf(sid, sizeof sid, "who-%zu", i);
		post(h, sid, who[i].phone, "", secret, &r);
		CHECKF(r.status == 200 && strstr(r.body, who[i].has) == r.body, "%s: %d '%s'", who[i].phone,
		       r.status, r.body);
		CHECKF(strlen(r.body) <= 182, "%s: %zu characters", who[i].phone, strlen(r.body));
		struct ussd_session u;
		CHECK_INT(store_ussd_session_get(st, sid, &u), 1);
		CHECK_STR(u.state, "refused");
		/* Typing on anyway (an operator that keeps the session) gets nothing. */
		post(h, sid, who[i].phone, "5*2*25*0*1", secret, &r);
		CHECKF(strncmp(r.body, "END ", 4) == 0 && !strstr(r.body, "Da gui"), "%s: '%s'", who[i].phone,
		       r.body);
		sqlite3_stmt *q = store_prepare(st, "SELECT status FROM ussd_log WHERE phone = ?1 ORDER BY id LIMIT 1");
		char ph[24];
		snprintf(ph, sizeof ph, "+84%s", who[i].phone + 1);
		sqlite3_bind_text(q, 1, ph, -1, SQLITE_TRANSIENT);
		CHECKF(sqlite3_step(q) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(q, 0), who[i].status),
		       "%s: logged as %s", who[i].phone, who[i].status);
		sqlite3_reset(q);
	}
	CHECK_INT(reports_seen, before);
	CHECK_INT(count_messages(), msgs);
	/* A collaborator still gets the menu. */
	post(h, "who-ok", "0912345678", "", secret, &r);
	CHECKF(strncmp(r.body, "CON Bao cao", 11) == 0, "%s", r.body);
	http_ussd_free(h);
}

TEST(test_allow_list)
{
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	char lo[] = "127.0.0.0/8";
	char *v[] = { lo };
	cf.secret = NULL;
	cf.allow.v = v;
	cf.allow.n = 1;
	struct resp r;
	post(h, "sess-8", "0912345678", "", NULL, &r);
	CHECK_INT(r.status, 200);
	char other[] = "10.0.0.0/8";
	v[0] = other;
	post(h, "sess-9", "0912345678", "", NULL, &r);
	CHECK_INT(r.status, 403);
	cf.allow.n = 0;
	http_ussd_free(h);
}

TEST(test_timeout)
{
	struct conf_ussd_http cf;
	struct http_ussd_env env;
	struct http_ussd *h = start(&cf, &env);
	if (!h)
		return;
	struct resp r;
	post(h, "sess-10", "0912345678", "", secret, &r);
	CHECK(strncmp(r.body, "CON ", 4) == 0);
	fake_now += 181;
	post(h, "sess-10", "0912345678", "5", secret, &r);
	CHECKF(strstr(r.body, "END Het thoi gian") != NULL, "%s", r.body);
	struct ussd_session u;
	CHECK_INT(store_ussd_session_get(st, "sess-10", &u), 1);
	CHECK_STR(u.state, "timeout");
	/* Just inside the timeout a session goes on. */
	post(h, "sess-11", "0912345678", "", secret, &r);
	fake_now += 179;
	post(h, "sess-11", "0912345678", "5", secret, &r);
	CHECK(strstr(r.body, "CON DA4.1") != NULL);
	http_ussd_free(h);
}

TEST(test_answer_without_http)
{
	struct conf_ussd_http cf;
	memset(&cf, 0, sizeof cf);
	cf.timeout = 180;
	struct http_ussd_env env = { st, cat, "+84", &cf, NULL, NULL, NULL, NULL, "Asia/Ho_Chi_Minh" };
	char out[600];
	int64_t id;
	struct http_ussd_req q = { "s-x", "*1#", "0912345678", "" };
	CHECK_INT(http_ussd_answer(&env, &q, fake_now, out, sizeof out, &id), 200);
	CHECK(strncmp(out, "CON ", 4) == 0);
	struct http_ussd_req bad = { NULL, NULL, NULL, NULL };
	CHECK_INT(http_ussd_answer(&env, &bad, fake_now, out, sizeof out, &id), 400);
	struct http_ussd_req ctl = { "s-y", "", "0912345678", "1\n2" };
	CHECK_INT(http_ussd_answer(&env, &ctl, fake_now, out, sizeof out, &id), 400);
	/* A disk error while committing the report: 500, nothing kept, and the
	 * retry succeeds once the disk is back. */
	struct http_ussd_req steps[] = {
		{ "s-z", "", "0912345678", "5" }, { "s-z", "", "0912345678", "5*2" },
		{ "s-z", "", "0912345678", "5*2*4" }, { "s-z", "", "0912345678", "5*2*4*0" },
	};
	for (size_t i = 0; i < 4; i++)
		CHECK_INT(http_ussd_answer(&env, &steps[i], fake_now, out, sizeof out, &id), 200);
	int64_t before = count_messages();
	struct http_ussd_req fin = { "s-z", "", "0912345678", "5*2*4*0*1" };
	store_fault_set(st, 2);
	int rc = http_ussd_answer(&env, &fin, fake_now, out, sizeof out, &id);
	store_fault_set(st, 0);
	CHECK_INT(rc, 500);
	CHECK_INT(count_messages(), before);
	CHECK_INT(http_ussd_answer(&env, &fin, fake_now, out, sizeof out, &id), 200);
	CHECK(id > 0 && strstr(out, "END Da gui: BC DA4.1 HV 4") != NULL);
	CHECK_INT(count_messages(), before + 1);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tinbao-hu-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char db[128], why[256];
	snprintf(db, sizeof db, "%s/t.db", dir);
	if (store_open(&st, db, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	const char *root = getenv("TINBAO_ROOT");
	char cpath[1024];
	snprintf(cpath, sizeof cpath, "%s/config/catalog.conf", root ? root : ".");
	if (catalog_load(&cat, cpath, why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912345678");
	snprintf(u.name, sizeof u.name, "Nguyen Van A");
	u.role = ROLE_COLLABORATOR;
	u.active = true;
	const struct catalog_village *v = catalog_village_at(cat, catalog_village_count(cat) - 1);
	snprintf(u.commune, sizeof u.commune, "%s", v->commune->code);
	snprintf(u.village, sizeof u.village, "%.63s", v->code);
	if (store_user_put(st, &u, fake_now) < 0)
		return 1;
	RUN(test_whole_report);
	RUN(test_bad_input_and_cancel);
	RUN(test_unknown_phone_and_auth);
	RUN(test_who_may_report);
	RUN(test_allow_list);
	RUN(test_timeout);
	RUN(test_answer_without_http);
	store_close(st);
	catalog_free(cat);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

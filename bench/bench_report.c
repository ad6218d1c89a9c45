/* bench_report.c: the report language's speed. (1) messages parsed and
 * checked per second (lex, keyword, parse, check, receipt; pure, in memory;
 * target at least 200,000/s); (2) reports parsed and committed per second
 * through dispatch_message() into a durable database (WAL,
 * synchronous=FULL, one transaction per message as the daemon does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "conf.h"
#include "dispatch.h"
#include "lang/reply.h"
#include "lang/report_check.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "store/store.h"
#include "store/store_users.h"

static const char *const messages[] = {
	"BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30",
	"bc da3.1 ho 5 bo 5 hn 5",
	"BC DA3.2 TE 40 HN 22 CN 18 ngay 20/11",
	"Báo cáo DA4.1: lớp 1, học viên 25, hộ nghèo 10, cận nghèo 8",
	"RS HN+2 CN-1 TN+3 TAINGHEO 1",
	"BC DA4.3 tu van 30 viec lam 12 xkld 2",
	"BC DA2 MH 1 HO 12 HN 7 CN 3 TN 2 LON 24 KP 150,5 DG 20",
	"BC DA4.1 HV 25 HN 20 CN 10 XYZ 3",
	"BC DA6.2 sự kiện 1 người tham gia 120 phụ nữ 70",
	"BC DA4.1 hoc vein 25 hongeo 10 hom qua",
};
#define NMSG (sizeof messages / sizeof messages[0])

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared, loaded machine the wall clock
 * measures the neighbours; both are printed. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *root(void)
{
	return getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
}

/* stage 0: lex only; 1: lex, keyword, parse, check; 2: and the reply. */
static void bench_stage(struct catalog *cat, int stage)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912000001");
	u.role = ROLE_COLLABORATOR;
	u.active = true;
	snprintf(u.commune, sizeof u.commune, "vo-tranh");
	snprintf(u.village, sizeof u.village, "vo-tranh/thon-3");
	struct report_env env = { cat, &u, 1795575600, 7 * 3600, 60 };
	static struct report_tokens t;
	struct report r;
	struct report_problems pr;
	char reply[REPLY_BUF];
	struct reply_style st = { false };
	long ok = 0, bad = 0, n = 0;
	double t0 = seconds(), t1, c0 = cpu_seconds();
	do {
		for (int k = 0; k < 1000; k++, n++) {
			const char *m = messages[n % NMSG];
			report_lex(m, strlen(m), &t);
			if (stage == 0)
				continue;
			int used = 0;
			int form = report_keyword_match(&t, 0, report_form_keywords, REPORT_FORM_COUNT, &used, NULL, 0);
			int p = report_parse(&t, used, (enum report_form)form, &env, &r, &pr);
			p += report_check(&r, &env, &pr);
			if (p)
				bad++;
			else
				ok++;
			if (stage < 2)
				continue;
			if (p)
				reply_problems(&r, &pr, cat, false, &st, reply, sizeof reply);
			else
				reply_receipt(&r, "K7QD", 1, &st, reply, sizeof reply);
		}
		t1 = seconds();
	} while (t1 - t0 < 2.0);
	double cpu = cpu_seconds() - c0;
	static const char *const what[] = { "lexed (fold + tokens)", "parsed+checked", "parsed+checked+replied" };
	printf("%-24s %8.0f messages/s of CPU time, %8.0f/s wall clock", what[stage], (double)n / cpu,
	       (double)n / (t1 - t0));
	if (stage)
		printf(" (%ld ok, %ld with problems)", ok, bad);
	printf("%s\n", stage == 1 ? "  target >= 200000/s" : "");
}

static void bench_parse(struct catalog *cat)
{
	for (int stage = 0; stage < 3; stage++)
		bench_stage(cat, stage);
}

static void bench_commit(struct catalog *cat)
{
	char dir[] = "/tmp/tinbao-bench-XXXXXX";
	if (!mkdtemp(dir))
		return;
	char path[128], why[300];
	snprintf(path, sizeof path, "%s/bench.db", dir);
	struct store *db;
	if (store_open(&db, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "bench: %s\n", why);
		return;
	}
	static const char *const villages[] = { "vo-tranh/thon-1", "vo-tranh/thon-2", "vo-tranh/thon-3",
						 "dai-pham/khu-1", "yen-ky/khu-2", "ha-luong/khu-3" };
	int64_t now = 1795575600, next_msg_id = 1;
	for (int i = 0; i < 60; i++) {
		struct user u;
		memset(&u, 0, sizeof u);
		snprintf(u.phone, sizeof u.phone, "+849120%05d", i);
		u.role = ROLE_COLLABORATOR;
		u.active = true;
		snprintf(u.village, sizeof u.village, "%s", villages[i % 6]);
		snprintf(u.commune, sizeof u.commune, "%.*s", (int)(strchr(villages[i % 6], '/') - villages[i % 6]),
			 villages[i % 6]);
		store_user_put(db, &u, now);
	}
	struct tinbao_conf conf;
	memset(&conf, 0, sizeof conf);
	conf.country = "+84";
	conf.timezone = "Asia/Ho_Chi_Minh";
	conf.limits.unregistered_reply_every = 86400;
	struct dispatch_env env = { db, cat, &conf, now };
	for (int batch = 1; batch <= 100; batch *= 100) {
	int n = 0, fail = 0;
	double t0 = seconds(), t1;
	if (batch > 1)
		store_begin(db);
	do {
		char phone[24], text[160];
		snprintf(phone, sizeof phone, "+849120%05d", n % 60);
		/* Distinct texts, so that none is taken for a resend. */
		snprintf(text, sizeof text, "BC DA4.1 LOP 1 HV %d HN %d CN 3 KP %d,5", 20 + (int)(next_msg_id % 400),
			 10 + (int)(next_msg_id % 7), (int)(next_msg_id % 900));
		struct inbound_msg m = { next_msg_id++, phone, PHONE_E164, text, now, now, false };
		if (batch == 1)
			store_begin(db);
		if (dispatch_message(&env, &m) < 0)
			fail++;
		n++;
		if (batch == 1 || n % batch == 0) {
			store_commit(db);
			if (batch > 1)
				store_begin(db);
		}
		t1 = seconds();
	} while (t1 - t0 < 3.0);
	if (batch > 1)
		store_commit(db);
	if (batch == 1)
		printf("parsed+committed (dispatch, WAL, synchronous=FULL, one transaction each, as tinbaod): "
		       "%.0f reports/s (%d, %d failed)\n", n / (t1 - t0), n, fail);
	else
		printf("parsed+committed, %d per transaction (the store's cost without one fsync each): "
		       "%.0f reports/s (%d, %d failed)\n", batch, n / (t1 - t0), n, fail);
	}
	store_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

int main(void)
{
	char path[512], why[300];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root());
	struct catalog *cat;
	if (catalog_load(&cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "bench_report: %s\n", why);
		return 1;
	}
	bench_parse(cat);
	bench_commit(cat);
	catalog_free(cat);
	return 0;
}

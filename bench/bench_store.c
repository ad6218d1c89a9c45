/* bench_store.c: the durable store's speed, the floor under end-to-end
 * ingestion. With WAL and synchronous=FULL, one transaction per PDU as the
 * daemon does: (1) single-part messages committed per second; (2) 3-part
 * messages arriving out of order (assembly in the completing transaction);
 * (3) the same PDUs read again (duplicates recognised); (4) the outbox cycle
 * per reply (queue, attempt, part sent); (5) a sweep's PDUs committed 50 to
 * an outer transaction (one fsync each batch). The database lives in the build
 * folder (a real disk: /tmp may be tmpfs, where fsync costs nothing);
 * TINBAO_BENCH_DIR overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sms/pdu.h"
#include "store/store.h"
#include "store/store_inbox.h"
#include "store/store_outbox.h"

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define N_SINGLE 2000
#define N_MULTI 500

static struct pdu_part single[N_SINGLE][1];
static struct pdu_part multi[N_MULTI][4];

static int commit(struct store *s, const struct pdu_part *pp, int64_t now, int *outcome)
{
	static struct pdu_msg m;
	char why[128];
	if (pdu_decode(pp->hex, strlen(pp->hex), pp->tpdu_len, &m, why, sizeof why) < 0)
		return -1;
	struct inbox_part p;
	store_inbox_part_from_pdu(&p, &m, pp->hex, pp->tpdu_len, m.addr.text, PHONE_E164, now);
	struct inbox_result r;
	int rc = store_inbox_commit_part(s, &p, &r);
	*outcome = r.outcome;
	return rc;
}

static void report(const char *what, int n, double wall, double cpu)
{
	printf("%-44s %6d in %6.2fs  %8.0f/s  cpu %6.1f us each\n", what, n, wall, n / wall,
	       cpu / n * 1e6);
}

int main(void)
{
	const char *dir = getenv("TINBAO_BENCH_DIR") ? getenv("TINBAO_BENCH_DIR") : "build/bench";
	char path[512];
	snprintf(path, sizeof path, "%s/bench_store.db", dir);
	char p2[600];
	const char *sfx[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(p2, sizeof p2, "%s%s", path, sfx[i]);
		unlink(p2);
	}
	struct store *s = NULL;
	char why[256];
	if (store_open(&s, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "bench_store: %s\n", why);
		return 1;
	}
	printf("database %s (WAL, synchronous=FULL, one transaction per PDU)\n", path);

	/* Encoding is not what is measured: prepare every PDU first. */
	for (int i = 0; i < N_SINGLE; i++) {
		char from[24], text[64];
		snprintf(from, sizeof from, "+849120%05d", i % 300);
		snprintf(text, sizeof text, "BC DA4.1 HV %d HN %d ma %d", 5 + i % 40, i % 7, i);
		struct pdu_deliver_opts o = { .from = from, .text = text, .force = -1,
					      .scts = { 2026, 11, 25, 8, (i / 60) % 60, i % 60, 28 } };
		if (pdu_encode_deliver(&o, single[i], 1, why, sizeof why) != 1) {
			fprintf(stderr, "bench_store: encode: %s\n", why);
			return 1;
		}
	}
	static char long_text[600];
	for (int i = 0; i < N_MULTI; i++) {
		char from[24];
		snprintf(from, sizeof from, "+849130%05d", i % 100);
		snprintf(long_text, sizeof long_text,
			 "BC DA3.1 TH 1 NTG %d ghi chu %d: tap huan ky thuat chan nuoi bo sinh san cho "
			 "cac ho ngheo va can ngheo trong thon, co can bo khuyen nong huong dan truc "
			 "tiep tai chuong trai cua ho, phat tai lieu va giong co, hen lich kiem tra lai "
			 "sau mot thang de danh gia ket qua, lap danh sach ho can ho tro tiep theo va "
			 "bao cao ve xa truoc ngay cuoi thang de tong hop gui len huyen", i, i);
		struct pdu_deliver_opts o = { .from = from, .text = long_text, .force = -1,
					      .scts = { 2026, 11, 26, 8, (i / 60) % 60, i % 60, 28 },
					      .ref = (uint16_t)i };
		int n = pdu_encode_deliver(&o, multi[i], 4, why, sizeof why);
		if (n != 3) {
			fprintf(stderr, "bench_store: %d parts: %s\n", n, why);
			return 1;
		}
	}

	int outcome, bad = 0;
	double w = seconds(), c = cpu_seconds();
	for (int i = 0; i < N_SINGLE; i++)
		bad += commit(s, single[i], 1000 + i, &outcome) < 0 || outcome != INBOX_ASSEMBLED;
	report("single-part messages stored", N_SINGLE, seconds() - w, cpu_seconds() - c);

	w = seconds();
	c = cpu_seconds();
	static const int order[3] = { 2, 0, 1 };
	for (int i = 0; i < N_MULTI; i++)
		for (int k = 0; k < 3; k++)
			bad += commit(s, &multi[i][order[k]], 5000 + i, &outcome) < 0 ||
			       outcome != (k == 2 ? INBOX_ASSEMBLED : INBOX_WAITING);
	report("parts of 3-part messages (out of order)", N_MULTI * 3, seconds() - w,
	       cpu_seconds() - c);

	w = seconds();
	c = cpu_seconds();
	for (int i = 0; i < N_SINGLE; i++)
		bad += commit(s, single[i], 9000 + i, &outcome) < 0 || outcome != INBOX_DUPLICATE;
	report("duplicate PDUs recognised", N_SINGLE, seconds() - w, cpu_seconds() - c);

	/* A sweep (AT+CMGL=4) hands over many PDUs at once: one outer
	 * transaction around their commits costs one fsync for the batch;
	 * the SIM slots are deleted after that outer COMMIT. */
	w = seconds();
	c = cpu_seconds();
	for (int i = 0; i < N_SINGLE; i += 50) {
		bad += store_begin(s) < 0;
		for (int k = i; k < i + 50 && k < N_SINGLE; k++) {
			struct pdu_part p = single[k][0];
			/* Another SMSC and service-centre second: new messages. */
			struct pdu_msg m;
			if (pdu_decode(p.hex, strlen(p.hex), p.tpdu_len, &m, why, sizeof why) < 0) {
				bad++;
				continue;
			}
			struct inbox_part ip;
			store_inbox_part_from_pdu(&ip, &m, p.hex, p.tpdu_len, m.addr.text, PHONE_E164,
						  30000 + k);
			ip.scts += 86400;
			struct inbox_result r;
			bad += store_inbox_commit_part(s, &ip, &r) < 0 || r.outcome != INBOX_ASSEMBLED;
		}
		bad += store_commit(s) < 0;
	}
	report("single-part messages, 50 per sweep commit", N_SINGLE, seconds() - w,
	       cpu_seconds() - c);

	w = seconds();
	c = cpu_seconds();
	for (int i = 0; i < N_SINGLE; i++) {
		char to[24];
		snprintf(to, sizeof to, "+849120%05d", i % 300);
		int64_t id = store_outbox_queue(s, to, "OK K7Q2 DA4.1 HV 25", i + 1, "reply", 20000);
		bad += id < 0 || store_outbox_begin_attempt(s, id, 1, 20001) < 0 ||
		       store_outbox_part_sent(s, id, 1, i & 0xff, 20002) < 0;
	}
	report("replies queued, attempted and sent (3 commits)", N_SINGLE, seconds() - w,
	       cpu_seconds() - c);
	store_close(s);
	if (bad)
		fprintf(stderr, "bench_store: %d unexpected results\n", bad);
	return bad ? 1 : 0;
}

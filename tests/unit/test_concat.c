/* test_concat.c: reassembly under a hostile stream. Many senders send
 * multipart messages (8- and 16-bit references, GSM 7-bit and UCS-2); the
 * parts arrive shuffled, some delivered twice, some read again after a
 * "crash", across a store re-open: every message must come out exactly
 * once with its exact text. Then groups that never complete are assembled
 * by the overdue sweep at the right time. Seeded, so failures repeat. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "sms/pdu.h"
#include "store/concat.h"
#include "store/store.h"
#include "store/store_inbox.h"

static char tmpdir[64], dbpath[128];

static struct store *open_db(void)
{
	struct store *s = NULL;
	char why[256];
	if (store_open(&s, dbpath, false, why, sizeof why) < 0) {
		fprintf(stderr, "store_open: %s\n", why);
		return NULL;
	}
	return s;
}

static void remove_db(void)
{
	char p[200];
	const char *sfx[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

static int count(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

#define NMSG 40
#define MAXP 8

struct msg {
	char from[24];
	char text[1200];
	struct pdu_part parts[MAXP];
	int nparts;
};

struct piece {
	int m, p;
};

static struct msg msgs[NMSG];

static void make_text(char *out, size_t len, int i)
{
	/* Vietnamese with diacritics forces UCS-2 (67 units a part); plain
	 * ASCII stays GSM 7-bit (153 a part). Odd messages get diacritics. */
	static const char *const ascii[] = { "BC", "DA4.1", "LOP", "HV", "ho", "ngheo", "can",
					     "Vo", "Tranh", "thon", "25", "10", "dong", "x" };
	static const char *const viet[] = { "Báo", "cáo", "hộ", "nghèo", "cận", "Võ", "Tranh",
					    "thôn", "học", "viên", "25", "đồng" };
	size_t o = (size_t)snprintf(out, len, "#%d ", i);
	int n = i % 2 ? 10 + (int)(rnd() % 50) : 20 + (int)(rnd() % 120);
	for (int w = 0; w < n && o + 16 < len; w++) {
		const char *word = i % 2 ? viet[rnd() % (sizeof viet / sizeof *viet)]
					 : ascii[rnd() % (sizeof ascii / sizeof *ascii)];
		o += (size_t)snprintf(out + o, len - o, "%s ", word);
	}
}

static int commit(struct store *s, const struct pdu_part *pp, const char *from, int64_t now,
		  struct inbox_result *r)
{
	struct pdu_msg m;
	char why[128];
	if (pdu_decode(pp->hex, strlen(pp->hex), pp->tpdu_len, &m, why, sizeof why) < 0) {
		fprintf(stderr, "decode: %s\n", why);
		return -100;
	}
	struct inbox_part p;
	store_inbox_part_from_pdu(&p, &m, pp->hex, pp->tpdu_len, from, PHONE_E164, now);
	return store_inbox_commit_part(s, &p, r);
}

TEST(test_shuffled_stream_exactly_once)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tinbao-test-concat-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
	struct store *s = open_db();
	CHECK(s != NULL);
	if (!s)
		return;
	struct piece pieces[NMSG * MAXP * 2];
	size_t np = 0;
	int multipart = 0;
	for (int i = 0; i < NMSG; i++) {
		struct msg *m = &msgs[i];
		/* Eight senders, so references collide across senders. */
		snprintf(m->from, sizeof m->from, "+8491200000%d", i % 8);
		make_text(m->text, sizeof m->text, i);
		struct pdu_deliver_opts o = {
			.from = m->from, .text = m->text, .force = -1,
			.scts = { 2026, 11, 25, 8, i / 60, i % 60, 28 },
			.ref = (uint16_t)(i % 3 == 0 ? 1000 + i : i % 5),	/* many reuse 0..4 */
			.ref16 = i % 3 == 0,
		};
		char why[128];
		m->nparts = pdu_encode_deliver(&o, m->parts, MAXP, why, sizeof why);
		CHECKF(m->nparts >= 1, "msg %d: %s", i, why);
		if (m->nparts < 1) {
			store_close(s);
			remove_db();
			return;
		}
		multipart += m->nparts > 1;
		for (int p = 0; p < m->nparts; p++) {
			pieces[np++] = (struct piece){ i, p };
			if (rnd() % 4 == 0)	/* network duplicate */
				pieces[np++] = (struct piece){ i, p };
		}
	}
	CHECKF(multipart >= NMSG / 2, "only %d multipart messages", multipart);
	for (size_t i = np - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		struct piece t = pieces[i];
		pieces[i] = pieces[j];
		pieces[j] = t;
	}
	int assembled = 0, dups = 0;
	for (size_t k = 0; k < np; k++) {
		/* Halfway, the daemon "crashes" after a commit: re-open and
		 * read the same PDU again. */
		if (k == np / 2) {
			store_close(s);
			s = open_db();
			if (!s)
				return;
			struct inbox_result r;
			CHECK_INT(commit(s, &msgs[pieces[k - 1].m].parts[pieces[k - 1].p],
					 msgs[pieces[k - 1].m].from, 5000, &r), 0);
			CHECK_INT(r.outcome, INBOX_DUPLICATE);
		}
		struct inbox_result r;
		const struct msg *m = &msgs[pieces[k].m];
		int rc = commit(s, &m->parts[pieces[k].p], m->from, 1000 + (int64_t)k, &r);
		CHECKF(rc == 0, "piece %zu: %d %s", k, rc, store_errmsg(s));
		assembled += r.outcome == INBOX_ASSEMBLED;
		dups += r.outcome == INBOX_DUPLICATE;
	}
	CHECK_INT(assembled, NMSG);
	CHECK_INT(dups, (int)np - count(s, "SELECT count(*) FROM inbox_parts"));
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), NMSG);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_parts WHERE message_id IS NULL"), 0);
	CHECK_INT(count(s, "SELECT count(*) FROM messages WHERE incomplete = 1"), 0);
	/* Every text exactly as sent. */
	int found = 0;
	struct inbox_message *im = malloc(sizeof *im);
	for (int64_t id = 1; id <= NMSG; id++) {
		if (store_inbox_get(s, id, im) != 1)
			continue;
		int i = atoi(im->text + 1);
		CHECKF(i >= 0 && i < NMSG && !strcmp(im->text, msgs[i].text),
		       "message %lld: %.40s", (long long)id, im->text);
		CHECKF(!strcmp(im->sender, msgs[i].from), "message %lld sender", (long long)id);
		CHECKF(im->parts == msgs[i].nparts, "message %lld parts", (long long)id);
		found++;
	}
	free(im);
	CHECK_INT(found, NMSG);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	remove_db();
}

TEST(test_overdue_groups_timing)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tinbao-test-concat-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
	struct store *s = open_db();
	CHECK(s != NULL);
	if (!s)
		return;
	/* Three groups missing their last part, first parts at 100, 200, 300. */
	for (int g = 0; g < 3; g++) {
		char text[600];
		memset(text, 'a' + g, 400);
		text[400] = 0;
		struct pdu_part parts[4];
		char why[64];
		struct pdu_deliver_opts o = { .from = "+84912345678", .text = text, .force = -1,
					      .scts = { 2026, 11, 25, 8, g, 0, 28 }, .ref = 7 };
		CHECK_INT(pdu_encode_deliver(&o, parts, 4, why, sizeof why), 3);
		struct inbox_result r;
		CHECK_INT(commit(s, &parts[0], "+84912345678", 100 * (g + 1), &r), 0);
		CHECK_INT(commit(s, &parts[1], "+84912345678", 100 * (g + 1) + 50, &r), 0);
		CHECK_INT(r.outcome, INBOX_WAITING);
	}
	/* Same ref 7, same sender, same total: the three messages' parts
	 * share a group key, but their seqs collide, so they queue. */
	int64_t when = 0;
	CHECK_INT(concat_next_due(s, 600, &when), 1);
	CHECK_INT(when, 700);
	CHECK_INT(concat_assemble_overdue(s, 699, 600), 0);
	CHECK_INT(concat_assemble_overdue(s, 700, 600), 1);
	struct inbox_message *m = malloc(sizeof *m);
	CHECK_INT(store_inbox_next_unhandled(s, m), 1);
	CHECK(m->incomplete);
	CHECK_INT(m->parts, 2);
	CHECK_INT(m->text[0], 'a');
	CHECK_INT((int)strlen(m->text), 306);	/* two GSM parts of 153 */
	CHECK_INT(concat_next_due(s, 600, &when), 1);
	CHECK_INT(when, 800);
	CHECK_INT(concat_assemble_overdue(s, 10000, 600), 2);
	CHECK_INT(count(s, "SELECT count(*) FROM messages WHERE incomplete = 1"), 3);
	CHECK_INT(concat_next_due(s, 600, &when), 0);
	free(m);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	remove_db();
}

TEST(test_fnv_vectors)
{
	/* Published FNV-1a 64 vectors. */
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "", 0) == 0xcbf29ce484222325ull);
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "foobar", 6) == 0x85944171f73967e8ull);
	/* Chaining equals hashing the concatenation. */
	CHECK(concat_fnv1a(concat_fnv1a(CONCAT_FNV_INIT, "foo", 3), "bar", 3) ==
	      0x85944171f73967e8ull);
	char hex[17];
	concat_hash_hex(0xaf63dc4c8601ec8cull, hex);
	CHECK_STR(hex, "af63dc4c8601ec8c");
}

int main(void)
{
	RUN(test_shuffled_stream_exactly_once);
	RUN(test_overdue_groups_timing);
	RUN(test_fnv_vectors);
	return check_done();
}

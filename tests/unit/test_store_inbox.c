/* test_store_inbox.c: exactly-once inbound parts, reassembly (in order, out
 * of order, duplicated, overdue, late), dispatch marks and fault injection,
 * with PDUs made and decoded by the real codec. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "sms/pdu.h"
#include "store/concat.h"
#include "store/store.h"
#include "store/store_inbox.h"

static char tmpdir[64], dbpath[128];

static struct store *fresh(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tinbao-test-inbox-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
	struct store *s = NULL;
	char why[256];
	if (store_open(&s, dbpath, false, why, sizeof why) < 0) {
		fprintf(stderr, "store_open: %s\n", why);
		abort();
	}
	return s;
}

static void done(struct store *s)
{
	/* Every store function resets what it stepped: no snapshot is left
	 * open to hold back WAL checkpoints. */
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
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

static const struct pdu_time T0 = { 2026, 11, 25, 9, 30, 0, 28 };	/* +07:00 */

/* Encodes `text` from `from` as SMS-DELIVER parts via `smsc`. */
static int make_parts(const char *from, const char *text, const char *smsc, uint16_t ref,
		      struct pdu_time t, struct pdu_part *parts, size_t max)
{
	struct pdu_deliver_opts o = { .from = from, .smsc = smsc, .text = text, .force = -1,
				      .scts = t, .ref = ref };
	char why[128];
	int n = pdu_encode_deliver(&o, parts, max, why, sizeof why);
	if (n <= 0)
		fprintf(stderr, "encode: %s\n", why);
	return n;
}

/* Decodes a part as the core would and commits it. */
static int commit_hex(struct store *s, const struct pdu_part *pp, int64_t now,
		      struct inbox_result *res)
{
	static struct pdu_msg m;
	char why[128];
	if (pdu_decode(pp->hex, strlen(pp->hex), pp->tpdu_len, &m, why, sizeof why) < 0) {
		fprintf(stderr, "decode: %s\n", why);
		return -100;
	}
	struct inbox_part p;
	store_inbox_part_from_pdu(&p, &m, pp->hex, pp->tpdu_len, "+84912345678", PHONE_E164, now);
	return store_inbox_commit_part(s, &p, res);
}

#define LONG_TEXT \
	"BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30. Lop day nghe may cong nghiep " \
	"tai nha van hoa thon 3, xa Vo Tranh, khai giang ngay 20/11, hoc vien den tu cac " \
	"thon 1, 2, 3 va 5; giang vien cua trung tam giao duc nghe nghiep huyen. Lop hoc " \
	"trong 3 thang, moi tuan 5 buoi, co ho tro tien an trua va di lai cho hoc vien. " \
	"Het."

TEST(test_single_pdu_twice)
{
	struct store *s = fresh();
	struct pdu_part parts[4];
	CHECK_INT(make_parts("+84912345678", "BC DA3.1 HO 5 BO 5", "+84980200030", 0, T0,
			     parts, 4), 1);
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &parts[0], 1000, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	CHECK(r.message_id > 0);
	int64_t mid = r.message_id, pid = r.part_id;
	/* Read again after a crash before AT+CMGD: recognised. */
	CHECK_INT(commit_hex(s, &parts[0], 1060, &r), 0);
	CHECK_INT(r.outcome, INBOX_DUPLICATE);
	CHECK_INT(r.part_id, pid);
	CHECK_INT(r.message_id, mid);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_parts"), 1);

	struct inbox_message m;
	CHECK_INT(store_inbox_get(s, mid, &m), 1);
	CHECK_STR(m.text, "BC DA3.1 HO 5 BO 5");
	CHECK_STR(m.sender, "+84912345678");
	CHECK_INT(m.sent_at, 1795573800);	/* 2026-11-25 09:30 +07:00 */
	CHECK_INT(m.sent_tz, 28);
	CHECK_INT(m.received_at, 1000);
	CHECK(!m.incomplete);
	CHECK_INT(m.handled_at, 0);
	done(s);
}

TEST(test_same_message_other_smsc)
{
	struct store *s = fresh();
	struct pdu_part a[2], b[2];
	CHECK_INT(make_parts("+84912345678", "HD DA4.1", "+84980200030", 0, T0, a, 2), 1);
	CHECK_INT(make_parts("+84912345678", "HD DA4.1", "+84900000001", 0, T0, b, 2), 1);
	CHECK(strcmp(a[0].hex, b[0].hex) != 0);	/* different PDUs */
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &a[0], 1000, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	CHECK_INT(commit_hex(s, &b[0], 1001, &r), 0);
	CHECK_INT(r.outcome, INBOX_DUPLICATE);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	/* The same text at another time is another message. */
	struct pdu_time t1 = T0;
	t1.minute = 31;
	CHECK_INT(make_parts("+84912345678", "HD DA4.1", "+84980200030", 0, t1, b, 2), 1);
	CHECK_INT(commit_hex(s, &b[0], 1100, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 2);
	done(s);
}

TEST(test_concat_out_of_order_with_duplicate)
{
	struct store *s = fresh();
	struct pdu_part p[6];
	int n = make_parts("+84912345678", LONG_TEXT, NULL, 77, T0, p, 6);
	CHECK_INT(n, 3);
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &p[2], 1000, &r), 0);
	CHECK_INT(r.outcome, INBOX_WAITING);
	CHECK_INT(r.message_id, 0);
	CHECK_INT(commit_hex(s, &p[0], 1001, &r), 0);
	CHECK_INT(r.outcome, INBOX_WAITING);
	CHECK_INT(commit_hex(s, &p[2], 1002, &r), 0);	/* network duplicate */
	CHECK_INT(r.outcome, INBOX_DUPLICATE);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 0);
	CHECK_INT(commit_hex(s, &p[1], 1003, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	struct inbox_message m;
	CHECK_INT(store_inbox_get(s, r.message_id, &m), 1);
	CHECK_STR(m.text, LONG_TEXT);
	CHECK_INT(m.parts, 3);
	CHECK_INT(m.parts_total, 3);
	CHECK_INT(m.received_at, 1000);
	CHECK(!m.incomplete);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_parts WHERE message_id IS NULL"), 0);
	/* A straggling duplicate after assembly changes nothing. */
	CHECK_INT(commit_hex(s, &p[1], 1004, &r), 0);
	CHECK_INT(r.outcome, INBOX_DUPLICATE);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	done(s);
}

TEST(test_whole_message_twice_other_ref)
{
	struct store *s = fresh();
	struct pdu_part a[6], b[6];
	CHECK_INT(make_parts("+84912345678", LONG_TEXT, NULL, 10, T0, a, 6), 3);
	CHECK_INT(make_parts("+84912345678", LONG_TEXT, NULL, 11, T0, b, 6), 3);
	struct inbox_result r;
	for (int i = 0; i < 3; i++)
		CHECK_INT(commit_hex(s, &a[i], 1000 + i, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	int64_t first = r.message_id;
	for (int i = 0; i < 3; i++)
		CHECK_INT(commit_hex(s, &b[i], 2000 + i, &r), 0);
	CHECK_INT(r.outcome, INBOX_DUPLICATE_MESSAGE);
	CHECK_INT(r.message_id, first);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_parts WHERE message_id IS NULL"), 0);
	done(s);
}

TEST(test_reused_reference)
{
	struct store *s = fresh();
	struct pdu_part a[6], b[6];
	struct pdu_time t1 = T0;
	t1.day = 26;
	CHECK_INT(make_parts("+84912345678", LONG_TEXT, NULL, 5, T0, a, 6), 3);
	CHECK_INT(make_parts("+84912345678", "Tin thu hai, cung so tham chieu. " LONG_TEXT, NULL,
			     5, t1, b, 6), 3);
	struct inbox_result r;
	for (int i = 0; i < 3; i++)
		CHECK_INT(commit_hex(s, &a[i], 1000 + i, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	for (int i = 2; i >= 0; i--)
		CHECK_INT(commit_hex(s, &b[i], 90000 + i, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 2);
	struct inbox_message m;
	CHECK_INT(store_inbox_get(s, r.message_id, &m), 1);
	CHECK(strncmp(m.text, "Tin thu hai", 11) == 0);
	done(s);
}

TEST(test_overdue_incomplete_and_late_part)
{
	struct store *s = fresh();
	struct pdu_part p[6];
	CHECK_INT(make_parts("+84912345678", LONG_TEXT, NULL, 200, T0, p, 6), 3);
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &p[0], 1000, &r), 0);
	CHECK_INT(commit_hex(s, &p[2], 1010, &r), 0);
	CHECK_INT(r.outcome, INBOX_WAITING);
	int64_t when = 0;
	CHECK_INT(concat_next_due(s, 600, &when), 1);
	CHECK_INT(when, 1600);
	CHECK_INT(concat_assemble_overdue(s, 1599, 600), 0);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 0);
	CHECK_INT(concat_assemble_overdue(s, 1600, 600), 1);
	CHECK_INT(concat_next_due(s, 600, &when), 0);
	struct inbox_message m;
	CHECK_INT(store_inbox_next_unhandled(s, &m), 1);
	CHECK(m.incomplete);
	CHECK_INT(m.parts, 2);
	CHECK_INT(m.parts_total, 3);
	CHECK_INT(m.assembled_at, 1600);
	/* Parts 1 and 3 joined in order. */
	char want[1100];
	struct pdu_msg d1, d3;
	char why[64];
	CHECK(pdu_decode(p[0].hex, strlen(p[0].hex), p[0].tpdu_len, &d1, why, sizeof why) >= 0);
	CHECK(pdu_decode(p[2].hex, strlen(p[2].hex), p[2].tpdu_len, &d3, why, sizeof why) >= 0);
	snprintf(want, sizeof want, "%s%s", d1.text, d3.text);
	CHECK_STR(m.text, want);
	/* The missing part arrives late: it joins that message, no new one. */
	CHECK_INT(commit_hex(s, &p[1], 5000, &r), 0);
	CHECK_INT(r.outcome, INBOX_LATE);
	CHECK_INT(r.message_id, m.id);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	CHECK_INT(concat_assemble_overdue(s, 99999, 600), 0);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	done(s);
}

TEST(test_dispatch_marks)
{
	struct store *s = fresh();
	struct pdu_part a[2], b[2];
	struct pdu_time t1 = T0;
	t1.second = 9;
	make_parts("+84912345678", "first", NULL, 0, T0, a, 2);
	make_parts("+84912345678", "second", NULL, 0, t1, b, 2);
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &a[0], 1000, &r), 0);
	int64_t m1 = r.message_id;
	CHECK_INT(commit_hex(s, &b[0], 1001, &r), 0);
	int64_t m2 = r.message_id;
	struct inbox_message m;
	/* A dispatch that fails rolls back: the reply and the mark vanish. */
	CHECK_INT(store_inbox_next_unhandled(s, &m), 1);
	CHECK_INT(m.id, m1);
	CHECK_INT(store_begin(s), 0);
	CHECK(store_outbox_queue(s, "+84912345678", "reply", m.id, "reply", 1002) > 0);
	CHECK_INT(store_inbox_mark_handled(s, m.id, 1002), 0);
	CHECK_INT(store_rollback(s), 0);
	CHECK_INT(store_inbox_next_unhandled(s, &m), 1);
	CHECK_INT(m.id, m1);
	CHECK_INT(count(s, "SELECT count(*) FROM outbox"), 0);
	/* Then succeeds. */
	CHECK_INT(store_begin(s), 0);
	CHECK(store_outbox_queue(s, "+84912345678", "reply", m.id, "reply", 1003) > 0);
	CHECK_INT(store_inbox_mark_handled(s, m.id, 1003), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(store_inbox_mark_handled(s, m1, 1004), STORE_E_NOTFOUND);
	CHECK_INT(store_inbox_next_unhandled(s, &m), 1);
	CHECK_INT(m.id, m2);
	CHECK_INT(store_inbox_mark_handled(s, m2, 1005), 0);
	CHECK_INT(store_inbox_next_unhandled(s, &m), 0);
	struct inbox_counts c;
	CHECK_INT(store_inbox_counts(s, &c), 0);
	CHECK_INT(c.messages, 2);
	CHECK_INT(c.unhandled, 0);
	CHECK_INT(c.last_received_at, 1001);
	done(s);
}

TEST(test_fault_during_commit)
{
	struct store *s = fresh();
	struct pdu_part p[6];
	CHECK_INT(make_parts("+84912345678", LONG_TEXT, NULL, 9, T0, p, 6), 3);
	struct inbox_result r;
	CHECK_INT(commit_hex(s, &p[0], 1000, &r), 0);
	CHECK_INT(commit_hex(s, &p[1], 1000, &r), 0);
	/* Every write point of the completing commit fails once in turn:
	 * nothing half-done is left, and the retry assembles. */
	int faults = 0;
	for (int k = 1; k <= 12; k++) {
		store_fault_set(s, k);
		int rc = commit_hex(s, &p[2], 1001, &r);
		store_fault_set(s, 0);
		if (rc == 0) {
			CHECK_INT(r.outcome, INBOX_ASSEMBLED);
			break;
		}
		faults++;
		CHECKF(rc == STORE_E_FAULT, "k=%d rc=%d", k, rc);
		CHECKF(count(s, "SELECT count(*) FROM messages") == 0, "k=%d", k);
		CHECKF(count(s, "SELECT count(*) FROM inbox_parts") == 2, "k=%d", k);
		CHECK(!store_in_transaction(s));
	}
	/* insert part, insert message, link 3 parts, commit: 6 write points */
	CHECK_INT(faults, 6);
	CHECK_INT(count(s, "SELECT count(*) FROM messages"), 1);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_parts WHERE message_id IS NULL"), 0);
	done(s);
}

TEST(test_rejects_and_bad_args)
{
	struct store *s = fresh();
	CHECK_INT(store_inbox_reject(s, "07FF", 3, "truncated", 10), 0);
	CHECK_INT(store_inbox_reject(s, "07FF", 3, "truncated", 20), 0);
	CHECK_INT(count(s, "SELECT count(*) FROM inbox_rejects"), 1);
	struct inbox_part p = { .pdu = "00", .sender = "+84912345678", .text = "x",
				.concat_ref = -1, .concat_total = 1, .concat_seq = 1 };
	struct inbox_result r;
	CHECK_INT(store_inbox_commit_part(s, &p, &r), 0);
	p.concat_ref = 3;
	p.concat_total = 2;
	p.concat_seq = 3;	/* seq beyond total */
	CHECK_INT(store_inbox_commit_part(s, &p, &r), STORE_E_ARG);
	p.concat_seq = 0;
	CHECK_INT(store_inbox_commit_part(s, &p, &r), STORE_E_ARG);
	p.concat_seq = 1;
	p.sender = NULL;
	CHECK_INT(store_inbox_commit_part(s, &p, &r), STORE_E_ARG);
	/* An unparseable number (normalised to "") is stored, not stuck. */
	struct inbox_part q = { .pdu = "01", .sender = "", .sender_kind = PHONE_INVALID,
				.text = "y", .concat_ref = -1, .concat_total = 1, .concat_seq = 1 };
	CHECK_INT(store_inbox_commit_part(s, &q, &r), 0);
	CHECK_INT(r.outcome, INBOX_ASSEMBLED);
	CHECK_INT(store_inbox_commit_part(s, NULL, &r), STORE_E_ARG);
	CHECK_STR(store_inbox_outcome_name(INBOX_LATE), "late");
	done(s);
}

TEST(test_fnv)
{
	/* Published FNV-1a 64 vectors. */
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "", 0) == 0xcbf29ce484222325ull);
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	CHECK(concat_fnv1a(CONCAT_FNV_INIT, "foobar", 6) == 0x85944171f73967e8ull);
	char hex[17];
	concat_hash_hex(0xaf63dc4c8601ec8cull, hex);
	CHECK_STR(hex, "af63dc4c8601ec8c");
}

int main(void)
{
	RUN(test_single_pdu_twice);
	RUN(test_same_message_other_smsc);
	RUN(test_concat_out_of_order_with_duplicate);
	RUN(test_whole_message_twice_other_ref);
	RUN(test_reused_reference);
	RUN(test_overdue_incomplete_and_late_part);
	RUN(test_dispatch_marks);
	RUN(test_fault_during_commit);
	RUN(test_rejects_and_bad_args);
	RUN(test_fnv);
	return check_done();
}

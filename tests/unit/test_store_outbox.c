/* test_store_outbox.c: the send queue: idempotent queuing, recipients that
 * are never sent to, attempts with backoff, multipart progress, crash
 * requeue, delivery reports and the reply-loop count. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"
#include "store/store_outbox.h"

static char tmpdir[64], dbpath[128];

static struct store *fresh(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tinbao-test-outbox-XXXXXX");
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

static const struct outbox_policy POL = { .max_attempts = 3, .backoff = 30, .backoff_max = 100 };

TEST(test_queue_idempotent)
{
	struct store *s = fresh();
	int64_t a = store_outbox_queue(s, "+84912345678", "OK K7Q2", 42, "reply", 100);
	CHECK(a > 0);
	CHECK_INT(store_outbox_queue(s, "+84912345678", "OK K7Q2", 42, "reply", 200), a);
	int64_t b = store_outbox_queue(s, "+84912345678", "alert", 42, "alert", 200);
	CHECK(b > 0 && b != a);
	int64_t c = store_outbox_queue(s, "+84912345678", "summary", 0, "summary:2026-W47", 300);
	CHECK(c > 0);
	CHECK_INT(store_outbox_queue(s, "+84912345678", "summary", 0, "summary:2026-W47", 301), c);
	/* Never to short codes or alphanumeric senders. */
	CHECK_INT(store_outbox_queue(s, "VIETTEL", "x", 1, "r", 1), STORE_E_RECIPIENT);
	CHECK_INT(store_outbox_queue(s, "1414", "x", 1, "r", 1), STORE_E_RECIPIENT);
	CHECK_INT(store_outbox_queue(s, "*101#", "x", 1, "r", 1), STORE_E_RECIPIENT);
	CHECK_INT(store_outbox_queue(s, "+84 912", "x", 1, "r", 1), STORE_E_RECIPIENT);
	CHECK_INT(store_outbox_queue(s, NULL, "x", 1, "r", 1), STORE_E_RECIPIENT);
	int counts[5];
	CHECK_INT(store_outbox_counts(s, counts), 0);
	CHECK_INT(counts[OUTBOX_QUEUED], 3);
	struct outbox_row r;
	CHECK_INT(store_outbox_get(s, a, &r), 1);
	CHECK_STR(r.text, "OK K7Q2");
	CHECK_STR(r.slot, "reply");
	CHECK_INT(r.origin_msg_id, 42);
	CHECK_INT(r.created_at, 100);
	CHECK_INT(r.state, OUTBOX_QUEUED);
	done(s);
}

TEST(test_backoff_values)
{
	CHECK_INT(store_outbox_backoff(&POL, 1), 30);
	CHECK_INT(store_outbox_backoff(&POL, 2), 60);
	CHECK_INT(store_outbox_backoff(&POL, 3), 100);
	CHECK_INT(store_outbox_backoff(&POL, 40), 100);
}

TEST(test_attempts_and_backoff)
{
	struct store *s = fresh();
	int64_t id = store_outbox_queue(s, "+84912345678", "hi", 7, "reply", 1000);
	struct outbox_row r;
	int64_t when;
	CHECK_INT(store_outbox_next_time(s, &when), 1);
	CHECK_INT(when, 1000);
	CHECK_INT(store_outbox_next_due(s, 999, &r), 0);
	CHECK_INT(store_outbox_next_due(s, 1000, &r), 1);
	CHECK_INT(r.id, id);
	CHECK_INT(store_outbox_begin_attempt(s, id, 1, 1000), 0);
	CHECK_INT(store_outbox_next_due(s, 5000, &r), 0);	/* sending: not picked again */
	CHECK_INT(store_outbox_attempt_failed(s, id, "+CMS ERROR: 38", &POL, 1010), OUTBOX_QUEUED);
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.attempts, 1);
	CHECK_INT(r.next_attempt_at, 1040);
	CHECK_STR(r.last_error, "+CMS ERROR: 38");
	CHECK_INT(store_outbox_next_due(s, 1039, &r), 0);
	CHECK_INT(store_outbox_next_due(s, 1040, &r), 1);
	CHECK_INT(store_outbox_begin_attempt(s, id, 1, 1040), 0);
	CHECK_INT(store_outbox_attempt_failed(s, id, "timeout", &POL, 1050), OUTBOX_QUEUED);
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.next_attempt_at, 1110);
	CHECK_INT(store_outbox_begin_attempt(s, id, 1, 1110), 0);
	CHECK_INT(store_outbox_attempt_failed(s, id, "timeout", &POL, 1120), OUTBOX_FAILED);
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.state, OUTBOX_FAILED);
	CHECK_INT(r.attempts, 3);
	CHECK_INT(store_outbox_next_time(s, &when), 0);
	/* A failed row is not restarted. */
	CHECK_INT(store_outbox_begin_attempt(s, id, 1, 2000), STORE_E_NOTFOUND);
	CHECK_INT(store_outbox_fail(s, id, "x", 2000), STORE_E_NOTFOUND);
	done(s);
}

TEST(test_multipart_resume_and_requeue)
{
	struct store *s = fresh();
	int64_t id = store_outbox_queue(s, "+84912345678", "long", 0, "t", 1000);
	struct outbox_row r;
	CHECK_INT(store_outbox_begin_attempt(s, id, 3, 1000), 0);
	CHECK_INT(store_outbox_part_sent(s, id, 1, 17, 1001), 0);
	CHECK_INT(store_outbox_part_sent(s, id, 1, 17, 1001), 0);	/* idempotent */
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.parts_sent, 1);
	CHECK_INT(r.state, OUTBOX_SENDING);
	/* Crash here: at start-up the row goes back to the queue, part 1 kept. */
	CHECK_INT(store_outbox_requeue_sending(s, 2000), 1);
	CHECK_INT(store_outbox_next_due(s, 2000, &r), 1);
	CHECK_INT(r.parts_sent, 1);
	CHECK_INT(r.parts_total, 3);
	CHECK_INT(store_outbox_begin_attempt(s, id, 3, 2000), 0);
	CHECK_INT(store_outbox_part_sent(s, id, 2, 18, 2001), 0);
	CHECK_INT(store_outbox_part_sent(s, id, 4, 19, 2001), STORE_E_NOTFOUND);	/* beyond total */
	CHECK_INT(store_outbox_part_sent(s, id, 3, 19, 2002), 0);
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.state, OUTBOX_SENT);
	CHECK_INT(r.sent_at, 2002);
	CHECK_INT(r.parts_sent, 3);
	CHECK_INT(r.attempts, 2);
	CHECK_INT(store_outbox_part_sent(s, id, 3, 19, 2003), 0);	/* replay after sent */
	CHECK_INT(store_outbox_get(s, id, &r), 1);
	CHECK_INT(r.sent_at, 2002);
	CHECK_INT(store_outbox_part_sent(s, id, 0, 1, 1), STORE_E_ARG);
	CHECK_INT(store_outbox_part_sent(s, id, 1, 256, 1), STORE_E_ARG);
	done(s);
}

TEST(test_delivery_reports)
{
	struct store *s = fresh();
	int64_t a = store_outbox_queue(s, "+84912345678", "two parts", 1, "r", 1000);
	int64_t b = store_outbox_queue(s, "+84911111111", "other", 2, "r", 1000);
	store_outbox_begin_attempt(s, a, 2, 1000);
	store_outbox_part_sent(s, a, 1, 50, 1000);
	store_outbox_part_sent(s, a, 2, 51, 1001);
	store_outbox_begin_attempt(s, b, 1, 1002);
	store_outbox_part_sent(s, b, 1, 50, 1002);	/* same mr, other recipient */

	struct status_report_in sr = { .pdu = "0006...", .mr = 50, .recipient = "+84912345678",
				       .status = 0, .scts = 1000, .discharge_at = 1010 };
	CHECK_INT(store_outbox_status_report(s, &sr, 1011), a);
	struct outbox_row r;
	CHECK_INT(store_outbox_get(s, a, &r), 1);
	CHECK_INT(r.state, OUTBOX_SENT);	/* part 2 not yet */
	CHECK_INT(store_outbox_status_report(s, &sr, 1012), 0);	/* repeated report */
	sr.mr = 51;
	sr.status = 0x30;	/* still trying */
	CHECK_INT(store_outbox_status_report(s, &sr, 1013), a);
	CHECK_INT(store_outbox_get(s, a, &r), 1);
	CHECK_INT(r.state, OUTBOX_SENT);
	sr.status = 0;
	sr.discharge_at = 1020;
	CHECK_INT(store_outbox_status_report(s, &sr, 1021), a);
	CHECK_INT(store_outbox_get(s, a, &r), 1);
	CHECK_INT(r.state, OUTBOX_DELIVERED);
	CHECK_INT(r.delivered_at, 1020);

	/* The other recipient's part with the same mr fails permanently. */
	struct status_report_in sb = { .pdu = "x", .mr = 50, .recipient = "+84911111111",
				       .status = 0x41, .scts = 1002, .discharge_at = 1030 };
	CHECK_INT(store_outbox_status_report(s, &sb, 1031), b);
	CHECK_INT(store_outbox_get(s, b, &r), 1);
	CHECK_INT(r.state, OUTBOX_FAILED);
	CHECK(strstr(r.last_error, "0x41") != NULL);
	CHECK_INT(store_outbox_get(s, a, &r), 1);
	CHECK_INT(r.state, OUTBOX_DELIVERED);

	/* Unknown reference: recorded, matched to nothing. */
	sb.mr = 99;
	CHECK_INT(store_outbox_status_report(s, &sb, 1040), 0);
	sb.mr = 300;
	CHECK_INT(store_outbox_status_report(s, &sb, 1040), STORE_E_ARG);
	done(s);
}

static int collect(const struct outbox_row *r, void *arg)
{
	char *buf = arg;
	char one[64];
	snprintf(one, sizeof one, "%lld:%s ", (long long)r->id, store_outbox_state_name(r->state));
	strcat(buf, one);
	return 0;
}

TEST(test_reply_cap_count_and_listing)
{
	struct store *s = fresh();
	for (int i = 1; i <= 4; i++) {
		char slot[16];
		snprintf(slot, sizeof slot, "r%d", i);
		int64_t id = store_outbox_queue(s, "+84912345678", "x", i, slot, 1000 * i);
		if (i <= 3) {
			store_outbox_begin_attempt(s, id, 1, 1000 * i);
			store_outbox_part_sent(s, id, 1, i, 1000 * i);
		}
	}
	CHECK_INT(store_outbox_sent_since(s, "+84912345678", 0), 3);
	CHECK_INT(store_outbox_last_sent_at(s), 3000);
	CHECK_INT(store_outbox_sent_since(s, "+84912345678", 2000), 2);
	CHECK_INT(store_outbox_sent_since(s, "+84900000000", 0), 0);
	char buf[256] = "";
	CHECK_INT(store_outbox_each(s, 2, collect, buf), 0);
	CHECK_STR(buf, "4:queued 3:sent ");
	buf[0] = 0;
	CHECK_INT(store_outbox_each_reply(s, 3, collect, buf), 0);
	CHECK_STR(buf, "3:sent ");
	buf[0] = 0;
	CHECK_INT(store_outbox_each_reply(s, 99, collect, buf), 0);
	CHECK_STR(buf, "");
	CHECK_INT(store_outbox_fail(s, 4, "reply cap", 5000), 0);
	buf[0] = 0;
	CHECK_INT(store_outbox_each(s, 0, collect, buf), 0);
	CHECK_STR(buf, "4:failed 3:sent 2:sent 1:sent ");
	done(s);
}

int main(void)
{
	RUN(test_queue_idempotent);
	RUN(test_backoff_values);
	RUN(test_attempts_and_backoff);
	RUN(test_multipart_resume_and_requeue);
	RUN(test_delivery_reports);
	RUN(test_reply_cap_count_and_listing);
	return check_done();
}

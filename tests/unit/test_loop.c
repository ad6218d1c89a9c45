/* test_loop.c: the event loop: timers on the fake clock (order, "again in
 * N ms", done, re-arm from the callback, stop), fd watches, signalfd, and
 * that an idle loop sleeps until its next timer. */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "check.h"
#include "loop.h"

struct tick {
	struct loop *l;
	struct loop_timer t;
	int fired;
	int64_t at[8];
	int64_t again;	/* what the callback returns */
	int times;	/* return LOOP_DONE after this many */
	char name;
	char *trace;
};

static int64_t tick_fn(void *ctx)
{
	struct tick *k = ctx;
	if (k->fired < 8)
		k->at[k->fired] = loop_now(k->l);
	k->fired++;
	if (k->trace)
		strncat(k->trace, &k->name, 1);
	return k->fired >= k->times ? LOOP_DONE : k->again;
}

TEST(timers_fire_in_deadline_order)
{
	struct loop *l = loop_new(true);
	char trace[32] = "";
	struct tick a = { .l = l, .times = 1, .name = 'a', .trace = trace };
	struct tick b = { .l = l, .times = 1, .name = 'b', .trace = trace };
	struct tick c = { .l = l, .times = 1, .name = 'c', .trace = trace };
	loop_timer_init(&a.t, tick_fn, &a);
	loop_timer_init(&b.t, tick_fn, &b);
	loop_timer_init(&c.t, tick_fn, &c);
	int64_t t0 = loop_now(l);
	loop_timer_arm(l, &a.t, 300);
	loop_timer_arm(l, &b.t, 100);
	loop_timer_arm(l, &c.t, 200);
	loop_advance(l, 150);
	CHECK_STR(trace, "b");
	loop_advance(l, 1000);
	CHECK_STR(trace, "bca");
	CHECK_INT(a.at[0] - t0, 300);
	CHECK_INT(b.at[0] - t0, 100);
	CHECK_INT(c.at[0] - t0, 200);
	CHECK(!a.t.armed && !b.t.armed && !c.t.armed);
	loop_free(l);
}

TEST(timer_again_in_n_ms_then_done)
{
	struct loop *l = loop_new(true);
	struct tick a = { .l = l, .again = 1000, .times = 3 };
	loop_timer_init(&a.t, tick_fn, &a);
	int64_t t0 = loop_now(l);
	loop_timer_arm(l, &a.t, 500);
	loop_advance(l, 10000);
	CHECK_INT(a.fired, 3);
	CHECK_INT(a.at[0] - t0, 500);
	CHECK_INT(a.at[1] - t0, 1500);
	CHECK_INT(a.at[2] - t0, 2500);
	CHECK(!a.t.armed);
	loop_free(l);
}

TEST(timer_stop_and_rearm)
{
	struct loop *l = loop_new(true);
	struct tick a = { .l = l, .times = 1 };
	loop_timer_init(&a.t, tick_fn, &a);
	loop_timer_arm(l, &a.t, 100);
	loop_timer_stop(l, &a.t);
	loop_timer_stop(l, &a.t);	/* idempotent */
	loop_advance(l, 500);
	CHECK_INT(a.fired, 0);
	loop_timer_arm(l, &a.t, 100);
	loop_timer_arm(l, &a.t, 400);	/* re-arming moves the deadline */
	loop_advance(l, 200);
	CHECK_INT(a.fired, 0);
	loop_advance(l, 300);
	CHECK_INT(a.fired, 1);
	loop_free(l);
}

struct rearm {
	struct loop *l;
	struct loop_timer t;
	int fired;
};

/* A callback that re-arms itself wins over its return value. */
static int64_t rearm_fn(void *ctx)
{
	struct rearm *r = ctx;
	r->fired++;
	if (r->fired == 1)
		loop_timer_arm(r->l, &r->t, 50);
	return r->fired == 1 ? 5000 : LOOP_DONE;
}

TEST(timer_rearmed_inside_callback)
{
	struct loop *l = loop_new(true);
	struct rearm r = { .l = l };
	loop_timer_init(&r.t, rearm_fn, &r);
	loop_timer_arm(l, &r.t, 10);
	loop_advance(l, 100);
	CHECK_INT(r.fired, 2);
	loop_free(l);
}

struct fdw {
	struct loop *l;
	int got;
	char buf[16];
	bool stop;
};

static void fd_fn(void *ctx, int fd, short revents)
{
	struct fdw *w = ctx;
	if (revents & POLLIN) {
		ssize_t n = read(fd, w->buf, sizeof w->buf - 1);
		if (n > 0)
			w->got += (int)n;
	}
	if (w->stop)
		loop_stop(w->l);
}

TEST(fd_watch_and_stop)
{
	struct loop *l = loop_new(false);
	int p[2];
	CHECK(pipe(p) == 0);
	struct fdw w = { .l = l, .stop = true };
	CHECK(loop_fd_add(l, p[0], POLLIN, fd_fn, &w) == 0);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(loop_run(l) == 0);
	CHECK_INT(w.got, 5);
	CHECK(loop_stopped(l));
	loop_fd_del(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void sig_fn(void *ctx, int signo)
{
	int *got = ctx;
	*got = signo;
}

TEST(signal_through_signalfd)
{
	struct loop *l = loop_new(false);
	int got = 0;
	CHECK(loop_signal_add(l, SIGUSR2, sig_fn, &got) == 0);
	raise(SIGUSR2);	/* blocked: waits in the signalfd, not lost */
	for (int i = 0; i < 10 && !got; i++)
		loop_run_once(l, 100);
	CHECK_INT(got, SIGUSR2);
	loop_free(l);
}

/* Idle-quiet: with one timer 300 ms away and nothing else, the loop wakes
 * once (not every few ms). */
TEST(idle_loop_sleeps_until_its_timer)
{
	struct loop *l = loop_new(false);
	struct tick a = { .l = l, .times = 1 };
	loop_timer_init(&a.t, tick_fn, &a);
	loop_timer_arm(l, &a.t, 300);
	int64_t t0 = loop_now(l);
	unsigned long w0 = loop_wakeups(l);
	while (!a.fired)
		loop_run_once(l, -1);
	CHECK(loop_now(l) - t0 >= 300);
	CHECK(loop_wakeups(l) - w0 <= 2);
	loop_free(l);
}

/* The counters SIGUSR2 logs: a periodic timer (every 40 ms, three times)
 * wakes the loop once per period and each of those is a timer wake-up; data
 * on an fd is a wake-up but not a timer one; a round for a timer due at once
 * is neither. */
TEST(wakeups_counted_per_period_and_by_cause)
{
	struct loop *l = loop_new(false);
	struct tick a = { .l = l, .times = 3, .again = 40 };
	loop_timer_init(&a.t, tick_fn, &a);
	loop_timer_arm(l, &a.t, 40);
	unsigned long w0 = loop_wakeups(l), t0 = loop_timer_wakeups(l);
	while (a.fired < 3)
		loop_run_once(l, -1);
	CHECK(a.at[1] - a.at[0] >= 40 && a.at[2] - a.at[1] >= 40);
	/* poll() may come back a hair early on a coarse clock: at most one
	 * extra round per period, never a busy loop. */
	CHECK(loop_wakeups(l) - w0 >= 3 && loop_wakeups(l) - w0 <= 6);
	CHECK_INT(loop_timer_wakeups(l) - t0, loop_wakeups(l) - w0);

	int p[2];
	CHECK(pipe(p) == 0);
	struct fdw w = { .l = l };
	CHECK(loop_fd_add(l, p[0], POLLIN, fd_fn, &w) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	unsigned long w1 = loop_wakeups(l), t1 = loop_timer_wakeups(l);
	CHECK(loop_run_once(l, 1000) == 0);
	CHECK_INT(w.got, 1);
	CHECK_INT(loop_wakeups(l) - w1, 1);
	CHECK_INT(loop_timer_wakeups(l) - t1, 0);
	/* A timer re-armed for 0 ms runs in a round of its own whose poll()
	 * does not sleep: not a wake-up. */
	struct tick z = { .l = l, .times = 1 };
	loop_timer_init(&z.t, tick_fn, &z);
	loop_timer_arm(l, &z.t, 0);
	unsigned long w2 = loop_wakeups(l), t2 = loop_timer_wakeups(l);
	CHECK(loop_run_once(l, 1000) == 0);
	CHECK_INT(z.fired, 1);
	CHECK_INT(loop_wakeups(l) - w2, 0);
	CHECK_INT(loop_timer_wakeups(l) - t2, 0);
	loop_fd_del(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

TEST(free_null_and_free_with_armed_timers)
{
	loop_free(NULL);
	struct loop *l = loop_new(true);
	struct tick a = { .l = l, .times = 1 };
	loop_timer_init(&a.t, tick_fn, &a);
	loop_timer_arm(l, &a.t, 10);
	loop_free(l);
	CHECK(!a.t.armed);
}

int main(void)
{
	RUN(timers_fire_in_deadline_order);
	RUN(timer_again_in_n_ms_then_done);
	RUN(timer_stop_and_rearm);
	RUN(timer_rearmed_inside_callback);
	RUN(fd_watch_and_stop);
	RUN(signal_through_signalfd);
	RUN(idle_loop_sleeps_until_its_timer);
	RUN(wakeups_counted_per_period_and_by_cause);
	RUN(free_null_and_free_with_armed_timers);
	return check_done();
}

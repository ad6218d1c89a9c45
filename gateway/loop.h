/* loop.h: the daemon's one event loop, after Redis's ae and OpenBSD's
 * daemons: poll() over file-descriptor watches, timers on CLOCK_MONOTONIC and
 * signals through signalfd (so none is lost between a check and poll()).
 *
 * Timers live inside the objects that own them (struct loop_timer is a
 * member, not an allocation): arming links the timer into the loop, and the
 * callback answers "again in N ms" or LOOP_DONE. A loop can run on a fake
 * clock for tests: loop_advance() moves time and fires what is due, so a
 * modem transcript with 30-second timeouts runs in microseconds. */
#ifndef TINBAO_LOOP_H
#define TINBAO_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

#define LOOP_DONE (-1)

/* Returns LOOP_DONE or the delay in ms after which to run again. */
typedef int64_t (*loop_timer_fn)(void *ctx);
typedef void (*loop_fd_fn)(void *ctx, int fd, short revents);
typedef void (*loop_signal_fn)(void *ctx, int signo);

struct loop_timer {
	loop_timer_fn fn;
	void *ctx;
	int64_t deadline;	/* loop clock, ms; valid when armed */
	bool armed;
	unsigned gen;		/* private: fire once per loop iteration */
	struct loop_timer *next, *prev;	/* private: armed list */
};

struct loop *loop_new(bool fake_clock);
void loop_free(struct loop *l);	/* NULL-safe; disarms remaining timers */

/* Milliseconds on the loop's clock (CLOCK_MONOTONIC, or the fake clock). */
int64_t loop_now(const struct loop *l);

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *ctx);
/* Arms (or re-arms) to fire in `ms` milliseconds. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, int64_t ms);
void loop_timer_stop(struct loop *l, struct loop_timer *t);	/* idempotent */

/* One watch per fd. events: POLLIN / POLLOUT; POLLHUP and POLLERR always
 * come. Returns 0 or -1 (out of memory). */
int loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx);
void loop_fd_events(struct loop *l, int fd, short events);
void loop_fd_del(struct loop *l, int fd);

/* Blocks signo and delivers it through a signalfd. 0 or -1 with errno. */
int loop_signal_add(struct loop *l, int signo, loop_signal_fn fn, void *ctx);

/* One iteration: waits at most max_wait_ms (-1: until the next timer or
 * event), dispatches fds, then due timers. Returns -1 on a poll() error other
 * than EINTR. */
int loop_run_once(struct loop *l, int max_wait_ms);
/* Runs until loop_stop(). */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);

/* Fake clock only: moves time by ms, firing every timer due on the way in
 * deadline order. */
void loop_advance(struct loop *l, int64_t ms);
/* Counts poll() wake-ups (idle-quiet checks and the bench read it): calls
 * that may have slept, i.e. not those with a zero timeout. */
unsigned long loop_wakeups(const struct loop *l);
/* Of those, the ones with no fd ready: poll() ran out because a timer was
 * due (tinbaod logs both on SIGUSR2; bench/e2e.py compares them with the
 * configured periodic checks). */
unsigned long loop_timer_wakeups(const struct loop *l);

#endif

/* loop.c: poll() loop, monotonic timers kept on their owners, signalfd. */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

struct loop_watch {
	int fd;
	short events;
	bool dead;		/* removed during a dispatch; compacted later */
	loop_fd_fn fn;
	void *ctx;
};

struct loop_sig {
	int signo;
	loop_signal_fn fn;
	void *ctx;
};

struct loop {
	struct loop_watch *w;
	size_t nw, capw;
	struct pollfd *pfd;
	size_t cappfd;
	struct loop_timer *timers;	/* armed, unordered: a daemon has a handful */
	unsigned gen;
	bool fake;
	int64_t fake_now;
	bool stop;
	bool dispatching;
	int sigfd;
	sigset_t sigmask;
	struct loop_sig sigs[8];
	size_t nsigs;
	unsigned long wakeups;
	unsigned long timer_wakeups;	/* of those, poll() returned 0: a timer was due */
};

static int64_t loop_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(bool fake_clock)
{
	struct loop *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->fake = fake_clock;
	l->fake_now = 1000000;
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	while (l->timers)
		loop_timer_stop(l, l->timers);
	if (l->sigfd >= 0) {
		close(l->sigfd);
		sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
	}
	free(l->w);
	free(l->pfd);
	free(l);
}

int64_t loop_now(const struct loop *l)
{
	return l->fake ? l->fake_now : loop_mono_ms();
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *ctx)
{
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->ctx = ctx;
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	t->deadline = loop_now(l) + ms;
	if (t->armed)
		return;
	t->armed = true;
	t->prev = NULL;
	t->next = l->timers;
	if (l->timers)
		l->timers->prev = t;
	l->timers = t;
}

void loop_timer_stop(struct loop *l, struct loop_timer *t)
{
	if (!t->armed)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		l->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	t->armed = false;
}

static struct loop_watch *loop_watch_find(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd && !l->w[i].dead)
			return &l->w[i];
	return NULL;
}

int loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx)
{
	struct loop_watch *w = loop_watch_find(l, fd);
	if (!w) {
		if (l->nw == l->capw) {
			size_t cap = l->capw ? 2 * l->capw : 8;
			struct loop_watch *nw = realloc(l->w, cap * sizeof *nw);
			if (!nw)
				return -1;
			l->w = nw;
			l->capw = cap;
		}
		w = &l->w[l->nw++];
	}
	*w = (struct loop_watch){ .fd = fd, .events = events, .fn = fn, .ctx = ctx };
	return 0;
}

void loop_fd_events(struct loop *l, int fd, short events)
{
	struct loop_watch *w = loop_watch_find(l, fd);
	if (w)
		w->events = events;
}

static void loop_compact(struct loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->nw; i++)
		if (!l->w[i].dead)
			l->w[j++] = l->w[i];
	l->nw = j;
}

void loop_fd_del(struct loop *l, int fd)
{
	struct loop_watch *w = loop_watch_find(l, fd);
	if (!w)
		return;
	w->dead = true;
	if (!l->dispatching)
		loop_compact(l);
}

static void loop_on_signal(void *ctx, int fd, short revents)
{
	struct loop *l = ctx;
	(void)revents;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
		for (size_t i = 0; i < l->nsigs; i++)
			if (l->sigs[i].signo == (int)si.ssi_signo)
				l->sigs[i].fn(l->sigs[i].ctx, (int)si.ssi_signo);
}

int loop_signal_add(struct loop *l, int signo, loop_signal_fn fn, void *ctx)
{
	if (l->nsigs == sizeof l->sigs / sizeof l->sigs[0]) {
		errno = ENOSPC;
		return -1;
	}
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
		return -1;
	int fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (l->sigfd < 0 && loop_fd_add(l, fd, POLLIN, loop_on_signal, l) < 0) {
		close(fd);
		return -1;
	}
	l->sigfd = fd;
	l->sigs[l->nsigs++] = (struct loop_sig){ signo, fn, ctx };
	return 0;
}

/* Fires every timer due at `now` that was armed before this round began;
 * a timer re-armed for 0 ms waits for the next round, so a busy timer can
 * never starve the fds. */
static void loop_fire_timers(struct loop *l, int64_t now)
{
	unsigned gen = ++l->gen;
	for (;;) {
		struct loop_timer *due = NULL;
		for (struct loop_timer *t = l->timers; t; t = t->next)
			if (t->deadline <= now && t->gen != gen &&
			    (!due || t->deadline < due->deadline))
				due = t;
		if (!due)
			return;
		loop_timer_stop(l, due);
		due->gen = gen;
		int64_t again = due->fn(due->ctx);
		/* The callback may have re-armed it itself; its choice wins. */
		if (again != LOOP_DONE && !due->armed)
			loop_timer_arm(l, due, again);
	}
}

static int loop_next_timeout(struct loop *l, int max_wait_ms)
{
	int64_t best = -1;
	int64_t now = loop_now(l);
	for (struct loop_timer *t = l->timers; t; t = t->next) {
		int64_t d = t->deadline - now;
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	if (l->fake && best != 0)
		best = max_wait_ms;	/* fake time only moves by loop_advance */
	if (max_wait_ms >= 0 && (best < 0 || best > max_wait_ms))
		best = max_wait_ms;
	if (best > 24 * 3600 * 1000)
		best = 24 * 3600 * 1000;
	return (int)best;
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
	if (l->cappfd < l->nw) {
		struct pollfd *p = realloc(l->pfd, l->nw * sizeof *p);
		if (!p)
			return -1;
		l->pfd = p;
		l->cappfd = l->nw;
	}
	size_t n = l->nw;
	for (size_t i = 0; i < n; i++)
		l->pfd[i] = (struct pollfd){ .fd = l->w[i].fd, .events = l->w[i].events };
	int wait = loop_next_timeout(l, max_wait_ms);
	int r = poll(l->pfd, n, wait);
	/* A poll() that may have slept has woken up; one with a zero timeout
	 * (a timer re-armed for 0 ms, run after the fds) has not. */
	if (wait != 0) {
		l->wakeups++;
		if (r == 0)
			l->timer_wakeups++;
	}
	if (r < 0 && errno != EINTR)
		return -1;
	if (r > 0) {
		l->dispatching = true;
		for (size_t i = 0; i < n && !l->stop; i++) {
			if (!l->pfd[i].revents)
				continue;
			/* The watch array may have grown or lost entries in a
			 * callback: look the fd up again. */
			struct loop_watch *w = loop_watch_find(l, l->pfd[i].fd);
			if (w)
				w->fn(w->ctx, w->fd, l->pfd[i].revents);
		}
		l->dispatching = false;
		loop_compact(l);
	}
	if (!l->stop)
		loop_fire_timers(l, loop_now(l));
	return 0;
}

int loop_run(struct loop *l)
{
	while (!l->stop)
		if (loop_run_once(l, -1) < 0)
			return -1;
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

bool loop_stopped(const struct loop *l)
{
	return l->stop;
}

void loop_advance(struct loop *l, int64_t ms)
{
	int64_t end = l->fake_now + ms;
	for (;;) {
		int64_t next = end;
		for (struct loop_timer *t = l->timers; t; t = t->next)
			if (t->deadline < next)
				next = t->deadline;
		if (next > l->fake_now)
			l->fake_now = next;
		loop_fire_timers(l, l->fake_now);
		if (l->fake_now >= end)
			break;
	}
}

unsigned long loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}

unsigned long loop_timer_wakeups(const struct loop *l)
{
	return l->timer_wakeups;
}

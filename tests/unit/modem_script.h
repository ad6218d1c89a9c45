/* modem_script.h: a scripted modem on a pseudo-terminal for the modem
 * state-machine tests. The test holds the pty master and plays the modem:
 * fm_expect() waits for the daemon's next command (ended by CR, or by
 * Ctrl-Z after a PDU) and fm_send() answers. The loop runs on the fake
 * clock, so timeouts happen only when the test calls loop_advance(). */
#ifndef TINBAO_TEST_MODEM_SCRIPT_H
#define TINBAO_TEST_MODEM_SCRIPT_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

struct fm {
	struct loop *l;
	int master;
	char path[64];
	char buf[16384];
	size_t n;
};

static inline int fm_open(struct fm *f, struct loop *l)
{
	memset(f, 0, sizeof *f);
	f->l = l;
	f->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (f->master < 0 || grantpt(f->master) < 0 || unlockpt(f->master) < 0)
		return -1;
	const char *p = ptsname(f->master);
	if (!p)
		return -1;
	snprintf(f->path, sizeof f->path, "%s", p);
	fcntl(f->master, F_SETFL, fcntl(f->master, F_GETFL) | O_NONBLOCK);
	return 0;
}

static inline void fm_close(struct fm *f)
{
	if (f->master >= 0)
		close(f->master);
	f->master = -1;
}

/* Runs the loop once (no waiting) and collects what the daemon wrote. */
static inline void fm_pump(struct fm *f)
{
	loop_run_once(f->l, 0);
	if (f->master < 0)
		return;
	struct pollfd p = { .fd = f->master, .events = POLLIN };
	poll(&p, 1, 2);
	for (;;) {
		if (f->n >= sizeof f->buf - 1)
			break;
		ssize_t r = read(f->master, f->buf + f->n, sizeof f->buf - 1 - f->n);
		if (r <= 0)
			break;	/* EAGAIN, or EIO while the slave is closed */
		f->n += (size_t)r;
	}
	f->buf[f->n] = 0;
}

/* The next command the daemon wrote (without its CR / Ctrl-Z), or "" when
 * nothing came within a few hundred pumps. */
static inline const char *fm_next(struct fm *f)
{
	static char cmd[2048];
	for (int i = 0; i < 300; i++) {
		fm_pump(f);
		/* ESC before a command (leaving a stale prompt) is not part of it. */
		size_t skip = 0;
		while (skip < f->n && f->buf[skip] == 0x1b && skip + 1 < f->n)
			skip++;
		if (skip) {
			memmove(f->buf, f->buf + skip, f->n - skip);
			f->n -= skip;
			f->buf[f->n] = 0;
		}
		size_t k = strcspn(f->buf, "\r\x1a");
		if (k < f->n) {
			size_t m = k < sizeof cmd - 1 ? k : sizeof cmd - 1;
			memcpy(cmd, f->buf, m);
			cmd[m] = 0;
			memmove(f->buf, f->buf + k + 1, f->n - k - 1);
			f->n -= k + 1;
			f->buf[f->n] = 0;
			return cmd;
		}
	}
	return "";
}

static inline void fm_send(struct fm *f, const char *s)
{
	size_t n = strlen(s);
	if (write(f->master, s, n) != (ssize_t)n)
		fprintf(stderr, "fm_send: short write\n");
	for (int i = 0; i < 5; i++)
		fm_pump(f);
}

/* Expects exactly `cmd` next and answers `reply` (NULL: no answer). */
#define FM_EXPECT(f, cmd, reply) do { const char *got_ = fm_next(f); \
	CHECKF(!strcmp(got_, (cmd)), "expected \"%s\", the daemon sent \"%s\"", (cmd), got_); \
	if ((reply) != NULL) fm_send((f), (reply)); } while (0)

/* Answers the sync AT and lets the quiet period after it pass. */
#define FM_SYNC(f) do { FM_EXPECT(f, "AT", "\r\nOK\r\n"); loop_advance((f)->l, 300); } while (0)

/* Nothing more was written. */
#define FM_QUIET(f) do { for (int i_ = 0; i_ < 20; i_++) fm_pump(f); \
	CHECKF((f)->n == 0, "unexpected output from the daemon: \"%s\"", (f)->buf); } while (0)

#endif

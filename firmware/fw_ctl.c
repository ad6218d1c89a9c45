/* fw_ctl.c: control socket I/O and JSON line framing (see fw_ctl.h). */
#include "fw_ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define FW_CTL_LINE_MAX (256 * 1024)

void fw_ctl_init(struct fw_ctl *c, fw_ctl_fn fn, void *ctx)
{
	memset(c, 0, sizeof *c);
	c->listen_fd = -1;
	c->fn = fn;
	c->ctx = ctx;
	for (int i = 0; i < FW_CTL_CLIENTS; i++)
		c->cl[i].fd = -1;
}

int fw_ctl_listen(struct fw_ctl *c, const char *path, char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(why, whylen, "%s: path too long for a Unix socket", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(path);	/* a socket left by a killed modem */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	c->listen_fd = fd;
	snprintf(c->path, sizeof c->path, "%s", path);
	return 0;
}

static void fw_ctl_drop(struct fw_ctl_client *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	fw_buf_free(&k->in);
	fw_buf_free(&k->out);
	json_decref(k->pending);
	k->pending = NULL;
	k->closing = false;
}

void fw_ctl_close(struct fw_ctl *c)
{
	for (int i = 0; i < FW_CTL_CLIENTS; i++)
		fw_ctl_drop(&c->cl[i]);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		unlink(c->path);
	}
	c->listen_fd = -1;
}

int fw_ctl_pollfds(const struct fw_ctl *c, struct pollfd *p, int max)
{
	int n = 0;
	if (c->listen_fd >= 0 && n < max)
		p[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	for (int i = 0; i < FW_CTL_CLIENTS && n < max; i++) {
		const struct fw_ctl_client *k = &c->cl[i];
		if (k->fd < 0)
			continue;
		p[n++] = (struct pollfd){ .fd = k->fd,
					  .events = (short)((k->pending ? 0 : POLLIN) |
							    (k->out.len ? POLLOUT : 0)) };
	}
	return n;
}

static void fw_ctl_answer(struct fw_ctl_client *k, json_t *ans)
{
	char *s = json_dumps(ans, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s) {
		fw_buf_str(&k->out, s);
		fw_buf_str(&k->out, "\n");
		free(s);
	}
	json_decref(ans);
}

static json_t *fw_ctl_error(const char *fmt, const char *arg)
{
	char msg[300];
	snprintf(msg, sizeof msg, fmt, arg);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static int64_t fw_ctl_wait_ms(json_t *req)
{
	json_t *w = json_object_get(req, "wait");
	double s = json_is_number(w) ? json_number_value(w) : 0;
	if (s < 0)
		s = 0;
	if (s > 3600)
		s = 3600;
	return (int64_t)(s * 1000);
}

/* Runs the complete lines in k->in while no request is waiting. */
static void fw_ctl_lines(struct fw_ctl *c, struct fw_ctl_client *k, int64_t now)
{
	while (!k->pending && k->in.len) {
		char *nl = memchr(k->in.p, '\n', k->in.len);
		if (!nl) {
			if (k->in.len > FW_CTL_LINE_MAX)
				fw_ctl_drop(k);
			return;
		}
		size_t n = (size_t)(nl - k->in.p);
		json_error_t err;
		json_t *req = json_loadb(k->in.p, n, 0, &err);
		fw_buf_consume(&k->in, n + 1);
		if (!n) {
			json_decref(req);
			continue;
		}
		if (!json_is_object(req)) {
			json_decref(req);
			fw_ctl_answer(k, fw_ctl_error("not a JSON object: %s", err.text));
			continue;
		}
		json_t *ans = c->fn(c->ctx, req, false, now);
		if (ans) {
			fw_ctl_answer(k, ans);
			json_decref(req);
		} else {
			k->pending = req;
			k->deadline = now + fw_ctl_wait_ms(req);
		}
	}
}

void fw_ctl_handle(struct fw_ctl *c, const struct pollfd *p, int n, int64_t now)
{
	/* Backwards: clients that left free their slots before the listening
	 * socket (entry 0) takes newcomers. */
	for (int j = n - 1; j >= 0; j--) {
		if (!p[j].revents)
			continue;
		if (p[j].fd == c->listen_fd) {
			/* Take every waiting connection: a full backlog makes a
			 * client's non-blocking connect fail at once. */
			int fd;
			while ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				int i;
				for (i = 0; i < FW_CTL_CLIENTS && c->cl[i].fd >= 0; i++)
					;
				if (i == FW_CTL_CLIENTS) {
					close(fd);	/* too many clients */
					continue;
				}
				c->cl[i].fd = fd;
				fw_buf_init(&c->cl[i].in);
				fw_buf_init(&c->cl[i].out);
			}
			continue;
		}
		for (int i = 0; i < FW_CTL_CLIENTS; i++) {
			struct fw_ctl_client *k = &c->cl[i];
			if (k->fd != p[j].fd)
				continue;
			if (p[j].revents & POLLOUT && k->out.len) {
				ssize_t w = send(k->fd, k->out.p, k->out.len, MSG_NOSIGNAL);
				if (w > 0)
					fw_buf_consume(&k->out, (size_t)w);
				else if (w < 0 && errno != EAGAIN && errno != EINTR) {
					fw_ctl_drop(k);
					break;
				}
			}
			if (p[j].revents & (POLLIN | POLLHUP | POLLERR)) {
				char buf[4096];
				ssize_t r = read(k->fd, buf, sizeof buf);
				if (r > 0) {
					fw_buf_add(&k->in, buf, (size_t)r);
					fw_ctl_lines(c, k, now);
				} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
					/* The client left: answers still owed go nowhere. */
					fw_ctl_drop(k);
				}
			}
			break;
		}
	}
}

void fw_ctl_retry(struct fw_ctl *c, int64_t now)
{
	for (int i = 0; i < FW_CTL_CLIENTS; i++) {
		struct fw_ctl_client *k = &c->cl[i];
		if (k->fd < 0 || !k->pending)
			continue;
		json_t *ans = c->fn(c->ctx, k->pending, now >= k->deadline, now);
		if (!ans)
			continue;
		fw_ctl_answer(k, ans);
		json_decref(k->pending);
		k->pending = NULL;
		fw_ctl_lines(c, k, now);
		if (k->out.len) {	/* try to send right away */
			ssize_t w = send(k->fd, k->out.p, k->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				fw_buf_consume(&k->out, (size_t)w);
		}
	}
}

int64_t fw_ctl_next_deadline(const struct fw_ctl *c)
{
	int64_t t = INT64_MAX;
	for (int i = 0; i < FW_CTL_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && c->cl[i].pending && c->cl[i].deadline < t)
			t = c->cl[i].deadline;
	return t;
}

int fw_ctl_clients(const struct fw_ctl *c)
{
	int n = 0;
	for (int i = 0; i < FW_CTL_CLIENTS; i++)
		n += c->cl[i].fd >= 0;
	return n;
}

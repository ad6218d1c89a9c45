/* fw_link.c: pty and TCP link of tinbao-modem (see fw_link.h). */
#include "fw_link.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include <arpa/inet.h>

void fw_link_init(struct fw_link *l)
{
	memset(l, 0, sizeof *l);
	l->fd = l->slave_fd = l->listen_fd = -1;
}

static int fw_link_fail(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s: %s", what, strerror(errno));
	return -1;
}

static int fw_link_open_pty(struct fw_link *l, char *why, size_t whylen)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m < 0)
		return fw_link_fail(why, whylen, "posix_openpt");
	char name[PATH_MAX];
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof name) != 0) {
		close(m);
		return fw_link_fail(why, whylen, "pty setup");
	}
	int s = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0) {
		close(m);
		return fw_link_fail(why, whylen, name);
	}
	/* Raw mode on the slave: no echo, no CR/LF translation, 8 bits; a
	 * client that sets its own modes later gets what it asked for. */
	struct termios t;
	if (tcgetattr(s, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(s, TCSANOW, &t);
	}
	/* Point the symlink at it atomically: a new link, renamed over. */
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.new", l->path);
	unlink(tmp);
	if (symlink(name, tmp) < 0 || rename(tmp, l->path) < 0) {
		int e = errno;
		unlink(tmp);
		close(s);
		close(m);
		errno = e;
		return fw_link_fail(why, whylen, l->path);
	}
	l->fd = m;
	l->slave_fd = s;
	snprintf(l->name, sizeof l->name, "%s", name);
	l->up = true;
	return 0;
}

static int fw_link_open_tcp(struct fw_link *l, char *why, size_t whylen)
{
	char host[256];
	const char *colon = strrchr(l->path, ':');
	if (!colon || (size_t)(colon - l->path) >= sizeof host) {
		snprintf(why, whylen, "--tcp wants HOST:PORT, got '%s'", l->path);
		return -1;
	}
	memcpy(host, l->path, (size_t)(colon - l->path));
	host[colon - l->path] = '\0';
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *res;
	int r = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
	if (r) {
		snprintf(why, whylen, "%s: %s", l->path, gai_strerror(r));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 4) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		errno = e;
		return fw_link_fail(why, whylen, l->path);
	}
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char hb[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &in->sin_addr, hb, sizeof hb);
			port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *in = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &in->sin6_addr, hb, sizeof hb);
			port = ntohs(in->sin6_port);
		}
	}
	snprintf(l->name, sizeof l->name, "%s:%d", hb, port);
	/* Replugging must come back on the same port, even if 0 was asked. */
	snprintf(l->path, sizeof l->path, "%s:%d", host, port);
	l->listen_fd = fd;
	l->up = true;
	return 0;
}

int fw_link_open(struct fw_link *l, enum fw_link_kind kind, const char *arg, char *why, size_t whylen)
{
	l->kind = kind;
	if (strlen(arg) >= sizeof l->path) {
		snprintf(why, whylen, "path too long");
		return -1;
	}
	snprintf(l->path, sizeof l->path, "%s", arg);
	return kind == FW_LINK_PTY ? fw_link_open_pty(l, why, whylen) : fw_link_open_tcp(l, why, whylen);
}

void fw_link_unplug(struct fw_link *l)
{
	if (!l->up)
		return;
	if (l->kind == FW_LINK_PTY)
		unlink(l->path);
	/* Closing both sides of the pty makes a client's read fail (EIO) and
	 * its poll report a hangup, as with a vanished USB serial device. */
	if (l->fd >= 0)
		close(l->fd);
	if (l->slave_fd >= 0)
		close(l->slave_fd);
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	l->fd = l->slave_fd = l->listen_fd = -1;
	l->up = false;
}

int fw_link_replug(struct fw_link *l, char *why, size_t whylen)
{
	if (l->up)
		return 0;
	return l->kind == FW_LINK_PTY ? fw_link_open_pty(l, why, whylen) : fw_link_open_tcp(l, why, whylen);
}

void fw_link_close(struct fw_link *l)
{
	fw_link_unplug(l);
}

void fw_link_accept(struct fw_link *l)
{
	int c = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (l->fd >= 0) {
		/* One client at a time, like ser2net: the newcomer is refused. */
		static const char busy[] = "Port already in use\r\n";
		ssize_t w = write(c, busy, sizeof busy - 1);
		(void)w;
		close(c);
		return;
	}
	int one = 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	l->fd = c;
	l->opens++;
}

ssize_t fw_link_read(struct fw_link *l, void *buf, size_t n)
{
	if (l->fd < 0)
		return 0;
	ssize_t r = read(l->fd, buf, n);
	if (r > 0)
		return r;
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (l->kind == FW_LINK_TCP) {
		close(l->fd);
		l->fd = -1;
		return -1;
	}
	return 0;	/* pty: EIO cannot happen while we hold the slave */
}

ssize_t fw_link_write(struct fw_link *l, const void *buf, size_t n)
{
	if (l->fd < 0)
		return -1;
	ssize_t w = write(l->fd, buf, n);
	if (w >= 0)
		return w;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	if (l->kind == FW_LINK_TCP) {
		close(l->fd);
		l->fd = -1;
	}
	return -1;
}

bool fw_link_connected(const struct fw_link *l)
{
	return l->up && l->fd >= 0;
}

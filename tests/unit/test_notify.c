/* test_notify.c: the sd_notify protocol as systemd reads it: one datagram
 * to $NOTIFY_SOCKET (a path, or '@' for the abstract namespace), nothing
 * without the variable, and the watchdog interval from $WATCHDOG_USEC
 * (half of it) only for this process. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "notify.h"

/* A datagram socket bound where systemd would listen. */
static int listener(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	size_t n = strlen(name);
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	CHECKF(bind(fd, (struct sockaddr *)sa, *len) == 0, "bind %s: %s", name, strerror(errno));
	return fd;
}

static void expect(int fd, const char *want)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	CHECKF(n >= 0, "nothing received (%s)", strerror(errno));
	buf[n > 0 ? n : 0] = 0;
	CHECK_STR(buf, want);
}

TEST(no_socket_no_message)
{
	unsetenv("NOTIFY_SOCKET");
	CHECK_INT(notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	CHECK_INT(notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	CHECK_INT(notify_send("READY=1"), -1);
	CHECK_INT(errno, EINVAL);
}

TEST(path_socket)
{
	char dir[] = "/tmp/tinbao-notify-XXXXXX", path[96];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/notify", dir);
	struct sockaddr_un sa;
	socklen_t len;
	int fd = listener(path, &sa, &len);
	setenv("NOTIFY_SOCKET", path, 1);
	CHECK_INT(notify_send("READY=1"), 1);
	expect(fd, "READY=1");
	CHECK_INT(notify_send("STOPPING=1"), 1);
	expect(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	/* Nobody listens any more: an error, not a hang or a crash. */
	CHECK_INT(notify_send("READY=1"), -1);
	rmdir(dir);
	unsetenv("NOTIFY_SOCKET");
}

TEST(abstract_socket)
{
	char name[64];
	snprintf(name, sizeof name, "@tinbao-notify-test-%ld", (long)getpid());
	struct sockaddr_un sa;
	socklen_t len;
	int fd = listener(name, &sa, &len);
	setenv("NOTIFY_SOCKET", name, 1);
	CHECK_INT(notify_send("WATCHDOG=1"), 1);
	expect(fd, "WATCHDOG=1");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

TEST(watchdog_interval)
{
	char pid[24];
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	CHECK_INT(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "60000000", 1);	/* WatchdogSec=60 */
	CHECK_INT(notify_watchdog_ms(), 30000);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	CHECK_INT(notify_watchdog_ms(), 30000);
	setenv("WATCHDOG_PID", "1", 1);	/* another process of the service */
	CHECK_INT(notify_watchdog_ms(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "1000", 1);
	CHECK_INT(notify_watchdog_ms(), 1);
	setenv("WATCHDOG_USEC", "60s", 1);
	CHECK_INT(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	CHECK_INT(notify_watchdog_ms(), 0);
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	RUN(no_socket_no_message);
	RUN(path_socket);
	RUN(abstract_socket);
	RUN(watchdog_interval);
	return check_done();
}

/* test_link.c: opening the modem's port. Parsing of the device forms; a
 * pty opened raw and locked (a second opener is refused with a reason);
 * tcp with a non-blocking connect (accepted and refused); the libserialport
 * path honestly: a usb: identity that is not plugged in and a serial name
 * the kernel does not know fail with a clear reason, and a kernel tty that
 * libserialport accepts by name but cannot drive is refused by sp_open. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "modem/link.h"

TEST(classify_and_parse)
{
	CHECK_INT(link_classify("usb:2c7c:0125:2"), LINK_USB);
	CHECK_INT(link_classify("tcp://10.0.0.5:7000"), LINK_TCP);
	CHECK_INT(link_classify("/dev/ttyUSB2"), LINK_SERIAL);
	int v, p, i;
	CHECK(link_parse_usb("usb:2c7c:0125:2", &v, &p, &i));
	CHECK_INT(v, 0x2c7c);
	CHECK_INT(p, 0x0125);
	CHECK_INT(i, 2);
	CHECK(!link_parse_usb("usb:2c7c:0125", &v, &p, &i));
	CHECK(!link_parse_usb("usb:2c7c:0125:2x", &v, &p, &i));
	CHECK(!link_parse_usb("usb:zzzz:0125:2", &v, &p, &i));
	char host[64], port[8];
	CHECK(link_parse_tcp("tcp://modem.local:7000", host, sizeof host, port, sizeof port));
	CHECK_STR(host, "modem.local");
	CHECK_STR(port, "7000");
	CHECK(link_parse_tcp("tcp://[::1]:7000", host, sizeof host, port, sizeof port));
	CHECK_STR(host, "::1");
	CHECK(!link_parse_tcp("tcp://host:", host, sizeof host, port, sizeof port));
	CHECK(!link_parse_tcp("tcp://host:70a", host, sizeof host, port, sizeof port));
	CHECK(!link_parse_tcp("tcp://:70", host, sizeof host, port, sizeof port));
}

static int open_pty(char *path, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	snprintf(path, len, "%s", ptsname(m));
	return m;
}

TEST(pty_raw_locked_and_moving_bytes)
{
	char path[64], why[256];
	int master = open_pty(path, sizeof path);
	CHECK(master >= 0);
	CHECK_INT(link_classify(path), LINK_PTY);
	struct link *l = NULL, *l2 = NULL;
	CHECK(link_open(&l, path, 115200, why, sizeof why) == 0);
	CHECK_INT(link_kind(l), LINK_PTY);
	/* A second daemon on the same modem is refused, with the reason. */
	CHECK(link_open(&l2, path, 115200, why, sizeof why) < 0);
	CHECK(l2 == NULL);
	CHECKF(strstr(why, "in use") || strstr(why, "busy") || strstr(why, "exclusive"),
	       "why: %s", why);
	CHECK(link_write(l, "AT\r", 3) == 3);
	char buf[16] = { 0 };
	struct pollfd p = { .fd = master, .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1);
	CHECK(read(master, buf, sizeof buf) == 3);
	CHECK(!memcmp(buf, "AT\r", 3));	/* raw: no CR -> LF games */
	CHECK_INT(link_read(l, buf, sizeof buf), 0);	/* nothing yet: 0, not an error */
	CHECK(write(master, "\r\nOK\r\n", 6) == 6);
	p = (struct pollfd){ .fd = link_fd(l), .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1);
	CHECK_INT(link_read(l, buf, sizeof buf), 6);
	close(master);	/* unplug */
	p = (struct pollfd){ .fd = link_fd(l), .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1);
	CHECK(p.revents & POLLHUP);
	CHECK_INT(link_read(l, buf, sizeof buf), -1);
	link_close(l);
	link_close(NULL);
}

TEST(tcp_connect_accepted_and_refused)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
	CHECK(listen(s, 1) == 0);
	socklen_t al = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &al);
	char dev[64], why[256];
	snprintf(dev, sizeof dev, "tcp://127.0.0.1:%d", ntohs(a.sin_port));
	struct link *l = NULL;
	CHECK(link_open(&l, dev, 115200, why, sizeof why) == 0);
	struct pollfd p = { .fd = link_fd(l), .events = POLLOUT };
	CHECK(poll(&p, 1, 1000) == 1);
	if (link_connecting(l))
		CHECK(link_finish_connect(l, why, sizeof why) == 0);
	int c = accept(s, NULL, NULL);
	CHECK(c >= 0);
	CHECK(link_write(l, "AT\r", 3) == 3);
	char buf[8];
	CHECK(read(c, buf, sizeof buf) == 3);
	close(c);
	link_close(l);
	close(s);	/* now nothing listens on that port */
	l = NULL;
	int r = link_open(&l, dev, 115200, why, sizeof why);
	if (r == 0) {
		p = (struct pollfd){ .fd = link_fd(l), .events = POLLOUT };
		CHECK(poll(&p, 1, 1000) == 1);
		r = link_finish_connect(l, why, sizeof why);
		link_close(l);
	}
	CHECK(r < 0);
	CHECKF(strstr(why, "refused") != NULL, "why: %s", why);
}

TEST(usb_identity_not_plugged_in_says_so)
{
	char why[256], path[64];
	struct link *l = NULL;
	/* Nobody has this modem here: libserialport's enumeration runs and
	 * finds no such interface. */
	CHECK(link_find_usb(0x2c7c, 0x0125, 2, path, sizeof path, why, sizeof why) < 0);
	CHECKF(strstr(why, "2c7c:0125") && strstr(why, "interface 2"), "why: %s", why);
	CHECK(link_open(&l, "usb:2c7c:0125:2", 115200, why, sizeof why) < 0);
	CHECK(l == NULL);
	CHECKF(strstr(why, "no USB serial port 2c7c:0125"), "why: %s", why);
	CHECK(link_open(&l, "usb:nonsense", 115200, why, sizeof why) < 0);
	CHECKF(strstr(why, "expected usb:VID:PID:INTERFACE"), "why: %s", why);
}

TEST(serial_port_missing_or_not_a_serial_port)
{
	char why[256];
	struct link *l = NULL;
	CHECK(link_open(&l, "/dev/ttyUSB-tinbao-none", 115200, why, sizeof why) < 0);
	CHECKF(strstr(why, "No such file"), "why: %s", why);
	/* A regular file: libserialport does not know it as a tty. */
	char tmp[] = "/tmp/tinbao-link-XXXXXX";
	int fd = mkstemp(tmp);
	CHECK(fd >= 0);
	close(fd);
	CHECK(link_open(&l, tmp, 115200, why, sizeof why) < 0);
	CHECKF(strstr(why, "not a serial port known to the kernel"), "why: %s", why);
	unlink(tmp);
	/* /dev/null is a character device, but not a tty in /sys/class/tty. */
	CHECK(link_open(&l, "/dev/null", 115200, why, sizeof why) < 0);
	CHECKF(strstr(why, "not a serial port known to the kernel"), "why: %s", why);
}

/* A virtual console is a kernel tty that libserialport finds by name
 * (/sys/class/tty/tty5 exists), so sp_get_port_by_name and sp_open really
 * run; sp_open then fails on TIOCMGET (a VT has no modem lines) and nothing
 * is changed on the console. Skipped where there is no /dev/tty5 or it
 * cannot be opened (not root). Never /dev/console: that may be a real
 * serial port which sp_open would take over. */
TEST(libserialport_open_fails_with_its_reason)
{
	if (access("/sys/class/tty/tty5", F_OK) != 0 || access("/dev/tty5", R_OK | W_OK) != 0) {
		fprintf(stderr, "skipped: no /dev/tty5 to try libserialport's sp_open on\n");
		return;
	}
	char why[256];
	struct link *l = NULL;
	CHECK(link_open(&l, "/dev/tty5", 115200, why, sizeof why) < 0);
	CHECKF(strstr(why, "cannot open /dev/tty5") != NULL, "why: %s", why);
	link_close(l);
}

int main(void)
{
	RUN(classify_and_parse);
	RUN(pty_raw_locked_and_moving_bytes);
	RUN(tcp_connect_accepted_and_refused);
	RUN(usb_identity_not_plugged_in_says_so);
	RUN(serial_port_missing_or_not_a_serial_port);
	RUN(libserialport_open_fails_with_its_reason);
	return check_done();
}

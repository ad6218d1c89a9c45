/* link.c: opening and moving bytes over the modem's port (serial through
 * libserialport, usb: identity by enumeration, pty via termios, tcp). */
#include "modem/link.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct link {
	enum link_kind kind;
	int fd;
	struct sp_port *sp;	/* LINK_SERIAL / LINK_USB */
	bool connecting;
	bool locked;		/* we hold flock + TIOCEXCL */
	char path[PATH_MAX];
};

enum link_kind link_classify(const char *device)
{
	if (!strncmp(device, "usb:", 4))
		return LINK_USB;
	if (!strncmp(device, "tcp://", 6))
		return LINK_TCP;
	/* A pty slave is /dev/pts/N once symlinks are resolved (the virtual
	 * modem publishes a symlink such as var/modem.tty). */
	char real[PATH_MAX];
	if (realpath(device, real) && !strncmp(real, "/dev/pts/", 9))
		return LINK_PTY;
	return LINK_SERIAL;
}

bool link_parse_usb(const char *device, int *vid, int *pid, int *iface)
{
	unsigned v, p;
	int i, end = 0;
	if (strncmp(device, "usb:", 4))
		return false;
	if (sscanf(device + 4, "%4x:%4x:%d%n", &v, &p, &i, &end) != 3 || device[4 + end] ||
	    i < 0 || i > 255)
		return false;
	*vid = (int)v;
	*pid = (int)p;
	*iface = i;
	return true;
}

bool link_parse_tcp(const char *device, char *host, size_t hostlen, char *port, size_t portlen)
{
	if (strncmp(device, "tcp://", 6))
		return false;
	const char *h = device + 6;
	const char *colon = strrchr(h, ':');
	if (!colon || colon == h || !colon[1])
		return false;
	size_t hl = (size_t)(colon - h);
	if (*h == '[' && colon[-1] == ']') {	/* [::1]:7777 */
		h++;
		hl -= 2;
	}
	if (hl + 1 > hostlen || strlen(colon + 1) + 1 > portlen)
		return false;
	for (const char *c = colon + 1; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	memcpy(host, h, hl);
	host[hl] = 0;
	strcpy(port, colon + 1);
	return true;
}

/* Reads the USB interface number of a tty from sysfs: ttyACM's device link
 * is the interface itself, a usb-serial ttyUSB's is a child of it. */
static int link_usb_iface(const char *devpath)
{
	const char *name = strrchr(devpath, '/');
	name = name ? name + 1 : devpath;
	static const char *const rel[] = { "device/bInterfaceNumber", "device/../bInterfaceNumber" };
	for (size_t i = 0; i < 2; i++) {
		char f[PATH_MAX];
		snprintf(f, sizeof f, "/sys/class/tty/%s/%s", name, rel[i]);
		FILE *fp = fopen(f, "r");
		if (!fp)
			continue;
		unsigned n;
		int ok = fscanf(fp, "%x", &n);
		fclose(fp);
		if (ok == 1)
			return (int)n;
	}
	return -1;
}

int link_find_usb(int vid, int pid, int iface, char *path, size_t pathlen, char *why,
		  size_t whylen)
{
	struct sp_port **ports;
	if (sp_list_ports(&ports) != SP_OK) {
		char *m = sp_last_error_message();
		snprintf(why, whylen, "cannot list serial ports: %s", m ? m : "unknown error");
		sp_free_error_message(m);
		return -1;
	}
	int usb_seen = 0, same_dev = 0, found = -1;
	for (size_t i = 0; ports[i]; i++) {
		if (sp_get_port_transport(ports[i]) != SP_TRANSPORT_USB)
			continue;
		usb_seen++;
		int v, p;
		if (sp_get_port_usb_vid_pid(ports[i], &v, &p) != SP_OK || v != vid || p != pid)
			continue;
		same_dev++;
		const char *name = sp_get_port_name(ports[i]);
		if (link_usb_iface(name) == iface && strlen(name) < pathlen) {
			strcpy(path, name);
			found = 0;
			break;
		}
	}
	sp_free_port_list(ports);
	if (found < 0) {
		if (same_dev)
			snprintf(why, whylen,
				 "USB device %04x:%04x present with %d serial interface(s), "
				 "but none is interface %d", vid, pid, same_dev, iface);
		else
			snprintf(why, whylen,
				 "no USB serial port %04x:%04x (interface %d) is plugged in; "
				 "%d USB serial port(s) seen", vid, pid, iface, usb_seen);
	}
	return found;
}

/* flock keeps a second tinbaod (or anything that plays fair) out; TIOCEXCL
 * stops any other non-root open() of a serial port. Not on a pty: the
 * virtual modem keeps its side open, so the flag would outlive a crashed
 * daemon and lock its unprivileged successor out (on a real port the flag
 * dies with the last close). */
static int link_lock(struct link *l, int fd, const char *path, char *why, size_t whylen)
{
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(why, whylen, "%s is in use by another program (lock held)", path);
		return -1;
	}
	if (l->kind == LINK_PTY)
		return 0;
	if (ioctl(fd, TIOCEXCL) < 0) {
		snprintf(why, whylen, "%s: cannot take exclusive use: %s", path, strerror(errno));
		return -1;
	}
	l->locked = true;
	return 0;
}

static speed_t link_speed(int baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 230400: return B230400;
	case 460800: return B460800;
	case 921600: return B921600;
	default: return B115200;
	}
}

static int link_open_pty(struct link *l, int baud, char *why, size_t whylen)
{
	l->fd = open(l->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (l->fd < 0) {
		snprintf(why, whylen, "%s: %s", l->path, strerror(errno));
		return -1;
	}
	if (link_lock(l, l->fd, l->path, why, whylen) < 0)
		return -1;
	struct termios tio;
	if (tcgetattr(l->fd, &tio) < 0) {
		snprintf(why, whylen, "%s is not a terminal: %s", l->path, strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	cfsetspeed(&tio, link_speed(baud));
	if (tcsetattr(l->fd, TCSANOW, &tio) < 0) {
		snprintf(why, whylen, "%s: cannot set raw mode: %s", l->path, strerror(errno));
		return -1;
	}
	/* What a predecessor left unread is not for us. */
	tcflush(l->fd, TCIOFLUSH);
	return 0;
}

static void link_sp_why(const char *what, const char *path, char *why, size_t whylen)
{
	char *m = sp_last_error_message();
	snprintf(why, whylen, "%s %s: %s", what, path, m && *m ? m : "failed");
	sp_free_error_message(m);
}

static int link_open_serial(struct link *l, int baud, char *why, size_t whylen)
{
	struct stat st;
	if (stat(l->path, &st) < 0) {
		snprintf(why, whylen, "%s: %s", l->path, strerror(errno));
		return -1;
	}
	/* libserialport wants the kernel's name (/dev/ttyUSB2), not a udev
	 * symlink such as /dev/ttyGSM. */
	char real[PATH_MAX];
	if (!realpath(l->path, real)) {
		snprintf(why, whylen, "%s: %s", l->path, strerror(errno));
		return -1;
	}
	if (sp_get_port_by_name(real, &l->sp) != SP_OK) {
		link_sp_why("not a serial port known to the kernel:", real, why, whylen);
		l->sp = NULL;
		return -1;
	}
	if (sp_open(l->sp, SP_MODE_READ_WRITE) != SP_OK) {
		link_sp_why("cannot open", real, why, whylen);
		return -1;
	}
	if (sp_get_port_handle(l->sp, &l->fd) != SP_OK) {
		link_sp_why("no handle for", real, why, whylen);
		return -1;
	}
	if (link_lock(l, l->fd, real, why, whylen) < 0) {
		l->fd = -1;	/* owned by sp; closed by sp_close */
		return -1;
	}
	if (sp_set_baudrate(l->sp, baud) != SP_OK || sp_set_bits(l->sp, 8) != SP_OK ||
	    sp_set_parity(l->sp, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(l->sp, 1) != SP_OK ||
	    sp_set_flowcontrol(l->sp, SP_FLOWCONTROL_NONE) != SP_OK) {
		link_sp_why("cannot configure", real, why, whylen);
		return -1;
	}
	/* sp_open leaves O_NONBLOCK set in 0.1.1; make sure of it and of
	 * close-on-exec, since our poll() decides when to read. */
	fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) | O_NONBLOCK);
	fcntl(l->fd, F_SETFD, FD_CLOEXEC);
	sp_flush(l->sp, SP_BUF_BOTH);	/* what a predecessor left unread */
	snprintf(l->path, sizeof l->path, "%s", real);
	return 0;
}

static int link_open_tcp(struct link *l, const char *device, char *why, size_t whylen)
{
	char host[256], port[16];
	if (!link_parse_tcp(device, host, sizeof host, port, sizeof port)) {
		snprintf(why, whylen, "%s: expected tcp://host:port", device);
		return -1;
	}
	/* getaddrinfo blocks on DNS: a gateway box names its ser2net by
	 * address or /etc/hosts, so this is a local lookup in practice. */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
	int e = getaddrinfo(host, port, &hints, &res);
	if (e) {
		snprintf(why, whylen, "%s: %s", device, gai_strerror(e));
		return -1;
	}
	int err = 0;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			l->fd = fd;
			l->connecting = errno == EINPROGRESS;
			break;
		}
		err = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (l->fd < 0) {
		snprintf(why, whylen, "%s: %s", device, strerror(err ? err : ECONNREFUSED));
		return -1;
	}
	return 0;
}

int link_open(struct link **out, const char *device, int baud, char *why, size_t whylen)
{
	*out = NULL;
	struct link *l = calloc(1, sizeof *l);
	if (!l) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	l->fd = -1;
	l->kind = link_classify(device);
	int r = -1;
	switch (l->kind) {
	case LINK_USB: {
		int vid, pid, iface;
		if (!link_parse_usb(device, &vid, &pid, &iface)) {
			snprintf(why, whylen, "%s: expected usb:VID:PID:INTERFACE in hex, "
				 "e.g. usb:2c7c:0125:2", device);
			break;
		}
		if (link_find_usb(vid, pid, iface, l->path, sizeof l->path, why, whylen) < 0)
			break;
		r = link_open_serial(l, baud, why, whylen);
		break;
	}
	case LINK_SERIAL:
		snprintf(l->path, sizeof l->path, "%s", device);
		r = link_open_serial(l, baud, why, whylen);
		break;
	case LINK_PTY:
		snprintf(l->path, sizeof l->path, "%s", device);
		r = link_open_pty(l, baud, why, whylen);
		break;
	case LINK_TCP:
		snprintf(l->path, sizeof l->path, "%s", device);
		r = link_open_tcp(l, device, why, whylen);
		break;
	}
	if (r < 0) {
		link_close(l);
		return -1;
	}
	*out = l;
	return 0;
}

void link_close(struct link *l)
{
	if (!l)
		return;
	/* TIOCEXCL outlives us on some kernels: give the port back. */
	if (l->locked)
		ioctl(l->fd, TIOCNXCL);
	if (l->sp) {
		sp_close(l->sp);	/* closes the fd it owns (no-op if not open) */
		sp_free_port(l->sp);
	} else if (l->fd >= 0) {
		close(l->fd);
	}
	free(l);
}

int link_fd(const struct link *l)
{
	return l->fd;
}

enum link_kind link_kind(const struct link *l)
{
	return l->kind;
}

const char *link_path(const struct link *l)
{
	return l->path;
}

bool link_connecting(const struct link *l)
{
	return l->connecting;
}

int link_finish_connect(struct link *l, char *why, size_t whylen)
{
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		snprintf(why, whylen, "%s: %s", l->path, strerror(err));
		return -1;
	}
	l->connecting = false;
	return 0;
}

ssize_t link_read(struct link *l, void *buf, size_t n)
{
	ssize_t r;
	if (l->sp) {
		r = sp_nonblocking_read(l->sp, buf, n);
		/* 0.1.1 maps EAGAIN to 0 and so cannot tell end-of-file from
		 * nothing-yet; an unplugged USB port shows as EIO here or as
		 * POLLHUP/POLLERR, which the caller treats as gone. */
		return r < 0 ? -1 : r;
	}
	r = read(l->fd, buf, n);
	if (r > 0)
		return r;
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;	/* 0 = EOF, EIO = pty master closed */
}

ssize_t link_write(struct link *l, const void *buf, size_t n)
{
	ssize_t r;
	if (l->sp) {
		r = sp_nonblocking_write(l->sp, buf, n);
		return r < 0 ? -1 : r;
	}
	r = l->kind == LINK_TCP ? send(l->fd, buf, n, MSG_NOSIGNAL) : write(l->fd, buf, n);
	if (r >= 0)
		return r;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -1;
}

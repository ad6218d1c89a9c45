/* link.h: the byte pipe to the modem, whatever it is made of.
 *
 *   /dev/ttyUSB2, /dev/ttyGSM   a serial port through libserialport
 *                               (non-blocking, its fd in our poll())
 *   usb:2c7c:0125:2             vendor, product, interface: found again by
 *                               enumeration after the port comes back under a
 *                               new name (ttyUSB2 -> ttyUSB4)
 *   a pseudo-terminal           open() + raw termios, because libserialport
 *                               0.1.1 cannot open one (it wants
 *                               /sys/class/tty/<name> and TIOCMGET)
 *   tcp://host:port             a ser2net box or `tinbao-modem --tcp`,
 *                               connected without blocking
 *
 * Serial ports and ptys are locked exclusively (flock + TIOCEXCL): two
 * daemons on one modem garble each other, and libserialport 0.1.1 takes no
 * lock. Every failure to open comes back with a human reason in `why`. */
#ifndef TINBAO_LINK_H
#define TINBAO_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum link_kind { LINK_SERIAL, LINK_USB, LINK_PTY, LINK_TCP };

struct link;

/* Parses `device` and opens it. For tcp the connect may still be in progress
 * on return: see link_connecting(). Returns 0, or -1 with `why` filled. */
int link_open(struct link **out, const char *device, int baud, char *why, size_t whylen);
void link_close(struct link *l);	/* NULL-safe */

int link_fd(const struct link *l);
enum link_kind link_kind(const struct link *l);
/* The path actually opened ("/dev/ttyUSB4" for a usb: identity). */
const char *link_path(const struct link *l);

/* tcp: true until the non-blocking connect has finished; poll for POLLOUT
 * and then call link_finish_connect (0 connected, -1 failed with why). */
bool link_connecting(const struct link *l);
int link_finish_connect(struct link *l, char *why, size_t whylen);

/* Non-blocking. read: >0 bytes, 0 nothing available now, -1 the device is
 * gone (EOF, EIO, hang-up): close and reopen. write: bytes written (maybe 0),
 * -1 gone. */
ssize_t link_read(struct link *l, void *buf, size_t n);
ssize_t link_write(struct link *l, const void *buf, size_t n);

/* Pure helpers, exported for tests. */
enum link_kind link_classify(const char *device);
/* "usb:2c7c:0125:2" -> vid 0x2c7c, pid 0x0125, interface 2. */
bool link_parse_usb(const char *device, int *vid, int *pid, int *iface);
/* "tcp://host:port" -> host, port. */
bool link_parse_tcp(const char *device, char *host, size_t hostlen, char *port, size_t portlen);

/* Finds the serial port of a USB identity by enumeration. Returns 0 and the
 * /dev path, or -1 with why (listing how many USB serial ports were seen). */
int link_find_usb(int vid, int pid, int iface, char *path, size_t pathlen, char *why,
		  size_t whylen);

#endif

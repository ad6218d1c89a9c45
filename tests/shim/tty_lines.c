/* tty_lines.c: LD_PRELOAD shim that gives a pseudo-terminal the modem
 * control lines a real serial port has, so that libserialport's own code
 * (sp_get_port_by_name, sp_open, sp_set_*, sp_nonblocking_read/write) can
 * run against the virtual modem in tests/integration/test_serial_port.py.
 *
 * Why a shim and nothing more: a pty slave answers TIOCMGET, TIOCMSET,
 * TIOCMBIS and TIOCMBIC with ENOTTY (the kernel's pty driver has no
 * tiocmget/tiocmset), and libserialport 0.1.1's sp_open gives up on the
 * first of them. Everything else a UART does that libserialport uses
 * (termios, speed, flush, non-blocking I/O, TIOCEXCL) a pty does for real.
 * So only those four requests are answered here, and only when the kernel
 * refused them on a pty slave: DTR and RTS are remembered per descriptor,
 * and the modem side reports CTS, DSR and DCD up, as a powered modem does.
 * Any other ioctl, and any ioctl on anything else, goes to the kernel
 * untouched. Built without sanitizers; not part of any shipped binary.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define SHIM_FDS 1024
#define PTY_SLAVE_MAJOR_FIRST 136	/* UNIX98_PTY_SLAVE_MAJOR .. +7 */
#define PTY_SLAVE_MAJOR_LAST 143

static int shim_lines[SHIM_FDS];	/* TIOCM_DTR | TIOCM_RTS the program set */

static int shim_is_pty_slave(int fd)
{
	struct stat st;
	if (fd < 0 || fd >= SHIM_FDS || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	unsigned maj = major(st.st_rdev);
	return maj >= PTY_SLAVE_MAJOR_FIRST && maj <= PTY_SLAVE_MAJOR_LAST;
}

static int shim_modem_lines(int fd, unsigned long req, int *bits)
{
	const int settable = TIOCM_DTR | TIOCM_RTS;
	switch (req) {
	case TIOCMGET:
		*bits = (shim_lines[fd] & settable) | TIOCM_CTS | TIOCM_DSR | TIOCM_CAR;
		return 0;
	case TIOCMSET:
		shim_lines[fd] = *bits & settable;
		return 0;
	case TIOCMBIS:
		shim_lines[fd] |= *bits & settable;
		return 0;
	case TIOCMBIC:
		shim_lines[fd] &= ~(*bits & settable);
		return 0;
	default:
		return -1;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl) {
		*(void **)&real_ioctl = dlsym(RTLD_NEXT, "ioctl");
		if (!real_ioctl) {
			errno = ENOSYS;
			return -1;
		}
	}
	int r = real_ioctl(fd, req, arg);
	if (r == 0 || errno != ENOTTY || !arg || !shim_is_pty_slave(fd))
		return r;
	int saved = errno;
	if (shim_modem_lines(fd, req, arg) == 0)
		return 0;
	errno = saved;
	return r;
}

/* notify.h: telling systemd how the daemon is doing (the sd_notify(3)
 * protocol: READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1), and the watchdog
 * interval it asked for.
 *
 * Written here rather than linking libsystemd: the protocol is one datagram
 * to the AF_UNIX socket named in $NOTIFY_SOCKET, while libsystemd brings
 * libgcrypt, libgpg-error, liblzma, libzstd, liblz4 and libcap into the
 * daemon, about 0.9 MB of its 8 MB resident budget, for this one call. */
#ifndef TINBAO_NOTIFY_H
#define TINBAO_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1") to $NOTIFY_SOCKET ('@' first: the abstract
 * namespace). 1 sent, 0 no socket to tell (not started by systemd), -1
 * failed (errno set). Never blocks. */
int notify_send(const char *state);

/* How often to send WATCHDOG=1: half the $WATCHDOG_USEC systemd set (when
 * $WATCHDOG_PID, if set, is this process), in ms; 0 when no watchdog. */
int64_t notify_watchdog_ms(void);

#endif

/* fw_link.h: the serial side of tinbao-modem: a pseudo-terminal in raw mode
 * behind a symlink, or a raw TCP port as a ser2net box offers (one client
 * at a time). The pty's slave side stays open in this process so that a
 * client can close and reopen the port without the master seeing a hangup.
 * fw_link_unplug / fw_link_replug imitate a USB disconnect: the symlink
 * and the device disappear, then a new one appears. */
#ifndef TINBAO_FW_LINK_H
#define TINBAO_FW_LINK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum fw_link_kind { FW_LINK_PTY, FW_LINK_TCP };

struct fw_link {
	enum fw_link_kind kind;
	int fd;		/* pty master, or the TCP client; -1 when none */
	int slave_fd;	/* pty: held open */
	int listen_fd;	/* TCP: the listening socket */
	char path[PATH_MAX];	/* symlink, or "HOST:PORT" as given */
	char name[PATH_MAX];	/* "/dev/pts/7" or "127.0.0.1:40123" */
	bool up;	/* plugged in */
	unsigned long opens;	/* TCP clients accepted */
};

void fw_link_init(struct fw_link *l);
/* kind PTY: arg is the symlink path; TCP: "HOST:PORT" (port 0 picks one). */
int fw_link_open(struct fw_link *l, enum fw_link_kind kind, const char *arg, char *why, size_t whylen);
void fw_link_unplug(struct fw_link *l);
int fw_link_replug(struct fw_link *l, char *why, size_t whylen);
void fw_link_close(struct fw_link *l);	/* unplug and forget */
/* TCP: accepts a waiting client (a second one is refused). */
void fw_link_accept(struct fw_link *l);
/* Reads what is there: >0 bytes, 0 nothing now, -1 the TCP client left. */
ssize_t fw_link_read(struct fw_link *l, void *buf, size_t n);
/* Writes what fits: bytes written (0 when it would block), -1 no client. */
ssize_t fw_link_write(struct fw_link *l, const void *buf, size_t n);
/* True when bytes written now can reach someone (TCP: a client is there). */
bool fw_link_connected(const struct fw_link *l);

#endif

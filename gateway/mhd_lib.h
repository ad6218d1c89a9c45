/* mhd_lib.h: libmicrohttpd, loaded when the USSD web service starts rather
 * than linked into tinbaod.
 *
 * Why: Debian's libmicrohttpd depends on GnuTLS, which brings nettle,
 * hogweed, gmp, p11-kit, libtasn1 and libunistring with it. Linked, they
 * are mapped and relocated in every tinbaod, about 2.4 MB of resident
 * memory for a service that is off by default (ussd_http), and the daemon's
 * peak stays under its 8 MB budget only without them. dlopen() keeps that
 * cost to the boxes that serve an operator's USSD gateway. Types and
 * constants still come from <microhttpd.h>; only the calls go through this
 * table, whose prototypes are the header's own (__typeof__). */
#ifndef TINBAO_MHD_LIB_H
#define TINBAO_MHD_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

struct mhd_lib {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_run) run;
	__typeof__(&MHD_get_timeout) get_timeout;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_get_connection_info) get_connection_info;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_create_post_processor) create_post_processor;
	__typeof__(&MHD_post_process) post_process;
	__typeof__(&MHD_destroy_post_processor) destroy_post_processor;
};

/* The library's entry points, loaded on the first call and kept for the
 * life of the process (it is never unloaded: a daemon restarted by SIGHUP
 * would only load it again). NULL with the reason in why when it cannot be
 * loaded or lacks a function. */
const struct mhd_lib *mhd_lib_load(char *why, size_t whylen);

#endif

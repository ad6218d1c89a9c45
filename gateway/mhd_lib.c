/* mhd_lib.c: loads libmicrohttpd on demand (see mhd_lib.h for why). */
#include "mhd_lib.h"

#include <dlfcn.h>
#include <stdio.h>

/* The soname Debian 12 ships (libmicrohttpd12), then the development link. */
static const char *const mhd_names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };

const struct mhd_lib *mhd_lib_load(char *why, size_t whylen)
{
	/* One table per process: the library, once mapped, stays. */
	static struct mhd_lib lib;
	static int loaded;
	if (loaded)
		return &lib;
	void *dl = NULL;
	for (size_t i = 0; i < sizeof mhd_names / sizeof mhd_names[0] && !dl; i++)
		dl = dlopen(mhd_names[i], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(why, whylen, "cannot load libmicrohttpd (%s); the USSD web service needs "
			 "Debian's libmicrohttpd12", dlerror());
		return NULL;
	}
	struct {
		void **slot;
		const char *name;
	} want[] = {
#define MHD_SYM(field, sym) { (void **)&lib.field, #sym }
		MHD_SYM(start_daemon, MHD_start_daemon),
		MHD_SYM(stop_daemon, MHD_stop_daemon),
		MHD_SYM(run, MHD_run),
		MHD_SYM(get_timeout, MHD_get_timeout),
		MHD_SYM(get_daemon_info, MHD_get_daemon_info),
		MHD_SYM(get_connection_info, MHD_get_connection_info),
		MHD_SYM(create_response_from_buffer, MHD_create_response_from_buffer),
		MHD_SYM(add_response_header, MHD_add_response_header),
		MHD_SYM(queue_response, MHD_queue_response),
		MHD_SYM(destroy_response, MHD_destroy_response),
		MHD_SYM(create_post_processor, MHD_create_post_processor),
		MHD_SYM(post_process, MHD_post_process),
		MHD_SYM(destroy_post_processor, MHD_destroy_post_processor),
#undef MHD_SYM
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		*want[i].slot = dlsym(dl, want[i].name);
		if (!*want[i].slot) {
			snprintf(why, whylen, "libmicrohttpd has no %s: too old a version", want[i].name);
			dlclose(dl);
			return NULL;
		}
	}
	loaded = 1;
	return &lib;
}

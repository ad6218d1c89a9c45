/* cli_send.c: `tinbao send NUMBER TEXT...`: queues an SMS in the daemon's
 * outbox (the daemon sends it; this command never touches the modem) and
 * asks a running tinbaod to look at the outbox now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "sms/phone.h"
#include "store/store.h"

int cli_send(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 3) {
		fprintf(stderr, "usage: tinbao send NUMBER TEXT... [-c FILE]\n");
		return 2;
	}
	/* The words after the number form the text, so that quoting is
	 * optional. */
	size_t len = 0;
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = malloc(len + 1);
	if (!text)
		return 1;
	text[0] = 0;
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	if (!*text) {
		fprintf(stderr, "tinbao send: empty text\n");
		free(text);
		return 2;
	}
	struct cli_env e;
	if (cli_open(&e, conf_path, true)) {
		free(text);
		return 1;
	}
	char to[64];
	enum phone_kind k = phone_normalize(argv[1], e.conf.country, to, sizeof to);
	if (k != PHONE_E164) {
		fprintf(stderr, "tinbao send: %s is not a subscriber number (short codes and"
			" names are never sent to)\n", argv[1]);
		free(text);
		cli_close(&e);
		return 2;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Each command is its own message: the slot only has to be unique. */
	char slot[96];
	snprintf(slot, sizeof slot, "cli:%lld.%09ld:%ld", (long long)ts.tv_sec, ts.tv_nsec,
		 (long)getpid());
	int64_t id = store_outbox_queue(e.store, to, text, 0, slot, (int64_t)ts.tv_sec);
	if (id < 0) {
		fprintf(stderr, "tinbao send: %s\n", store_errmsg(e.store));
		free(text);
		cli_close(&e);
		return 1;
	}
	store_event(e.store, (int64_t)ts.tv_sec, "info", "cli.send", to);
	bool poked = cli_poke_daemon(e.store, e.conf.database);
	printf("queued #%lld to %s%s\n", (long long)id, to,
	       poked ? "; tinbaod told" : "; tinbaod sends it at its next outbox check");
	free(text);
	cli_close(&e);
	return 0;
}

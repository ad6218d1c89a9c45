/* cli_outbox.c: `tinbao outbox [--json] [--limit N]`: the send queue,
 * newest first, with state, attempts and the last error. Read-only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "store/store.h"
#include "store/store_outbox.h"

static int outbox_print(const struct outbox_row *r, void *arg)
{
	bool json = *(const bool *)arg;
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(r->id));
		json_object_set_new(j, "to", json_string(r->recipient));
		json_object_set_new(j, "text", json_string(r->text));
		json_object_set_new(j, "state", json_string(store_outbox_state_name(r->state)));
		json_object_set_new(j, "origin_msg_id",
				    r->origin_msg_id ? json_integer(r->origin_msg_id) : json_null());
		json_object_set_new(j, "slot", json_string(r->slot));
		json_object_set_new(j, "attempts", json_integer(r->attempts));
		json_object_set_new(j, "parts_total", json_integer(r->parts_total));
		json_object_set_new(j, "parts_sent", json_integer(r->parts_sent));
		json_object_set_new(j, "created_at", cli_json_time(r->created_at));
		json_object_set_new(j, "next_attempt_at",
				    r->state == OUTBOX_QUEUED ? cli_json_time(r->next_attempt_at)
							      : json_null());
		json_object_set_new(j, "sent_at", cli_json_time(r->sent_at));
		json_object_set_new(j, "delivered_at", cli_json_time(r->delivered_at));
		json_object_set_new(j, "last_error",
				    r->last_error[0] ? json_string(r->last_error) : json_null());
		cli_json_line(j);
		return 0;
	}
	char t[40];
	cli_time(r->created_at, t, sizeof t);
	printf("#%-6lld %s %-14s %-9s", (long long)r->id, t, r->recipient,
	       store_outbox_state_name(r->state));
	if (r->attempts)
		printf(" attempts %d", r->attempts);
	if (r->parts_total > 1)
		printf(" parts %d/%d", r->parts_sent, r->parts_total);
	if (r->origin_msg_id)
		printf(" reply to #%lld", (long long)r->origin_msg_id);
	if (r->state == OUTBOX_QUEUED && r->attempts) {
		cli_time(r->next_attempt_at, t, sizeof t);
		printf(" next %s", t);
	}
	if (r->last_error[0])
		printf(" (%s)", r->last_error);
	fputs("\n        ", stdout);
	for (const char *p = r->text; *p; p++)
		if (*p == '\n')
			fputs(" / ", stdout);
		else if (*p != '\r')
			fputc(*p, stdout);
	fputc('\n', stdout);
	return 0;
}

int cli_outbox(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	bool json = false;
	int limit = 50;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if ((r = cli_opt(argc, argv, &i, "--limit", &v)) != 0) {
			if (r < 0 || (limit = cli_parse_count(v)) < 0) {
				fprintf(stderr, "tinbao outbox: --limit takes a number (0: all)\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: tinbao outbox [--json] [--limit N] [-c FILE]\n");
			return 2;
		}
	}
	struct cli_env e;
	if (cli_open(&e, conf_path, false))
		return 1;
	int rc = store_outbox_each(e.store, limit, outbox_print, &json);
	if (rc < 0)
		fprintf(stderr, "tinbao outbox: %s\n", store_errmsg(e.store));
	cli_close(&e);
	return rc < 0 ? 1 : 0;
}

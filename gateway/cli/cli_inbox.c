/* cli_inbox.c: `tinbao inbox [--json] [--replies] [--limit N]`: assembled
 * inbound messages, newest first (JSON: one object a line), with the
 * replies queued for each when asked. Read-only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "store/store.h"
#include "store/store_inbox.h"
#include "store/store_outbox.h"

struct inbox_opts {
	bool json, replies;
	struct store *store;
	json_t *arr;	/* json: the current message's replies */
};

static int inbox_reply(const struct outbox_row *r, void *arg)
{
	struct inbox_opts *o = arg;
	if (o->json) {
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(r->id));
		json_object_set_new(j, "to", json_string(r->recipient));
		json_object_set_new(j, "state", json_string(store_outbox_state_name(r->state)));
		json_object_set_new(j, "text", json_string(r->text));
		json_array_append_new(o->arr, j);
		return 0;
	}
	printf("     -> #%lld %s %s: ", (long long)r->id, store_outbox_state_name(r->state),
	       r->recipient);
	for (const char *p = r->text; *p; p++)
		if (*p == '\n')
			fputs(" / ", stdout);
		else if (*p != '\r')
			fputc(*p, stdout);
	fputc('\n', stdout);
	return 0;
}

static int inbox_print(const struct inbox_message *m, void *arg)
{
	struct inbox_opts *o = arg;
	bool json = o->json;
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(m->id));
		json_object_set_new(j, "from", json_string(m->sender));
		json_object_set_new(j, "text", json_string(m->text));
		json_object_set_new(j, "sent_at", cli_json_time(m->sent_at));
		json_object_set_new(j, "received_at", cli_json_time(m->received_at));
		json_object_set_new(j, "parts", json_integer(m->parts));
		json_object_set_new(j, "parts_total", json_integer(m->parts_total));
		json_object_set_new(j, "incomplete", json_boolean(m->incomplete));
		json_object_set_new(j, "handled_at", cli_json_time(m->handled_at));
		if (o->replies) {
			o->arr = json_array();
			int rc = store_outbox_each_reply(o->store, m->id, inbox_reply, o);
			json_object_set_new(j, "replies", o->arr);
			if (rc < 0) {
				json_decref(j);
				return rc;
			}
		}
		cli_json_line(j);
		return 0;
	}
	char t[40];
	cli_time(m->received_at, t, sizeof t);
	printf("#%-6lld %s %-14s", (long long)m->id, t, m->sender);
	if (m->parts_total > 1)
		printf(" [%d/%d parts%s]", m->parts, m->parts_total, m->incomplete ? ", incomplete" : "");
	if (!m->handled_at)
		printf(" [not dispatched yet]");
	/* One line per message: newlines inside the text are shown as " / ".
	 * Other control characters (C0, DEL, C1 such as U+009B CSI) are shown
	 * as \xNN: an SMS must not drive the admin's terminal. */
	fputs("\n        ", stdout);
	for (const unsigned char *p = (const unsigned char *)m->text; *p; p++) {
		if (*p == '\n')
			fputs(" / ", stdout);
		else if (*p == '\r')
			continue;
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			printf("\\x%02x", *++p);
		else
			fputc(*p, stdout);
	}
	fputc('\n', stdout);
	if (o->replies)
		return store_outbox_each_reply(o->store, m->id, inbox_reply, o);
	return 0;
}

int cli_inbox(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	struct inbox_opts o = { 0 };
	int limit = 50;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r;
		if (!strcmp(argv[i], "--json")) {
			o.json = true;
		} else if (!strcmp(argv[i], "--replies")) {
			o.replies = true;
		} else if ((r = cli_opt(argc, argv, &i, "--limit", &v)) != 0) {
			if (r < 0 || (limit = cli_parse_count(v)) < 0) {
				fprintf(stderr, "tinbao inbox: --limit takes a number (0: all)\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: tinbao inbox [--json] [--replies] [--limit N] [-c FILE]\n");
			return 2;
		}
	}
	struct cli_env e;
	if (cli_open(&e, conf_path, false))
		return 1;
	o.store = e.store;
	int rc = store_inbox_each(e.store, limit, inbox_print, &o);
	if (rc < 0)
		fprintf(stderr, "tinbao inbox: %s\n", store_errmsg(e.store));
	cli_close(&e);
	return rc < 0 ? 1 : 0;
}

/* cli_status.c: `tinbao status [--json]`: the modem's health as the daemon
 * last recorded it, the SIM's balance as the credit check last read it,
 * queue depths, last message times, the schema version and the latest
 * events. Read-only: runs beside the daemon. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "store/store.h"
#include "store/store_events.h"
#include "store/store_health.h"
#include "store/store_inbox.h"
#include "store/store_outbox.h"
#include "store/store_ussd.h"

struct status_out {
	bool json;
	json_t *obj;	/* json: the "modem" or "events" container */
	int64_t now;
};

static int status_health(const char *key, const char *value, int64_t updated_at,
			 int64_t changed_at, void *arg)
{
	struct status_out *o = arg;
	if (o->json) {
		json_t *h = json_object();
		json_object_set_new(h, "value", json_string(value));
		json_object_set_new(h, "updated_at", cli_json_time(updated_at));
		json_object_set_new(h, "changed_at", cli_json_time(changed_at));
		json_object_set_new(o->obj, key, h);
		return 0;
	}
	char upd[40], chg[40];
	bool is_time = !strcmp(key, "last_rx") || !strcmp(key, "last_tx");
	if (is_time) {
		long long t = 0;
		sscanf(value, "%lld", &t);
		cli_time(t, upd, sizeof upd);
		printf("  %-14s %s\n", key, upd);
		return 0;
	}
	cli_time(updated_at, upd, sizeof upd);
	cli_time(changed_at, chg, sizeof chg);
	printf("  %-14s %-20s since %s (seen %s)\n", key, value, chg, upd);
	return 0;
}

static int status_event(const struct store_event_row *e, void *arg)
{
	struct status_out *o = arg;
	if (o->json) {
		json_t *j = json_object();
		json_object_set_new(j, "at", cli_json_time(e->at));
		json_object_set_new(j, "level", json_string(e->level ? e->level : ""));
		json_object_set_new(j, "what", json_string(e->what ? e->what : ""));
		json_object_set_new(j, "detail", json_string(e->detail ? e->detail : ""));
		json_array_append_new(o->obj, j);
		return 0;
	}
	char at[40];
	cli_time(e->at, at, sizeof at);
	printf("  %s %-5s %s%s%s\n", at, e->level ? e->level : "", e->what ? e->what : "",
	       e->detail && *e->detail ? ": " : "", e->detail ? e->detail : "");
	return 0;
}

/* The newest reading with a figure (a reply without one does not hide the
 * last good balance); 1 found, 0 none, negative on a store error. */
static int status_credit(struct store *s, bool json, json_t *root)
{
	struct credit_reading r;
	int rc = store_credit_last(s, true, &r);
	if (rc < 0)
		return rc;
	bool low = rc == 1 && r.threshold > 0 && r.balance < r.threshold;
	if (json) {
		json_t *c = json_null();
		if (rc == 1) {
			c = json_object();
			json_object_set_new(c, "balance", json_real(r.balance));
			json_object_set_new(c, "threshold", json_real(r.threshold));
			json_object_set_new(c, "low", json_boolean(low));
			json_object_set_new(c, "code", json_string(r.code));
			json_object_set_new(c, "at", cli_json_time(r.at));
		}
		json_object_set_new(root, "credit", c);
		return rc;
	}
	if (rc == 0) {
		printf("credit   not read yet (tinbao ussd credit lists the checks)\n");
		return 0;
	}
	char t[40];
	cli_time(r.at, t, sizeof t);
	printf("credit   %.0f (%s, read %s)%s\n", r.balance, r.code, t,
	       low ? ", below the alert threshold" : "");
	return 1;
}

static int status_usage(void)
{
	fprintf(stderr, "usage: tinbao status [--json] [-c FILE]\n");
	return 2;
}

int cli_status(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return status_usage();
	}
	struct cli_env e;
	if (cli_open(&e, conf_path, false))
		return 1;
	struct store *s = e.store;
	struct inbox_counts ic;
	int oc[5];
	int rc = 0;
	if (store_inbox_counts(s, &ic) < 0 || store_outbox_counts(s, oc) < 0) {
		fprintf(stderr, "tinbao status: %s\n", store_errmsg(s));
		cli_close(&e);
		return 1;
	}
	int64_t last_sent = store_outbox_last_sent_at(s);
	struct status_out o = { .json = json, .now = (int64_t)time(NULL) };
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "config", json_string(e.conf.path));
		json_object_set_new(root, "database", json_string(e.conf.database));
		json_object_set_new(root, "schema_version", json_integer(store_schema_version(s)));
		o.obj = json_object();
		rc |= store_health_each(s, status_health, &o) < 0;
		json_object_set_new(root, "modem", o.obj);
		rc |= status_credit(s, true, root) < 0;
		json_t *in = json_object();
		json_object_set_new(in, "messages", json_integer(ic.messages));
		json_object_set_new(in, "unhandled", json_integer(ic.unhandled));
		json_object_set_new(in, "incomplete", json_integer(ic.incomplete));
		json_object_set_new(in, "parts_waiting", json_integer(ic.open_parts));
		json_object_set_new(in, "rejected", json_integer(ic.rejects));
		json_object_set_new(in, "last_received_at", cli_json_time(ic.last_received_at));
		json_object_set_new(root, "inbox", in);
		json_t *out = json_object();
		for (int i = 0; i < 5; i++)
			json_object_set_new(out, store_outbox_state_name((enum outbox_state)i),
					    json_integer(oc[i]));
		json_object_set_new(out, "last_sent_at", cli_json_time(last_sent > 0 ? last_sent : 0));
		json_object_set_new(root, "outbox", out);
		o.obj = json_array();
		rc |= store_events_each(s, 10, 0, status_event, &o) < 0;
		json_object_set_new(root, "events", o.obj);
		cli_json_line(root);
	} else {
		char t[40];
		printf("config   %s\n", e.conf.path);
		printf("database %s (schema version %d)\n", e.conf.database, store_schema_version(s));
		printf("modem (as the daemon last saw it):\n");
		char v[8];
		if (store_health_get(s, "state", v, sizeof v, NULL, NULL) == 0)
			printf("  nothing recorded yet: has tinbaod run?\n");
		rc |= store_health_each(s, status_health, &o) < 0;
		rc |= status_credit(s, false, NULL) < 0;
		cli_time(ic.last_received_at, t, sizeof t);
		printf("inbox    %lld messages, last received %s\n", (long long)ic.messages, t);
		printf("         %lld waiting for dispatch, %lld parts waiting for the rest,"
		       " %lld incomplete, %lld undecodable\n", (long long)ic.unhandled,
		       (long long)ic.open_parts, (long long)ic.incomplete, (long long)ic.rejects);
		cli_time(last_sent > 0 ? last_sent : 0, t, sizeof t);
		printf("outbox   %d queued, %d sending, %d sent, %d delivered, %d failed,"
		       " last sent %s\n", oc[OUTBOX_QUEUED], oc[OUTBOX_SENDING], oc[OUTBOX_SENT],
		       oc[OUTBOX_DELIVERED], oc[OUTBOX_FAILED], t);
		printf("events (latest first):\n");
		rc |= store_events_each(s, 10, 0, status_event, &o) < 0;
	}
	if (rc)
		fprintf(stderr, "tinbao status: %s\n", store_errmsg(s));
	cli_close(&e);
	return rc ? 1 : 0;
}

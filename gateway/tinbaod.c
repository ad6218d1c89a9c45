/* tinbaod.c: the gateway daemon. Options, start-up (config, database,
 * catalog, modem, core), the signals (SIGTERM/SIGINT: finish the exchange in
 * flight and exit; SIGHUP: reload users and catalog without touching the
 * modem; SIGUSR1: look at the outbox now; SIGUSR2: log the loop's
 * wake-up counts), systemd notification. Foreground
 * only: systemd or a terminal supervises it. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "conf.h"
#include "conf_ussd.h"
#include "core.h"
#include "http_ussd.h"
#include "log.h"
#include "loop.h"
#include "modem/modem.h"
#include "notify.h"
#include "store/store.h"
#include "store/store_health.h"
#include "store/store_users.h"

struct tinbaod {
	struct loop *loop;
	struct tinbao_conf conf;
	struct store *store;
	struct catalog *catalog;
	struct core *core;
	struct modem *modem;
	struct http_ussd *ussd_http;	/* the USSD menu server, NULL when off */
	const char *conf_path;
	int level_override;	/* -1: from the config */
	bool syslog_override;
	bool stopping;
	struct loop_timer t_stop;	/* hard limit on the shutdown */
	struct loop_timer t_watchdog;	/* WATCHDOG=1 to systemd (WatchdogSec=) */
	int64_t watchdog_ms;
};

static void tinbaod_usage(FILE *f)
{
	fprintf(f, "usage: tinbaod [-c FILE] [-t] [-d | -v] [--syslog]\n"
		   "  -c FILE    configuration (default $TINBAO_CONF or %s)\n"
		   "  -t         check the configuration, print it normalised, exit\n"
		   "  -v         log at info level, -d at debug level (else as configured)\n"
		   "  --syslog   log to syslog instead of stderr\n", CONF_DEFAULT_PATH);
}

static void tinbaod_modem_conf(const struct tinbao_conf *c, struct modem_conf *mc)
{
	modem_conf_defaults(mc);
	snprintf(mc->device, sizeof mc->device, "%s", c->modem.device ? c->modem.device : "");
	if (c->modem.baud > 0)
		mc->baud = c->modem.baud;
	snprintf(mc->pin, sizeof mc->pin, "%s", c->modem.pin ? c->modem.pin : "");
	if (c->modem.storage && *c->modem.storage)
		snprintf(mc->storage, sizeof mc->storage, "%s", c->modem.storage);
	if (c->modem.model)
		snprintf(mc->model, sizeof mc->model, "%s", c->modem.model);
	if (c->modem.sweep_every > 0)
		mc->sweep_interval_s = (int)c->modem.sweep_every;
	if (c->modem.health_every > 0)
		mc->health_interval_s = (int)c->modem.health_every;
	if (c->modem.command_timeout > 0)
		mc->cmd_timeout_ms = (int)c->modem.command_timeout * 1000;
	if (c->modem.reset_min_interval > 0)
		mc->reset_min_interval_s = (int)c->modem.reset_min_interval;
	mc->direct_delivery = c->modem.direct_delivery;
}

static void tinbaod_log_setup(struct tinbaod *d)
{
	enum log_level lvl = d->level_override >= 0 ? (enum log_level)d->level_override : d->conf.log.level;
	log_init("tinbaod", lvl, d->syslog_override || d->conf.log.syslog);
}

/* Tests only: TINBAO_NOW_OFFSET=SECONDS (read once, at start) shifts the
 * core's wall clock, so that an integration test can replay a month of
 * reports and restart the daemon over a scheduled summary. Never set it on
 * a real box: every stamp and schedule would be off by that much. */
static void tinbaod_test_clock(struct tinbaod *d)
{
	const char *e = getenv("TINBAO_NOW_OFFSET");
	if (!e || !*e || !d->core)
		return;
	char *end;
	long long off = strtoll(e, &end, 10);
	if (*end) {
		log_warn("tinbaod: TINBAO_NOW_OFFSET=%s is not a number of seconds; ignored", e);
		return;
	}
	core_set_clock_offset(d->core, off);
	log_warn("tinbaod: test clock: TINBAO_NOW_OFFSET=%lld s (now %lld)", off,
		 (long long)core_time(d->core));
}

static void tinbaod_stopped(void *ctx)
{
	struct tinbaod *d = ctx;
	log_info("tinbaod: modem exchange finished; exiting");
	loop_stop(d->loop);
}

static int64_t tinbaod_on_stop_timeout(void *ctx)
{
	struct tinbaod *d = ctx;
	log_warn("tinbaod: the modem did not finish in time; exiting anyway");
	loop_stop(d->loop);
	return LOOP_DONE;
}

static void tinbaod_on_term(void *ctx, int signo)
{
	struct tinbaod *d = ctx;
	if (d->stopping) {
		log_warn("tinbaod: second %s: exiting now", signo == SIGINT ? "SIGINT" : "SIGTERM");
		loop_stop(d->loop);
		return;
	}
	d->stopping = true;
	log_info("tinbaod: %s: finishing the exchange in flight", signo == SIGINT ? "SIGINT" : "SIGTERM");
	notify_send("STOPPING=1");
	core_stop(d->core);
	/* The longest command (AT+CMGS) times out by itself after 60 s; this
	 * bound only guards against a bug. */
	loop_timer_arm(d->loop, &d->t_stop, 90000);
	modem_shutdown(d->modem, tinbaod_stopped, d);
}

/* The loop is alive as long as this timer fires: a daemon stuck in a
 * call that never returns stops pinging, and systemd restarts it. */
static int64_t tinbaod_on_watchdog(void *ctx)
{
	struct tinbaod *d = ctx;
	notify_send("WATCHDOG=1");
	return d->watchdog_ms;
}

/* SIGUSR2: the loop's wake-ups since the start, for idle checks (the
 * bench reads two of these lines around a quiet period). This signal's own
 * wake-up is already in the count. */
static void tinbaod_on_usr2(void *ctx, int signo)
{
	struct tinbaod *d = ctx;
	(void)signo;
	log_info("tinbaod: SIGUSR2: %lu loop wake-ups since start, %lu of them timers alone",
		 loop_wakeups(d->loop), loop_timer_wakeups(d->loop));
}

/* SIGHUP: users and catalog again, from a fresh read of the config. The
 * modem keeps running; its own settings need a restart. */
static void tinbaod_on_hup(void *ctx, int signo)
{
	struct tinbaod *d = ctx;
	(void)signo;
	log_info("tinbaod: SIGHUP: reloading users and catalog");
	notify_send("RELOADING=1");
	struct tinbao_conf nc;
	if (conf_load(d->conf_path, &nc, NULL, NULL) != 0) {
		log_err("tinbaod: %s has errors (listed above); keeping the running configuration",
			d->conf_path);
		notify_send("READY=1");
		return;
	}
	char why[256];
	struct catalog *cat = NULL;
	if (catalog_load(&cat, nc.catalog, why, sizeof why) < 0) {
		log_err("tinbaod: catalog %s: %s; keeping the running configuration", nc.catalog, why);
		conf_free(&nc);
		notify_send("READY=1");
		return;
	}
	if (strcmp(nc.modem.device ? nc.modem.device : "", d->conf.modem.device ? d->conf.modem.device : "") ||
	    strcmp(nc.database ? nc.database : "", d->conf.database ? d->conf.database : ""))
		log_warn("tinbaod: modem device or database changed: takes effect at the next restart");
	int n = store_users_seed(d->store, nc.users, nc.nusers, (int64_t)time(NULL));
	if (n < 0)
		log_err("tinbaod: seeding users failed: %s", store_errmsg(d->store));
	else if (n > 0)
		log_info("tinbaod: %d new user(s) from the configuration", n);
	/* Keep the database path and modem settings of the running instance
	 * (they changed only at restart); swap the rest. */
	struct tinbao_conf old = d->conf;
	d->conf = nc;
	conf_free(&old);
	struct catalog *oldcat = d->catalog;
	d->catalog = cat;
	core_set_conf(d->core, &d->conf);
	core_set_catalog(d->core, d->catalog);
	http_ussd_reload(d->ussd_http, d->catalog, d->conf.ussd_http, d->conf.ussd_menu, d->conf.country,
			 d->conf.timezone);
	catalog_free(oldcat);
	tinbaod_log_setup(d);
	log_info("tinbaod: reloaded");
	notify_send("READY=1");
	core_kick(d->core);
}

static void tinbaod_on_usr1(void *ctx, int signo)
{
	struct tinbaod *d = ctx;
	(void)signo;
	core_kick(d->core);
}

/* A report confirmed through the USSD menu was committed as an inbound
 * message: dispatch stores it and queues the receipt SMS. */
static void tinbaod_on_ussd_report(void *ctx, int64_t message_id)
{
	struct tinbaod *d = ctx;
	(void)message_id;
	core_kick(d->core);
}

static void tinbaod_conf_error(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

int main(int argc, char **argv)
{
	struct tinbaod d = { .level_override = -1 };
	bool check = false;
	static const struct option longopts[] = {
		{ "syslog", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	const char *cpath = NULL;
	while ((opt = getopt_long(argc, argv, "c:tdvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': cpath = optarg; break;
		case 't': check = true; break;
		case 'd': d.level_override = LOG_LVL_DEBUG; break;
		case 'v': if (d.level_override < 0) d.level_override = LOG_LVL_INFO; break;
		case 'S': d.syslog_override = true; break;
		case 'h': tinbaod_usage(stdout); return 0;
		default: tinbaod_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		tinbaod_usage(stderr);
		return 2;
	}
	/* A SIGTERM that comes while the database and catalog are still
	 * opening waits (blocked) for the loop's signalfd and is then handled
	 * like any other: a clean exit, not death by signal. */
	sigset_t early;
	sigemptyset(&early);
	sigaddset(&early, SIGTERM);
	sigaddset(&early, SIGINT);
	sigaddset(&early, SIGHUP);
	sigaddset(&early, SIGUSR1);
	sigaddset(&early, SIGUSR2);
	if (!check)
		sigprocmask(SIG_BLOCK, &early, NULL);
	d.conf_path = conf_default_path(cpath);
	int nerr = conf_load(d.conf_path, &d.conf, tinbaod_conf_error, NULL);
	if (nerr) {
		fprintf(stderr, "tinbaod: %s: %d error(s)\n", d.conf_path, nerr);
		return 1;
	}
	if (check) {
		conf_print(&d.conf, stdout);
		conf_free(&d.conf);
		return 0;
	}
	tinbaod_log_setup(&d);
	/* Files we create (the database, its WAL) are ours alone. */
	umask(077);
	int rc = 1;
	char why[512];
	if (store_open(&d.store, d.conf.database, false, why, sizeof why) < 0) {
		log_err("tinbaod: database %s: %s", d.conf.database, why);
		goto out;
	}
	if (catalog_load(&d.catalog, d.conf.catalog, why, sizeof why) < 0) {
		log_err("tinbaod: catalog %s: %s", d.conf.catalog, why);
		goto out;
	}
	int seeded = store_users_seed(d.store, d.conf.users, d.conf.nusers, (int64_t)time(NULL));
	if (seeded < 0)
		log_warn("tinbaod: seeding users failed: %s", store_errmsg(d.store));
	d.loop = loop_new(false);
	if (!d.loop)
		goto out;
	loop_timer_init(&d.t_stop, tinbaod_on_stop_timeout, &d);
	loop_timer_init(&d.t_watchdog, tinbaod_on_watchdog, &d);
	if (loop_signal_add(d.loop, SIGTERM, tinbaod_on_term, &d) < 0 ||
	    loop_signal_add(d.loop, SIGINT, tinbaod_on_term, &d) < 0 ||
	    loop_signal_add(d.loop, SIGHUP, tinbaod_on_hup, &d) < 0 ||
	    loop_signal_add(d.loop, SIGUSR1, tinbaod_on_usr1, &d) < 0 ||
	    loop_signal_add(d.loop, SIGUSR2, tinbaod_on_usr2, &d) < 0) {
		log_err("tinbaod: cannot set up signals");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	d.core = core_new(d.loop, d.store, &d.conf, d.catalog);
	tinbaod_test_clock(&d);
	struct modem_conf mc;
	tinbaod_modem_conf(&d.conf, &mc);
	struct modem_cbs cbs = core_modem_cbs(d.core);
	d.modem = d.core ? modem_new(d.loop, &mc, &cbs) : NULL;
	if (!d.modem) {
		log_err("tinbaod: out of memory");
		goto out;
	}
	core_set_modem(d.core, d.modem);
	if (d.conf.ussd_http && d.conf.ussd_http->enabled) {
		struct http_ussd_env he = {
			.store = d.store, .catalog = d.catalog, .country = d.conf.country,
			.conf = d.conf.ussd_http, .menu = d.conf.ussd_menu,
			.on_report = tinbaod_on_ussd_report, .ctx = &d, .timezone = d.conf.timezone,
		};
		if (http_ussd_new(&d.ussd_http, &he, why, sizeof why) < 0 ||
		    http_ussd_attach(d.ussd_http, d.loop) < 0) {
			log_err("tinbaod: %s", why);
			goto out;
		}
		log_info("tinbaod: USSD menu on http://%s%s", d.conf.ussd_http->listen, d.conf.ussd_http->path);
	}
	log_info("tinbaod: started (database %s, modem %s)", d.conf.database, mc.device);
	store_event(d.store, (int64_t)time(NULL), "info", "daemon.start", mc.device);
	/* `tinbao send` signals the daemon whose pid is recorded here, instead
	 * of scanning /proc; this start supersedes whatever a crash left. Best
	 * effort: without it the CLI still finds us by the open database. */
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	if (store_health_set(d.store, "pid", pid, false, (int64_t)time(NULL)) < 0)
		log_warn("tinbaod: cannot record the pid: %s", store_errmsg(d.store));
	core_start(d.core);
	modem_start(d.modem);
	notify_send("READY=1");
	d.watchdog_ms = notify_watchdog_ms();
	if (d.watchdog_ms > 0)
		loop_timer_arm(d.loop, &d.t_watchdog, d.watchdog_ms);
	rc = loop_run(d.loop) < 0 ? 1 : 0;
	/* Only our own: a stale pid must not outlive the daemon it names. */
	store_health_clear(d.store, "pid", pid);
	store_event(d.store, (int64_t)time(NULL), "info", "daemon.stop", "clean exit");
	log_info("tinbaod: stopped");
out:
	http_ussd_free(d.ussd_http);
	modem_free(d.modem);
	core_free(d.core);
	loop_free(d.loop);
	catalog_free(d.catalog);
	store_close(d.store);
	conf_free(&d.conf);
	return rc;
}

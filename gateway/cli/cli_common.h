/* cli_common.h: what the admin subcommands share: the -c FILE option (or
 * $TINBAO_CONF, or /etc/tinbao/tinbao.conf), loading the configuration,
 * opening the database read-only (reads run while the daemon writes: WAL
 * and busy_timeout) or read-write, times shown in the configured zone, and
 * JSON lines. */
#ifndef TINBAO_CLI_COMMON_H
#define TINBAO_CLI_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct store;

struct cli_env {
	struct tinbao_conf conf;
	struct store *store;
	bool loaded;
};

/* Removes "-c FILE" / "--config FILE" / "--config=FILE" from argv (argv[0]
 * kept) and stores FILE in *path. Returns the new argc, or -1 after
 * printing an error (missing FILE). */
int cli_take_conf(int argc, char **argv, const char **path);

/* Loads the configuration (errors on stderr) and opens the database.
 * Read-only for reports; read-write creates and migrates it. Sets TZ to the
 * configured zone for cli_time(). Returns 0, or an exit status (1) after
 * printing why. */
int cli_open(struct cli_env *e, const char *conf_path, bool readwrite);
void cli_close(struct cli_env *e);	/* safe after a failed cli_open */

/* "2026-11-25T16:29:05+07:00" in the local (configured) zone; "-" for 0. */
void cli_time(int64_t t, char *buf, size_t len);
/* Prints obj compactly on one line on stdout and releases it. */
void cli_json_line(json_t *obj);
/* json null for 0, else the ISO time string. */
json_t *cli_json_time(int64_t t);

/* Option values: "--name VALUE" or "--name=VALUE" at argv[*i]. Returns 1
 * (value in *val, *i advanced past it), 0 when argv[*i] is another
 * option, -1 after printing an error (no value). */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);
/* A positive number for --limit; -1 when s is not one. */
int cli_parse_count(const char *s);

/* Asks a running tinbaod to look at its outbox now: SIGUSR1 to the pid the
 * daemon records as health key "pid", or else to the tinbaod process that
 * has db_path open. Returns true if one was signalled. */
bool cli_poke_daemon(struct store *s, const char *db_path);

#endif

/* cli_common.c: option handling, configuration and database opening, time
 * formatting and JSON output shared by the admin subcommands. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_common.h"
#include "store/store.h"
#include "store/store_health.h"

int cli_take_conf(int argc, char **argv, const char **path)
{
	int o = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tinbao: %s needs a file name\n", a);
				return -1;
			}
			*path = argv[++i];
		} else if (!strncmp(a, "--config=", 9)) {
			*path = a + 9;
		} else {
			argv[o++] = argv[i];
		}
	}
	argv[o] = NULL;
	return o;
}

int cli_open(struct cli_env *e, const char *conf_path, bool readwrite)
{
	memset(e, 0, sizeof *e);
	const char *path = conf_default_path(conf_path);
	int nerr = conf_load(path, &e->conf, NULL, NULL);
	if (nerr) {
		fprintf(stderr, "tinbao: %d error%s in %s (check with: tinbaod -t -c %s)\n", nerr,
			nerr == 1 ? "" : "s", path, path);
		return 1;
	}
	e->loaded = true;
	if (e->conf.timezone) {
		setenv("TZ", e->conf.timezone, 1);
		tzset();
	}
	char why[512];
	if (store_open(&e->store, e->conf.database, !readwrite, why, sizeof why) < 0) {
		if (!readwrite && access(e->conf.database, F_OK) < 0)
			fprintf(stderr, "tinbao: no database at %s yet (tinbaod creates it)\n",
				e->conf.database);
		else
			fprintf(stderr, "tinbao: %s\n", why);
		cli_close(e);
		return 1;
	}
	return 0;
}

void cli_close(struct cli_env *e)
{
	store_close(e->store);
	e->store = NULL;
	if (e->loaded)
		conf_free(&e->conf);
	e->loaded = false;
}

void cli_time(int64_t t, char *buf, size_t len)
{
	if (!t) {
		snprintf(buf, len, "-");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 3600,
		 off % 3600 / 60);
}

void cli_json_line(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(obj);
}

json_t *cli_json_time(int64_t t)
{
	if (!t)
		return json_null();
	char buf[40];
	cli_time(t, buf, sizeof buf);
	return json_string(buf);
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (!strncmp(a, name, n) && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (strcmp(a, name) != 0)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "tinbao: %s needs a value\n", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int cli_parse_count(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < 0 || v > 1000000000 ? -1 : (int)v;
}

static bool cli_is_tinbaod(long pid)
{
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof comm, f))
		comm[0] = 0;
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	return !strcmp(comm, "tinbaod");
}

/* Does process pid hold the file `db` open? (Same user or root only.) */
static bool cli_has_open(long pid, const char *db)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		char link[320], target[PATH_MAX];
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = 0;
			found = !strcmp(target, db);
		}
	}
	closedir(d);
	return found;
}

bool cli_poke_daemon(struct store *s, const char *db_path)
{
	char v[32];
	long pid = 0;
	char db[PATH_MAX];
	if (!db_path || !realpath(db_path, db))
		return false;
	/* The daemon records its pid (health key "pid"); one left by a crash
	 * may have been reused since, even by a tinbaod of another database,
	 * so only a tinbaod that has this database open is signalled. */
	if (store_health_get(s, "pid", v, sizeof v, NULL, NULL) == 1)
		pid = strtol(v, NULL, 10);
	if (pid > 1 && cli_is_tinbaod(pid) && cli_has_open(pid, db))
		return kill((pid_t)pid, SIGUSR1) == 0;
	/* Otherwise: the tinbaod that has this database open. */
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	bool sent = false;
	struct dirent *e;
	while (!sent && (e = readdir(d))) {
		char *end;
		long p = strtol(e->d_name, &end, 10);
		if (*end || p <= 1 || !cli_is_tinbaod(p) || !cli_has_open(p, db))
			continue;
		sent = kill((pid_t)p, SIGUSR1) == 0;
	}
	closedir(d);
	return sent;
}

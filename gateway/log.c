/* log.c: levels, stderr or syslog. The only process-wide state of the daemon
 * lives here, because a logger that had to be passed to every function would
 * be passed everywhere. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_level_now = LOG_LVL_INFO;
static bool log_syslog;
static bool log_journal;	/* stderr is not a tty: "<N>" prefixes, no time */

static const char *const log_names[] = { "error", "warn", "info", "debug" };
static const int log_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void log_init(const char *ident, enum log_level level, bool use_syslog)
{
	log_level_now = level;
	if (use_syslog && !log_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
	log_syslog = use_syslog;
	/* Under systemd, stderr goes to the journal which stamps the time and
	 * reads a "<N>" prefix as the priority; on a terminal a time is kinder. */
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_set_level(enum log_level level)
{
	log_level_now = level;
}

enum log_level log_get_level(void)
{
	return log_level_now;
}

bool log_enabled(enum log_level level)
{
	return level <= log_level_now;
}

bool log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++)
		if (name && !strcmp(name, log_names[i])) {
			*out = (enum log_level)i;
			return true;
		}
	return false;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (log_syslog) {
		syslog(log_prio[level], "%s", buf);
		return;
	}
	if (log_journal) {
		fprintf(stderr, "<%d>%s\n", log_prio[level], buf);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld %-5s %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, log_names[level], buf);
}

/* log.h: the daemon's log. Levels, to stderr (default, systemd style: one
 * line per event, with a "<N>" priority prefix understood by journald when
 * stderr is not a terminal) or to syslog. Never log a PIN or a person's name:
 * callers log phone numbers and ids only, and the modem masks AT+CPIN. */
#ifndef TINBAO_LOG_H
#define TINBAO_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* ident: program name shown in syslog. May be called again (SIGHUP). */
void log_init(const char *ident, enum log_level level, bool use_syslog);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);
/* "error", "warn", "info", "debug"; returns false when unknown. */
bool log_level_parse(const char *name, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) do { if (log_enabled(LOG_LVL_DEBUG)) log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

#endif

/* desk.h: what the office's admin subcommands (households, places,
 * summary, export, report) share: the clock (TINBAO_NOW=unix seconds fixes
 * it for tests), the zone's offset, the catalog named by the config, and
 * places and periods typed on the command line. */
#ifndef TINBAO_DESK_H
#define TINBAO_DESK_H

#include <stdint.h>

#include "lang/period.h"

struct catalog;
struct catalog_commune;
struct catalog_village;
struct tinbao_conf;

int64_t desk_now(void);
int desk_tz(const struct tinbao_conf *conf, int64_t now);
/* Loads conf->catalog; prints why on stderr and returns -1 on failure. */
int desk_catalog(const struct tinbao_conf *conf, struct catalog **out, const char *who);
/* A commune by code or name ("vo-tranh", "Vo Tranh", "Võ Tranh"), valid at
 * any time; NULL after printing a hint on stderr. */
const struct catalog_commune *desk_commune(const struct catalog *cat, const char *text,
					   const char *who);
/* A village by code, by code within commune, or by name within commune. */
const struct catalog_village *desk_village(const struct catalog *cat,
					   const struct catalog_commune *cm, const char *text,
					   const char *who);
/* A day "2026-11-05" or "5/11/2026"; -1 after printing on stderr. */
int desk_day(const char *text, int32_t *day, const char *who);

#endif

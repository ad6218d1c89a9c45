/* migrations.h: the schema history, embedded at build time from
 * gateway/store/migrations/NNN_name.sql (scripts/embed-migrations.sh). */
#ifndef TINBAO_STORE_MIGRATIONS_H
#define TINBAO_STORE_MIGRATIONS_H

struct store_migration {
	int version;		/* NNN of the file name; strictly increasing */
	const char *name;	/* file name without .sql */
	const char *sql;	/* whole file, run in one transaction */
};

/* Terminated by an entry with version 0. */
extern const struct store_migration store_migrations[];

#endif

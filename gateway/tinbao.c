/* tinbao.c: the admin command. Only the subcommand table lives here; each
 * subcommand is in gateway/cli/cli_<name>.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct subcommand subcommands[] = {
	{ "pdu", cli_pdu, "pdu decode HEX | pdu encode --to NUMBER TEXT" },
	{ "ussd", cli_ussd, "ussd decode [--charset CS] LINE | ussd encode CODE | ussd balance [--pattern ERE] TEXT | ussd credit [--json]" },
	{ "status", cli_status, "status [--json]" },
	{ "inbox", cli_inbox, "inbox [--json] [--replies] [--limit N]" },
	{ "outbox", cli_outbox, "outbox [--json] [--limit N]" },
	{ "send", cli_send, "send NUMBER TEXT" },
	{ "user", cli_user, "user add --phone P --role collaborator|staff|official|admin --name N [--commune C] [--village V] | user list [--json] | user disable|enable P" },
	{ "households", cli_households, "households import FILE.csv | list | coverage | show CODE | status CODE S | reach CODE PROJECT" },
	{ "places", cli_places, "places [--json] [--on DATE]" },
	{ "summary", cli_summary, "summary [--week 2026-W47] [--commune C] [--send]" },
	{ "export", cli_export, "export [--from D] [--to D] [--by commune|village|project|household] [--sep ,|;]" },
	{ "report", cli_report, "report --month 2026-11 [--names] > report.html" },
	{ "reports", cli_reports, "reports [--since DATE] [--until DATE] [--commune C] [--project P] [--all] [--json]" },
	{ NULL, NULL, NULL },
};

static int usage(FILE *f)
{
	fprintf(f, "usage: tinbao [-c FILE] COMMAND ...\n");
	for (const struct subcommand *c = subcommands; c->name; c++)
		fprintf(f, "  tinbao %s\n", c->usage);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	/* `tinbao -c FILE COMMAND ...`: subcommands read the path from
	 * $TINBAO_CONF (cli_common.c), so it may come before the command. */
	if (argc >= 3 && (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--config"))) {
		setenv("TINBAO_CONF", argv[2], 1);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	for (const struct subcommand *c = subcommands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "tinbao: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}

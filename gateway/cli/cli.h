/* cli.h: subcommands of the admin command `tinbao`. Each lives in its own
 * gateway/cli/cli_<name>.c and is listed in the table in gateway/tinbao.c.
 * argv[0] is the subcommand name. Return the process exit status. */
#ifndef TINBAO_CLI_H
#define TINBAO_CLI_H

int cli_pdu(int argc, char **argv);
int cli_ussd(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_inbox(int argc, char **argv);
int cli_outbox(int argc, char **argv);
int cli_send(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_reports(int argc, char **argv);

int cli_households(int argc, char **argv);
int cli_places(int argc, char **argv);
int cli_summary(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_report(int argc, char **argv);
#endif

/* cli_pdu.c: `tinbao pdu decode|encode` (placeholder until the codec lands). */
#include <stdio.h>

#include "cli/cli.h"

int cli_pdu(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tinbao pdu: not built yet\n");
	return 2;
}

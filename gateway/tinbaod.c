/* tinbaod.c: the gateway daemon (placeholder until issue 5 lands). */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "usage: %s [-t] [-c FILE]\n", argv[0]);
	return 2;
}

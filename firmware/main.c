/* main.c: tinbao-modem entry point (placeholder until issue 4 lands). */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "usage: %s run --link PATH | sms | sent | ussd | fault | status\n", argv[0]);
	return 2;
}

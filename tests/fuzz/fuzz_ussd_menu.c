/* fuzz_ussd_menu.c: properties of the USSD menu over the shipped catalog
 * for any `text` history:
 *  - the answer starts with "CON " exactly when the outcome is CONTINUE,
 *    else "END ", and never exceeds the 182-character page;
 *  - the same history always gives the same answer;
 *  - a submitted report is "BC <project> <CODE> <value>..." and stays the
 *    same whatever is typed after the end;
 *  - inputs and refusals are counted within bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lang/ussd_menu.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

static struct catalog *fz_cat;

static void fz_load(void)
{
	if (fz_cat)
		return;
	const char *root = getenv("TINBAO_ROOT");
	char path[1024], why[256];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root ? root : ".");
	if (catalog_load(&fz_cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz_ussd_menu: %s\n", why);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_load();
	char *text = malloc(size + 3);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';	/* a NUL inside ends the history, like the HTTP layer's strings */
	struct ussd_menu_result a, b;
	enum ussd_menu_outcome o = ussd_menu_step(fz_cat, NULL, text, &a);
	FUZZ_REQUIRE(o == a.outcome);
	FUZZ_REQUIRE(strlen(a.screen) <= USSD_MENU_SCREEN_DEFAULT);
	FUZZ_REQUIRE(strncmp(a.screen, o == USSD_MENU_CONTINUE ? "CON " : "END ", 4) == 0);
	FUZZ_REQUIRE(a.errors <= a.inputs);
	FUZZ_REQUIRE(a.inputs <= USSD_MENU_MAX_INPUTS + 1);
	ussd_menu_step(fz_cat, NULL, text, &b);
	FUZZ_REQUIRE(memcmp(&a, &b, sizeof a) == 0 || strcmp(a.screen, b.screen) == 0);
	if (o == USSD_MENU_SUBMIT) {
		FUZZ_REQUIRE(strncmp(a.report, "BC DA", 5) == 0);
		const char *sp = strchr(a.report + 3, ' ');
		FUZZ_REQUIRE(sp != NULL);	/* at least one value */
		char proj[32];
		snprintf(proj, sizeof proj, "%.*s", (int)(sp - (a.report + 3)), a.report + 3);
		FUZZ_REQUIRE(catalog_project_find(fz_cat, proj) != NULL);
	} else {
		FUZZ_REQUIRE(a.report[0] == '\0');
	}
	if (o == USSD_MENU_SUBMIT || o == USSD_MENU_CANCEL) {
		strcat(text, "*1");
		ussd_menu_step(fz_cat, NULL, text, &b);
		FUZZ_REQUIRE(b.outcome == o);
		FUZZ_REQUIRE(strcmp(a.report, b.report) == 0);
	}
	free(text);
	return 0;
}

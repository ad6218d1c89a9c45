/* fuzz_conf.c: properties of the configuration checker on any text.
 *  - conf_load_string() returns 0 or the number of errors it reported, each
 *    with a non-empty message; never both a configuration and errors;
 *  - a configuration that loads prints, and that print loads again and
 *    prints the same (canonical), unless a secret was masked in it;
 *  - conf_free() leaves nothing behind (LeakSanitizer).
 * Inputs with @include are skipped: they would read arbitrary files.
 * libconfig 1.5's scanner itself leaks on some syntax errors (strbuf_append,
 * libconfig_yylex; fixed upstream later): allocations made inside the
 * scanner are suppressed. That config_destroy() is always called is checked
 * by test_conf without suppressions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

struct seen {
	int n;
};

static void on_error(void *arg, const char *file, int line, const char *msg)
{
	struct seen *s = arg;
	FUZZ_REQUIRE(file && *file);
	FUZZ_REQUIRE(line >= 0);
	FUZZ_REQUIRE(msg && *msg);
	s->n++;
}

static char *print_of(const struct tinbao_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FUZZ_REQUIRE(f != NULL);
	conf_print(c, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (strstr(text, "@include")) {
		free(text);
		return 0;
	}
	struct tinbao_conf c;
	struct seen s = { 0 };
	int n = conf_load_string(text, "/fuzz/tinbao.conf", &c, on_error, &s);
	FUZZ_REQUIRE(n >= 0);
	FUZZ_REQUIRE(n == s.n);
	if (n == 0) {
		FUZZ_REQUIRE(c.modem.device && c.database && c.country && c.timezone);
		char *p1 = print_of(&c);
		if (!strstr(p1, "\"********\"")) {
			struct tinbao_conf c2;
			struct seen s2 = { 0 };
			int n2 = conf_load_string(p1, "/fuzz/tinbao.conf", &c2, on_error, &s2);
			if (n2 != 0)
				fprintf(stderr, "print does not reload:\n%s\n", p1);
			FUZZ_REQUIRE(n2 == 0);
			char *p2 = print_of(&c2);
			FUZZ_REQUIRE(strcmp(p1, p2) == 0);
			free(p2);
			conf_free(&c2);
		}
		free(p1);
		conf_free(&c);
	} else {
		/* Freed on error: every pointer is NULL again. */
		FUZZ_REQUIRE(c.modem.device == NULL && c.database == NULL && c.users == NULL);
	}
	free(text);
	return 0;
}

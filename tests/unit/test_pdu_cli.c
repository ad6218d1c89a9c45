/* test_pdu_cli.c: `tinbao pdu decode|encode` as a user sees it: one JSON
 * object with the fields issue 3 names (read back with jansson), one
 * "TPDULEN HEX" line per part, and a non-zero exit with a one-line reason
 * on bad input. cli_pdu() is called directly with stdout and stderr sent to
 * temporary files. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli/cli.h"
#include "sms/pdu.h"

static char out[65536], err[4096];

/* Runs cli_pdu with the words of argv, capturing both streams. */
static int run(const char *const *words)
{
	char *argv[32];
	int argc = 0;
	for (; words[argc] && argc < 31; argc++)
		argv[argc] = (char *)words[argc];
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	FILE *o = tmpfile(), *e = tmpfile();
	int so = dup(1), se = dup(2);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	int rc = cli_pdu(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(o);
	rewind(e);
	size_t n = fread(out, 1, sizeof out - 1, o);
	out[n] = '\0';
	n = fread(err, 1, sizeof err - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return rc;
}

static json_t *decode_json(const char *hex)
{
	const char *w[] = { "pdu", "decode", hex, NULL };
	if (run(w) != 0)
		return NULL;
	return json_loads(out, 0, NULL);
}

TEST(decode_deliver)
{
	json_t *j = decode_json("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37");
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "type")), "deliver");
	CHECK_STR(json_string_value(json_object_get(j, "smsc")), "+27381000015");
	CHECK_STR(json_string_value(json_object_get(j, "from")), "27838890001");
	CHECK_STR(json_string_value(json_object_get(j, "text")), "hellohello");
	CHECK_STR(json_string_value(json_object_get(j, "encoding")), "gsm7");
	CHECK_STR(json_string_value(json_object_get(j, "timestamp")), "1999-03-29T15:16:59+02:00");
	CHECK(json_is_null(json_object_get(j, "concat")));
	/* Exactly one line of output. */
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
	json_decref(j);
}

TEST(decode_concat_ucs2_and_report)
{
	json_t *j = decode_json("00440B914819325476F80008621152619250820A050003010201004100E9");
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "text")), "Aé");
	CHECK_STR(json_string_value(json_object_get(j, "encoding")), "ucs2");
	CHECK(json_is_null(json_object_get(j, "smsc")));
	json_t *c = json_object_get(j, "concat");
	CHECK_INT(json_integer_value(json_object_get(c, "ref")), 1);
	CHECK_INT(json_integer_value(json_object_get(c, "part")), 1);
	CHECK_INT(json_integer_value(json_object_get(c, "total")), 2);
	json_decref(j);
	j = decode_json("00062A0B914819325476F8621152619250826211526192538230");
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "type")), "status-report");
	CHECK_STR(json_string_value(json_object_get(j, "to")), "+84912345678");
	CHECK_INT(json_integer_value(json_object_get(j, "status")), 0x30);
	CHECK_INT(json_integer_value(json_object_get(j, "mr")), 42);
	CHECK_STR(json_string_value(json_object_get(j, "discharge_time")),
		  "2026-11-25T16:29:35+07:00");
	json_decref(j);
	/* 8-bit data comes as hex. */
	j = decode_json("00040B914819325476F8000462115261925082050102FF0400");
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "encoding")), "8bit");
	CHECK_STR(json_string_value(json_object_get(j, "data")), "0102FF0400");
	json_decref(j);
}

TEST(decode_errors)
{
	const char *bad[] = { "0", "zz", "07917283010010F5040BC872", "", NULL };
	for (int i = 0; bad[i]; i++) {
		const char *w[] = { "pdu", "decode", bad[i], NULL };
		CHECKF(run(w) != 0, "'%s' accepted", bad[i]);
		CHECKF(out[0] == '\0', "'%s': stdout '%s'", bad[i], out);
		CHECKF(strncmp(err, "tinbao pdu decode: ", 19) == 0 && strchr(err, '\n') == err + strlen(err) - 1,
		       "'%s': stderr '%s'", bad[i], err);
	}
	/* --len that disagrees with the PDU. */
	const char *w[] = { "pdu", "decode", "--len", "27",
			    "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", NULL };
	CHECK(run(w) != 0);
	CHECK(strstr(err, "do not add up") != NULL);
	const char *u[] = { "pdu", NULL };
	CHECK_INT(run(u), 2);
	const char *v[] = { "pdu", "frobnicate", NULL };
	CHECK_INT(run(v), 2);
}

TEST(encode_lines)
{
	const char *w[] = { "pdu", "encode", "--to", "+84912345678", "Hello world", NULL };
	CHECK_INT(run(w), 0);
	CHECK_STR(out, "23 0001000B914819325476F800000BC8329BFD06DDDF723619\n");
	/* Long Vietnamese: UCS-2, three parts, each line "LEN HEX" with LEN the
	 * TPDU octets (hex minus the 00 SMSC field). */
	char text[400] = "";
	for (int i = 0; i < 12; i++)
		strcat(text, "hộ nghèo giảm, ");
	const char *w2[] = { "pdu", "encode", "--to", "0912345678", "--ref", "300", "--ref16", text, NULL };
	CHECK_INT(run(w2), 0);
	int lines = 0;
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int len = atoi(l);
		char *hex = strchr(l, ' ');
		CHECK(hex != NULL);
		if (!hex)
			break;
		hex++;
		CHECKF((size_t)len * 2 + 2 == strlen(hex), "line %d: %d vs %zu", lines, len, strlen(hex));
		struct pdu_msg m;
		char why[200];
		CHECK_INT(pdu_decode(hex, strlen(hex), len, &m, why, sizeof why), 0);
		CHECK(m.concat.ref16 && m.concat.ref == 300);
		lines++;
	}
	CHECK_INT(lines, 3);
	/* Deliver form for fixtures. */
	const char *w3[] = { "pdu", "encode", "--from", "VIETTEL", "--alnum", "--smsc", "+84980200030",
			     "--time", "2026-11-25T16:29:05-03:30", "TKC 12500d", NULL };
	CHECK_INT(run(w3), 0);
	CHECK(strncmp(out, "29 07914889200030F0040DD0D664914A2D3201000062115261925049", 57) == 0);
	/* Errors: no number, both --to and --from, a bad time, a bad number. */
	const char *b1[] = { "pdu", "encode", "text", NULL };
	CHECK_INT(run(b1), 2);
	const char *b2[] = { "pdu", "encode", "--to", "1", "--from", "2", "x", NULL };
	CHECK_INT(run(b2), 2);
	const char *b3[] = { "pdu", "encode", "--from", "1", "--time", "2026-11-25", "x", NULL };
	CHECK_INT(run(b3), 2);
	const char *b4[] = { "pdu", "encode", "--to", "09x", "x", NULL };
	CHECK_INT(run(b4), 1);
	CHECK(strstr(err, "not allowed in a number") != NULL);
	const char *b5[] = { "pdu", "encode", "--to", "1414", "--gsm7", "đ", NULL };
	CHECK_INT(run(b5), 1);
}

int main(void)
{
	RUN(decode_deliver);
	RUN(decode_concat_ucs2_and_report);
	RUN(decode_errors);
	RUN(encode_lines);
	return check_done();
}

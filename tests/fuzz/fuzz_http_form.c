/* fuzz_http_form.c: the USSD gateway's HTTP form body, end to end below the
 * socket. The input is an application/x-www-form-urlencoded body as an
 * operator's USSD gateway would POST it; it is decoded the way
 * libmicrohttpd's post processor does (pairs split on '&', key and value on
 * the first '=', '+' is a space, %XX a byte, a later field replaces an
 * earlier one) and handed to http_ussd_answer() over a real SQLite store
 * with one registered collaborator. Properties:
 *  - the status is 200 or 400, never 500 (no fault is injected);
 *  - the answer is NUL-terminated inside the buffer, valid UTF-8, and
 *    starts with "CON " or "END ";
 *  - the same request again (an operator retry) gets the same answer and
 *    never commits a second report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "conf_ussd.h"
#include "http_ussd.h"
#include "sms/utf8.h"
#include "store/store.h"
#include "store/store_users.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

#define FZ_FIELD_MAX 512

static struct catalog *fz_cat;
static struct store *fz_store;
static char fz_db[256];
static int64_t fz_now = 1764000000;

static void fz_cleanup(void)
{
	store_close(fz_store);
	catalog_free(fz_cat);
	if (fz_db[0]) {
		char p[300];
		unlink(fz_db);
		snprintf(p, sizeof p, "%s-wal", fz_db);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", fz_db);
		unlink(p);
	}
}

static void fz_setup(void)
{
	if (fz_store)
		return;
	const char *root = getenv("TINBAO_ROOT");
	char path[1024], why[256];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root ? root : ".");
	if (catalog_load(&fz_cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz_http_form: %s\n", why);
		abort();
	}
	snprintf(fz_db, sizeof fz_db, "/tmp/fuzz_http_form.%d.db", (int)getpid());
	unlink(fz_db);
	if (store_open(&fz_store, fz_db, false, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz_http_form: %s\n", why);
		abort();
	}
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912345678");
	snprintf(u.name, sizeof u.name, "CTV");
	u.role = ROLE_COLLABORATOR;
	snprintf(u.commune, sizeof u.commune, "am-ha");
	snprintf(u.village, sizeof u.village, "am-ha/thon-1");
	u.active = true;
	if (store_user_put(fz_store, &u, fz_now) < 0)
		abort();
	atexit(fz_cleanup);
}

static int fz_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into out (at most outlen-1 bytes, then cut). A '%' not
 * followed by two hex digits stays as it is. Embedded NULs end the C string
 * early, as they would for the server's callbacks. */
static void fz_unescape(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		int c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && fz_hex(s[i + 1]) >= 0 && fz_hex(s[i + 2]) >= 0) {
			c = fz_hex(s[i + 1]) * 16 + fz_hex(s[i + 2]);
			i += 2;
		}
		out[o++] = (char)c;
	}
	out[o] = 0;
}

struct fz_form {
	char sid[FZ_FIELD_MAX], code[FZ_FIELD_MAX], phone[FZ_FIELD_MAX], text[FZ_FIELD_MAX];
	bool has_sid, has_code, has_phone, has_text;
};

static void fz_parse(const uint8_t *data, size_t size, struct fz_form *f)
{
	memset(f, 0, sizeof *f);
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		char key[64];
		fz_unescape(p, (size_t)((eq ? eq : pe) - p), key, sizeof key);
		const char *v = eq ? eq + 1 : pe;
		size_t vn = (size_t)(pe - v);
		if (!strcmp(key, "sessionId")) {
			fz_unescape(v, vn, f->sid, sizeof f->sid);
			f->has_sid = true;
		} else if (!strcmp(key, "serviceCode")) {
			fz_unescape(v, vn, f->code, sizeof f->code);
			f->has_code = true;
		} else if (!strcmp(key, "phoneNumber")) {
			fz_unescape(v, vn, f->phone, sizeof f->phone);
			f->has_phone = true;
		} else if (!strcmp(key, "text")) {
			fz_unescape(v, vn, f->text, sizeof f->text);
			f->has_text = true;
		}
		p = amp ? amp + 1 : end;
	}
}

static void fz_check_answer(int status, const char *out, size_t outlen)
{
	FUZZ_REQUIRE(status == 200 || status == 400);
	size_t n = strnlen(out, outlen);
	FUZZ_REQUIRE(n < outlen);
	FUZZ_REQUIRE(utf8_valid(out, n));
	FUZZ_REQUIRE(!strncmp(out, "CON ", 4) || !strncmp(out, "END ", 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_setup();
	struct fz_form f;
	fz_parse(data, size, &f);
	struct conf_ussd_http cf;
	memset(&cf, 0, sizeof cf);
	cf.timeout = 180;
	struct http_ussd_env env = { fz_store, fz_cat, "+84", &cf, NULL, NULL, NULL, NULL, NULL };
	struct http_ussd_req r = { f.has_sid ? f.sid : NULL, f.has_code ? f.code : NULL,
				   f.has_phone ? f.phone : NULL, f.has_text ? f.text : NULL };
	char out[1024], again[1024];
	int64_t id = -1, id2 = -1;
	int st = http_ussd_answer(&env, &r, fz_now, out, sizeof out, &id);
	fz_check_answer(st, out, sizeof out);
	FUZZ_REQUIRE(id >= 0);
	int st2 = http_ussd_answer(&env, &r, fz_now, again, sizeof again, &id2);
	fz_check_answer(st2, again, sizeof again);
	if (st == 200) {
		FUZZ_REQUIRE(st2 == 200);
		FUZZ_REQUIRE(!strcmp(out, again));
		FUZZ_REQUIRE(id2 == 0);	/* a retry never commits a second report */
	}
	fz_now++;
	return 0;
}

/* fw_sim.c: SIM storage, PIN state and the --state file (see fw_sim.h). */
#include "fw_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FW_SIM_MAGIC "tinbao-sim 1"

struct fw_sim *fw_sim_new(int sm, int me)
{
	if (sm < 1 || sm > FW_SIM_SLOTS_MAX || me < 1 || me > FW_SIM_SLOTS_MAX)
		return NULL;
	struct fw_sim *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->size[FW_MEM_SM] = sm;
	s->size[FW_MEM_ME] = me;
	for (int m = 0; m < FW_MEM_COUNT; m++) {
		s->slot[m] = calloc((size_t)s->size[m], sizeof(struct fw_sim_msg));
		if (!s->slot[m]) {
			fw_sim_free(s);
			return NULL;
		}
	}
	s->pin_state = FW_PIN_READY;
	s->pin_tries = FW_SIM_PIN_TRIES;
	s->puk_tries = FW_SIM_PUK_TRIES;
	snprintf(s->imsi, sizeof s->imsi, "452040123456789");
	snprintf(s->iccid, sizeof s->iccid, "89840480001234567890");
	return s;
}

void fw_sim_free(struct fw_sim *s)
{
	if (!s)
		return;
	for (int m = 0; m < FW_MEM_COUNT; m++)
		free(s->slot[m]);
	free(s);
}

const char *fw_mem_name(enum fw_mem m)
{
	switch (m) {
	case FW_MEM_SM: return "SM";
	case FW_MEM_ME: return "ME";
	case FW_MEM_COUNT: break;
	}
	return "?";
}

int fw_mem_parse(const char *name)
{
	if (!strcasecmp(name, "SM") || !strcasecmp(name, "MT"))
		return FW_MEM_SM;
	if (!strcasecmp(name, "ME"))
		return FW_MEM_ME;
	return -1;
}

bool fw_sim_in_range(const struct fw_sim *s, enum fw_mem m, int slot)
{
	return m < FW_MEM_COUNT && slot >= 0 && slot < s->size[m];
}

int fw_sim_store(struct fw_sim *s, enum fw_mem m, enum fw_stat stat, int tpdu_len, const char *hex)
{
	if (m >= FW_MEM_COUNT || strlen(hex) >= PDU_HEX_MAX)
		return -1;
	for (int i = 0; i < s->size[m]; i++) {
		struct fw_sim_msg *g = &s->slot[m][i];
		if (g->used)
			continue;
		g->used = true;
		g->stat = (uint8_t)stat;
		g->tpdu_len = tpdu_len;
		snprintf(g->hex, sizeof g->hex, "%s", hex);
		return i;
	}
	return -1;
}

struct fw_sim_msg *fw_sim_get(struct fw_sim *s, enum fw_mem m, int slot)
{
	if (!fw_sim_in_range(s, m, slot) || !s->slot[m][slot].used)
		return NULL;
	return &s->slot[m][slot];
}

void fw_sim_delete(struct fw_sim *s, enum fw_mem m, int slot)
{
	if (fw_sim_in_range(s, m, slot))
		memset(&s->slot[m][slot], 0, sizeof s->slot[m][slot]);
}

int fw_sim_used(const struct fw_sim *s, enum fw_mem m)
{
	int n = 0;
	for (int i = 0; m < FW_MEM_COUNT && i < s->size[m]; i++)
		n += s->slot[m][i].used;
	return n;
}

void fw_sim_set_pin(struct fw_sim *s, const char *pin, const char *puk)
{
	s->pin_enabled = pin && *pin;
	snprintf(s->pin, sizeof s->pin, "%s", s->pin_enabled ? pin : "");
	snprintf(s->puk, sizeof s->puk, "%s", puk && *puk ? puk : "12345678");
	fw_sim_power_on(s);
}

void fw_sim_power_on(struct fw_sim *s)
{
	/* A locked SIM stays locked across power cycles; a PIN SIM asks again. */
	if (s->pin_state == FW_PIN_PUK || s->pin_state == FW_PIN_BLOCKED)
		return;
	s->pin_state = s->pin_enabled ? FW_PIN_PIN : FW_PIN_READY;
}

static bool fw_sim_pin_syntax(const char *p)
{
	size_t n = strlen(p);
	if (n < 4 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

enum fw_pin_result fw_sim_enter(struct fw_sim *s, const char *code, const char *newpin)
{
	switch (s->pin_state) {
	case FW_PIN_READY:
		return FW_PIN_BAD_ARG;
	case FW_PIN_BLOCKED:
		return FW_PIN_NOW_BLOCKED;
	case FW_PIN_PIN:
		if (!strcmp(code, s->pin)) {
			s->pin_state = FW_PIN_READY;
			s->pin_tries = FW_SIM_PIN_TRIES;
			return FW_PIN_OK;
		}
		if (--s->pin_tries > 0)
			return FW_PIN_WRONG;
		s->pin_state = FW_PIN_PUK;
		return FW_PIN_NOW_PUK;
	case FW_PIN_PUK:
		if (!newpin || !fw_sim_pin_syntax(newpin))
			return FW_PIN_BAD_ARG;
		if (!strcmp(code, s->puk)) {
			snprintf(s->pin, sizeof s->pin, "%s", newpin);
			s->pin_enabled = true;
			s->pin_state = FW_PIN_READY;
			s->pin_tries = FW_SIM_PIN_TRIES;
			s->puk_tries = FW_SIM_PUK_TRIES;
			return FW_PIN_OK;
		}
		if (--s->puk_tries > 0)
			return FW_PIN_WRONG;
		s->pin_state = FW_PIN_BLOCKED;
		return FW_PIN_NOW_BLOCKED;
	}
	return FW_PIN_BAD_ARG;
}

uint8_t fw_sim_next_mr(struct fw_sim *s)
{
	return ++s->mr;
}

static const char *fw_pin_state_word(enum fw_pin_state p)
{
	switch (p) {
	case FW_PIN_READY: return "ready";
	case FW_PIN_PIN: return "pin";
	case FW_PIN_PUK: return "puk";
	case FW_PIN_BLOCKED: return "blocked";
	}
	return "ready";
}

int fw_sim_format(const struct fw_sim *s, struct fw_buf *out)
{
	int r = fw_buf_printf(out, FW_SIM_MAGIC "\npin %s %d %d %s %s\nmr %u\n",
			      fw_pin_state_word(s->pin_state), s->pin_tries, s->puk_tries,
			      s->pin_enabled ? s->pin : "-", s->puk, s->mr);
	for (int m = 0; m < FW_MEM_COUNT && r == 0; m++)
		for (int i = 0; i < s->size[m] && r == 0; i++) {
			const struct fw_sim_msg *g = &s->slot[m][i];
			if (g->used)
				r = fw_buf_printf(out, "msg %s %d %u %d %s\n", fw_mem_name((enum fw_mem)m),
						  i, g->stat, g->tpdu_len, g->hex);
		}
	return r;
}

static int fw_sim_fail(char *why, size_t whylen, int line, const char *what)
{
	if (why && whylen)
		snprintf(why, whylen, "line %d: %s", line, what);
	return -1;
}

int fw_sim_parse(struct fw_sim *s, const char *text, char *why, size_t whylen)
{
	const char *p = text;
	int line = 0;
	bool magic = false;
	for (int m = 0; m < FW_MEM_COUNT; m++)
		memset(s->slot[m], 0, (size_t)s->size[m] * sizeof(struct fw_sim_msg));
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char l[PDU_HEX_MAX + 64];
		line++;
		if (n >= sizeof l)
			return fw_sim_fail(why, whylen, line, "line too long");
		memcpy(l, p, n);
		l[n] = '\0';
		p += n + (e ? 1 : 0);
		if (!magic) {
			if (strcmp(l, FW_SIM_MAGIC))
				return fw_sim_fail(why, whylen, line, "not a tinbao-modem state file");
			magic = true;
			continue;
		}
		char w1[16], w2[16], w3[PDU_HEX_MAX], pin[9], puk[9];
		int a, b, c;
		unsigned u;
		if (!n) {
			continue;
		} else if (sscanf(l, "pin %15s %d %d %8s %8s", w1, &a, &b, pin, puk) == 5) {
			if (!strcmp(w1, "ready")) s->pin_state = FW_PIN_READY;
			else if (!strcmp(w1, "pin")) s->pin_state = FW_PIN_PIN;
			else if (!strcmp(w1, "puk")) s->pin_state = FW_PIN_PUK;
			else if (!strcmp(w1, "blocked")) s->pin_state = FW_PIN_BLOCKED;
			else return fw_sim_fail(why, whylen, line, "unknown PIN state");
			s->pin_tries = a;
			s->puk_tries = b;
			s->pin_enabled = strcmp(pin, "-") != 0;
			snprintf(s->pin, sizeof s->pin, "%s", s->pin_enabled ? pin : "");
			snprintf(s->puk, sizeof s->puk, "%s", puk);
		} else if (sscanf(l, "mr %u", &u) == 1 && u < 256) {
			s->mr = (uint8_t)u;
		} else if (sscanf(l, "msg %15s %d %d %d %376s", w2, &a, &b, &c, w3) == 5) {
			int m = fw_mem_parse(w2);
			if (m < 0 || !fw_sim_in_range(s, (enum fw_mem)m, a))
				return fw_sim_fail(why, whylen, line, "slot out of range for this SIM");
			if (b < 0 || b > 3 || c < 0 || c > 176)
				return fw_sim_fail(why, whylen, line, "bad status or length");
			struct fw_sim_msg *g = &s->slot[m][a];
			g->used = true;
			g->stat = (uint8_t)b;
			g->tpdu_len = c;
			snprintf(g->hex, sizeof g->hex, "%s", w3);
		} else {
			return fw_sim_fail(why, whylen, line, "unknown line");
		}
	}
	if (!magic)
		return fw_sim_fail(why, whylen, 1, "empty state file");
	return 0;
}

int fw_sim_save(const struct fw_sim *s, const char *path, char *why, size_t whylen)
{
	struct fw_buf b;
	char tmp[4096];
	fw_buf_init(&b);
	if (fw_sim_format(s, &b) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : 0;
	for (size_t off = 0; rc == 0 && off < b.len;) {
		ssize_t w = write(fd, b.p + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	/* fsync before rename: after a crash the file is the old or the new one. */
	if (rc == 0 && fsync(fd) < 0)
		rc = -1;
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	fw_buf_free(&b);
	return rc;
}

int fw_sim_load(struct fw_sim *s, const char *path, char *why, size_t whylen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct fw_buf b;
	char chunk[4096];
	size_t n;
	int rc = 0;
	fw_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (fw_buf_add(&b, chunk, n) < 0)
			rc = -1;
	fclose(f);
	if (rc < 0 || !b.p) {
		snprintf(why, whylen, "%s: %s", path, rc < 0 ? "too large" : "empty");
		fw_buf_free(&b);
		return -1;
	}
	char sub[200];
	rc = fw_sim_parse(s, b.p, sub, sizeof sub);
	if (rc < 0)
		snprintf(why, whylen, "%s: %s", path, sub);
	fw_buf_free(&b);
	return rc;
}

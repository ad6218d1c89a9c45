/* fw_fault.c: fault names, deadlines and line noise (see fw_fault.h). */
#include "fw_fault.h"

#include <string.h>

static const char *const fw_fault_names[FW_FAULT_KINDS] = {
	"hang", "garbage", "unplug", "cms-error", "slow", "no-network", "reset",
};

void fw_fault_init(struct fw_fault *f, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	f->hang_until = f->unplug_until = f->nonet_until = FW_FAULT_NONE;
	f->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
}

int fw_fault_parse(const char *name)
{
	for (int i = 0; i < FW_FAULT_KINDS; i++)
		if (!strcmp(name, fw_fault_names[i]))
			return i;
	return -1;
}

const char *fw_fault_name(enum fw_fault_kind k)
{
	return k < FW_FAULT_KINDS ? fw_fault_names[k] : "?";
}

static uint64_t fw_fault_rand(struct fw_fault *f)
{
	/* xorshift64*: repeatable for a given --seed. */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1Dull;
}

void fw_fault_garbage(struct fw_fault *f, uint8_t *buf, size_t n)
{
	static const char *const bits[] = { "\r\n", "OK", "+CMTI: \"SM\",", "ERROR", "> ", "+CMS ERR" };
	size_t i = 0;
	while (i < n) {
		uint64_t r = fw_fault_rand(f);
		if (r % 5 == 0) {
			const char *s = bits[(r >> 8) % (sizeof bits / sizeof bits[0])];
			for (size_t k = 0; s[k] && i < n; k++)
				buf[i++] = (uint8_t)s[k];
		} else {
			buf[i++] = (uint8_t)(r >> 24);
		}
	}
}

int64_t fw_fault_next_deadline(const struct fw_fault *f)
{
	int64_t t = f->hang_until;
	if (f->unplug_until < t)
		t = f->unplug_until;
	if (f->nonet_until < t)
		t = f->nonet_until;
	return t;
}

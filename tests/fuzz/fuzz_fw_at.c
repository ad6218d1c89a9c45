/* fuzz_fw_at.c: the firmware's AT interpreter fed arbitrary bytes from a
 * client, with the network delivering and time passing. Properties: no
 * crash or sanitizer report, output stays bounded, and afterwards the
 * modem still answers "ATQ0V1E0" with exactly OK (it never wedges). */
#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "fw_at.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_sim *sim = fw_sim_new(3, 4);
	struct fw_net *net = fw_net_new();
	struct fw_at a;
	int64_t now = 1000;
	const char *profile = size && (data[0] & 1) ? "sim800" : "ec25";
	fw_at_init(&a, fw_profile_find(profile), sim, net, now);
	a.wall = (struct pdu_time){ 2026, 11, 25, 9, 30, 0, 28 };
	a.cnma_timeout_ms = 50;
	fw_net_ussd_set(net, "*100#", "menu", true);

	/* Feed in chunks cut at 0xFE bytes; between chunks the network
	 * delivers a message and 40 ms pass. */
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != 0xFE)
			continue;
		fw_at_feed(&a, data + start, i - start, now);
		struct fw_net_sms_opts o = { .from = "+84912345678", .text = "fuzz", .force = -1,
					     .ref = -1, .scts = a.wall };
		char why[128];
		if ((i & 3) == 0)
			fw_net_deliver(net, &o, why, sizeof why);
		now += 40;
		fw_at_tick(&a, now);
		assert(a.out.len < FW_BUF_MAX);
		fw_buf_clear(&a.out);
		start = i + 1;
	}

	/* Let every timer run out, then get back to a clean command line. */
	now += 60000;
	fw_at_tick(&a, now);
	a.sreg[3] = 13;
	a.sreg[5] = 8;
	/* ESC leaves a prompt; CR ends a partial line (which may open a
	 * prompt: AT+CMGS=...); ESC again leaves that one. */
	fw_at_feed(&a, (const uint8_t *)"\x1b\r\x1b", 3, now);
	fw_at_tick(&a, now);
	a.sreg[3] = 13;	/* that last line may have set S3 again */
	a.sreg[5] = 8;
	a.echo = false;
	fw_buf_clear(&a.out);
	fw_at_feed(&a, (const uint8_t *)"ATQ0V1E0\r", 9, now);
	if (!a.out.p || strcmp(a.out.p, "\r\nOK\r\n"))
		fprintf(stderr, "got [%s]\n", a.out.p ? a.out.p : "(null)");
	assert(a.out.p && !strcmp(a.out.p, "\r\nOK\r\n"));

	fw_at_fini(&a);
	fw_sim_free(sim);
	fw_net_free(net);
	return 0;
}

/* test_fw_sim.c: the firmware's SIM (firmware/fw_sim.c): slots, PIN and
 * PUK, and the --state text format (round trip, bad files, atomic save). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fw_sim.h"

TEST(slots)
{
	struct fw_sim *s = fw_sim_new(2, 1);
	CHECK(s);
	CHECK(!fw_sim_new(0, 1));
	CHECK(!fw_sim_new(1, FW_SIM_SLOTS_MAX + 1));
	CHECK_INT(fw_sim_store(s, FW_MEM_SM, FW_STAT_REC_UNREAD, 3, "00AABBCC"), 0);
	CHECK_INT(fw_sim_store(s, FW_MEM_SM, FW_STAT_REC_UNREAD, 3, "00AABBCD"), 1);
	CHECK_INT(fw_sim_store(s, FW_MEM_SM, FW_STAT_REC_UNREAD, 3, "00AABBCE"), -1);	/* full */
	CHECK_INT(fw_sim_store(s, FW_MEM_ME, FW_STAT_STO_SENT, 3, "00AABBCF"), 0);
	CHECK_INT(fw_sim_used(s, FW_MEM_SM), 2);
	fw_sim_delete(s, FW_MEM_SM, 0);
	CHECK(!fw_sim_get(s, FW_MEM_SM, 0));
	CHECK(!fw_sim_get(s, FW_MEM_SM, 7));
	CHECK(!fw_sim_in_range(s, FW_MEM_SM, -1));
	CHECK_INT(fw_sim_store(s, FW_MEM_SM, FW_STAT_REC_READ, 3, "00AABBD0"), 0);	/* first free */
	CHECK_STR(fw_sim_get(s, FW_MEM_SM, 0)->hex, "00AABBD0");
	CHECK_INT(fw_mem_parse("sm"), FW_MEM_SM);
	CHECK_INT(fw_mem_parse("MT"), FW_MEM_SM);
	CHECK_INT(fw_mem_parse("SR"), -1);
	fw_sim_free(s);
	fw_sim_free(NULL);
}

TEST(pin_puk)
{
	struct fw_sim *s = fw_sim_new(1, 1);
	fw_sim_set_pin(s, "1234", NULL);
	CHECK_INT(s->pin_state, FW_PIN_PIN);
	CHECK_INT(fw_sim_enter(s, "1111", NULL), FW_PIN_WRONG);
	CHECK_INT(fw_sim_enter(s, "1234", NULL), FW_PIN_OK);
	CHECK_INT(s->pin_tries, FW_SIM_PIN_TRIES);	/* a right PIN resets the count */
	fw_sim_power_on(s);
	CHECK_INT(s->pin_state, FW_PIN_PIN);
	CHECK_INT(fw_sim_enter(s, "0000", NULL), FW_PIN_WRONG);
	CHECK_INT(fw_sim_enter(s, "0000", NULL), FW_PIN_WRONG);
	CHECK_INT(fw_sim_enter(s, "0000", NULL), FW_PIN_NOW_PUK);
	fw_sim_power_on(s);
	CHECK_INT(s->pin_state, FW_PIN_PUK);		/* survives power cycles */
	CHECK_INT(fw_sim_enter(s, "12345678", NULL), FW_PIN_BAD_ARG);
	CHECK_INT(fw_sim_enter(s, "12345678", "12"), FW_PIN_BAD_ARG);	/* new PIN too short */
	CHECK_INT(fw_sim_enter(s, "87654321", "4321"), FW_PIN_WRONG);
	CHECK_INT(fw_sim_enter(s, "12345678", "4321"), FW_PIN_OK);
	CHECK_STR(s->pin, "4321");
	fw_sim_power_on(s);
	for (int i = 0; i < FW_SIM_PIN_TRIES; i++)
		fw_sim_enter(s, "0000", NULL);
	fw_sim_power_on(s);
	for (int i = 0; i < FW_SIM_PUK_TRIES - 1; i++)
		CHECK_INT(fw_sim_enter(s, "00000000", "1111"), FW_PIN_WRONG);
	CHECK_INT(fw_sim_enter(s, "00000000", "1111"), FW_PIN_NOW_BLOCKED);
	CHECK_INT(fw_sim_enter(s, "12345678", "1111"), FW_PIN_NOW_BLOCKED);
	fw_sim_free(s);
}

TEST(state_round_trip)
{
	struct fw_sim *a = fw_sim_new(5, 5), *b = fw_sim_new(5, 5);
	struct fw_buf t1, t2;
	char why[128];
	fw_buf_init(&t1);
	fw_buf_init(&t2);
	fw_sim_set_pin(a, "2468", "11112222");
	fw_sim_enter(a, "0000", NULL);
	fw_sim_store(a, FW_MEM_SM, FW_STAT_REC_READ, 4, "0011223344");
	fw_sim_store(a, FW_MEM_SM, FW_STAT_REC_UNREAD, 4, "0011223355");
	fw_sim_delete(a, FW_MEM_SM, 0);
	fw_sim_store(a, FW_MEM_ME, FW_STAT_STO_UNSENT, 4, "0011223366");
	fw_sim_next_mr(a);
	CHECK_INT(fw_sim_format(a, &t1), 0);
	CHECK_INT(fw_sim_parse(b, t1.p, why, sizeof why), 0);
	CHECK_INT(fw_sim_format(b, &t2), 0);
	CHECK_STR(t2.p, t1.p);
	CHECK_INT(b->pin_tries, 2);
	CHECK_INT(b->mr, 1);
	CHECK(!fw_sim_get(b, FW_MEM_SM, 0));
	CHECK_STR(fw_sim_get(b, FW_MEM_SM, 1)->hex, "0011223355");

	/* Atomic save and load through a file. */
	char dir[] = "/tmp/tinbao-fwsim-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/state", dir);
	struct fw_sim *c = fw_sim_new(5, 5);
	CHECK_INT(fw_sim_load(c, path, why, sizeof why), 0);	/* missing: a new SIM */
	CHECK_INT(fw_sim_save(a, path, why, sizeof why), 0);
	CHECK_INT(access(path, F_OK), 0);
	snprintf(why, sizeof why, "%s.tmp", path);
	CHECK(access(why, F_OK) != 0);
	CHECK_INT(fw_sim_load(c, path, why, sizeof why), 0);
	CHECK_STR(fw_sim_get(c, FW_MEM_ME, 0)->hex, "0011223366");
	unlink(path);
	rmdir(dir);
	fw_sim_free(c);
	fw_buf_free(&t1);
	fw_buf_free(&t2);
	fw_sim_free(a);
	fw_sim_free(b);
}

TEST(state_rejects)
{
	static const char *bad[] = {
		"",
		"not a state file\n",
		"tinbao-sim 1\nmsg SM 9 0 4 00112233\n",	/* slot beyond a 5-slot SIM */
		"tinbao-sim 1\nmsg XX 0 0 4 00112233\n",
		"tinbao-sim 1\nmsg SM 0 7 4 00112233\n",	/* no such status */
		"tinbao-sim 1\npin weird 3 10 - 12345678\n",
		"tinbao-sim 1\nfoo\n",
	};
	struct fw_sim *s = fw_sim_new(5, 5);
	char why[128];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECKF(fw_sim_parse(s, bad[i], why, sizeof why) < 0, "row %zu accepted", i);
		CHECKF(why[0] != '\0', "row %zu without a reason", i);
	}
	fw_sim_free(s);
}

int main(void)
{
	RUN(slots);
	RUN(pin_puk);
	RUN(state_round_trip);
	RUN(state_rejects);
	return check_done();
}

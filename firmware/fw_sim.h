/* fw_sim.h: the SIM card of tinbao-modem: message storage with fixed slots
 * and a status per slot (27.005 <stat>), the PIN / PUK state machine and the
 * message reference counter. The storage survives restarts through a small
 * text file written atomically (fw_sim_save / fw_sim_load); fw_sim_format
 * and fw_sim_parse are the pure halves of that. */
#ifndef TINBAO_FW_SIM_H
#define TINBAO_FW_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw_buf.h"
#include "sms/pdu.h"

enum fw_mem { FW_MEM_SM, FW_MEM_ME, FW_MEM_COUNT };

/* 27.005 <stat> values in PDU mode. */
enum fw_stat { FW_STAT_REC_UNREAD = 0, FW_STAT_REC_READ = 1, FW_STAT_STO_UNSENT = 2,
	       FW_STAT_STO_SENT = 3 };

enum fw_pin_state { FW_PIN_READY, FW_PIN_PIN, FW_PIN_PUK, FW_PIN_BLOCKED };

enum fw_pin_result { FW_PIN_OK, FW_PIN_WRONG, FW_PIN_NOW_PUK, FW_PIN_NOW_BLOCKED, FW_PIN_BAD_ARG };

struct fw_sim_msg {
	bool used;
	uint8_t stat;		/* enum fw_stat */
	int tpdu_len;		/* TPDU octets (SMSC prefix excluded) */
	char hex[PDU_HEX_MAX];	/* SMSC prefix + TPDU, upper-case hex */
};

#define FW_SIM_PIN_TRIES 3
#define FW_SIM_PUK_TRIES 10

struct fw_sim {
	struct fw_sim_msg *slot[FW_MEM_COUNT];
	int size[FW_MEM_COUNT];
	enum fw_pin_state pin_state;
	bool pin_enabled;
	char pin[9], puk[9];
	int pin_tries, puk_tries;	/* attempts left */
	uint8_t mr;		/* last TP-MR handed out */
	char imsi[16], iccid[21];
};

/* Real SIMs hold 10..255 messages; tests may ask for more (a backlog of a
 * thousand messages without deletions), up to this. */
#define FW_SIM_SLOTS_MAX 1000

/* sm, me: slots per memory (1..FW_SIM_SLOTS_MAX). NULL when out of range
 * or out of memory. */
struct fw_sim *fw_sim_new(int sm, int me);
void fw_sim_free(struct fw_sim *s);

const char *fw_mem_name(enum fw_mem m);		/* "SM", "ME" */
int fw_mem_parse(const char *name);		/* enum fw_mem or -1 ("MT" is SM) */

/* Stores a message in the first free slot; returns the 0-based slot or -1
 * when the memory is full. */
int fw_sim_store(struct fw_sim *s, enum fw_mem m, enum fw_stat stat, int tpdu_len, const char *hex);
/* NULL when slot is out of range or empty. */
struct fw_sim_msg *fw_sim_get(struct fw_sim *s, enum fw_mem m, int slot);
bool fw_sim_in_range(const struct fw_sim *s, enum fw_mem m, int slot);
void fw_sim_delete(struct fw_sim *s, enum fw_mem m, int slot);
int fw_sim_used(const struct fw_sim *s, enum fw_mem m);

/* Sets the PIN: an empty or NULL pin disables PIN checking. */
void fw_sim_set_pin(struct fw_sim *s, const char *pin, const char *puk);
/* The SIM's state after power-on: a PIN-protected SIM asks for it again. */
void fw_sim_power_on(struct fw_sim *s);
/* AT+CPIN="pin" or AT+CPIN="puk","newpin" depending on the state. */
enum fw_pin_result fw_sim_enter(struct fw_sim *s, const char *code, const char *newpin);
uint8_t fw_sim_next_mr(struct fw_sim *s);

/* Text form of the storage, PIN state and MR (the --state file). */
int fw_sim_format(const struct fw_sim *s, struct fw_buf *out);
/* Replaces the storage from that text. Returns 0, or -1 with why. Slots
 * beyond the current sizes are refused. */
int fw_sim_parse(struct fw_sim *s, const char *text, char *why, size_t whylen);
/* File I/O: save writes PATH.tmp, fsyncs and renames it over PATH; load of
 * a missing file is not an error (a new SIM). */
int fw_sim_save(const struct fw_sim *s, const char *path, char *why, size_t whylen);
int fw_sim_load(struct fw_sim *s, const char *path, char *why, size_t whylen);

#endif

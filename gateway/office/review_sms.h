/* review_sms.h: the household form of the review message, a pure parser
 * and the reply texts (no I/O, no globals):
 *
 *   RS MAHO 0123 CN                       household 0123 is now near-poor
 *   RS MAHO 0123 thoat ngheo MAHO 0456 HN ngay 20/11
 *   RS MAHO 0123 0456 cận nghèo           one status for several codes
 *
 * Status words, with or without diacritics (matching the CLI's statuses):
 * HN / ngheo / ho ngheo; CN / can ngheo / ho can ngheo; TN / thoat ngheo /
 * moi thoat ngheo; KN / khong (no longer poor or near-poor). One typo in a
 * word of five letters or more (not its first) is accepted when only one
 * status is that near. The day comes from "ngay D/M[/YYYY]", else it is the
 * day received. Whether the codes exist and who may change them is the
 * handler's business (office_sms.c): it adds its problems with
 * review_sms_problem() so that one reply names every problem. */
#ifndef TINBAO_REVIEW_SMS_H
#define TINBAO_REVIEW_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "office/households.h"

#define REVIEW_SMS_CHANGES 8	/* households one message may change */
#define REVIEW_SMS_PROBLEMS 6
#define REVIEW_SMS_PROBLEM_LEN 72
#define REVIEW_SMS_REPLY 161	/* one GSM 7-bit SMS and its NUL */

struct review_change {
	char code[HH_CODE_MAX];	/* as typed (ASCII-folded) */
	enum hh_status status;
};

struct review_sms {
	struct review_change changes[REVIEW_SMS_CHANGES];
	int n;
	int32_t day;		/* local day number: "ngay" or today */
	bool day_given;
	char problems[REVIEW_SMS_PROBLEMS][REVIEW_SMS_PROBLEM_LEN];
	int nproblems;
	int more_problems;	/* problems beyond REVIEW_SMS_PROBLEMS */
};

/* True when the text is a review naming households: "RS ... MAHO ..." (or
 * "MA HO"), any case, with or without diacritics. */
bool review_sms_names_households(const char *text, size_t len);

/* Parses the whole message (the "TEST" prefix and the RS keyword included)
 * received on local day `today`. Returns the number of problems (0: every
 * change may go ahead, subject to the handler's checks). Never fails on bad
 * input; out is always filled. */
int review_sms_parse(const char *text, size_t len, int32_t today, struct review_sms *out);

/* Adds a problem (printf-style, ASCII, short). */
void review_sms_problem(struct review_sms *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "Chua luu: 1) ...; 2) .... Mau: RS MAHO 0123 CN" in one SMS (len at
 * least REVIEW_SMS_REPLY; the text is at most 160 characters). */
void review_sms_format_problems(const struct review_sms *r, char *buf, size_t len);

/* The read-back: "Da ghi ra soat 20/11/2026: 0123 can ngheo, 0456 ngheo."
 * (training: "TEST (khong tinh): ..."), shortened to fit 160 characters. */
void review_sms_format_receipt(const struct review_sms *r, bool training, char *buf, size_t len);

/* The status as a short reply word: "ngheo", "can ngheo", "thoat ngheo",
 * "khong ngheo". */
const char *review_sms_status_word(enum hh_status s);

#endif

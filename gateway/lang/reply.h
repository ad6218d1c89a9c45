/* reply.h: every text the gateway answers a collaborator with, built to fit
 * one SMS: 160 GSM 7-bit characters unaccented (the default), or, with the
 * catalog's `reports.diacritics` switch, accented Vietnamese when it still
 * fits one UCS-2 segment (70 characters) and unaccented otherwise. Receipts
 * read the report back (reference, project, place, date, values); problem
 * replies name every problem with the nearest valid form, dropping the
 * least important parts when space runs out. Pure. */
#ifndef TINBAO_REPLY_H
#define TINBAO_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/report_parse.h"

#define REPLY_MAX 161		/* 160 characters + NUL (ASCII) */
#define REPLY_BUF 400		/* room for the accented UTF-8 form */

struct reply_style {
	bool diacritics;
};

/* The fixed messages. */
enum reply_msg {
	REPLY_UNREGISTERED,	/* "So nay chua dang ky. Dang ky: DK ..." */
	REPLY_PENDING,		/* registered, waiting for approval */
	REPLY_DISABLED,		/* user switched off */
	REPLY_UNKNOWN_CMD,	/* %s: the word; %s: "did you mean" or "" */
	REPLY_NOT_PERMITTED,	/* %s: the command */
	REPLY_DK_OK,		/* %s name, %s place */
	REPLY_DK_ALREADY,	/* %s place */
	REPLY_DUYET_OK,		/* %s phone, %s name, %s place (to the staff member) */
	REPLY_DUYET_WELCOME,	/* to the approved collaborator */
	REPLY_DUYET_NOTFOUND,	/* %s phone */
	REPLY_DUYET_ALREADY,	/* %s phone */
	REPLY_REF_NOTFOUND,	/* %s ref */
	REPLY_REF_NOT_AUTHOR,	/* %s ref */
	REPLY_REF_CANCELLED,	/* %s ref */
	REPLY_HUY_OK,		/* %s ref, %s summary "DA4.1 Thon 3 Vo Tranh 20/11" */
	REPLY_EMPTY,		/* an empty message */
};

/* Writes the fixed message (args as listed above) into out; returns its
 * length. out must hold REPLY_BUF bytes. */
size_t reply_format(enum reply_msg msg, const struct reply_style *st, char *out, size_t outlen, ...);

/* The receipt of a stored report: "Da nhan K7QD: DA4.1 Thon 3 Vo Tranh
 * 20/11/2026 LOP 1 HV 25 HN 10 ... Sai? SUA K7QD HV 26". version > 1 says
 * "Da sua". r carries project, place, day, values, training. */
size_t reply_receipt(const struct report *r, const char *ref, int version,
		     const struct reply_style *st, char *out, size_t outlen);

/* "DA4.1 Thon 3 Vo Tranh 20/11": the short name of a report (HUY reply). */
size_t reply_report_summary(const struct report *r, char *out, size_t outlen);

/* Problems: "Chua luu: 1) ...; 2) .... Gui lai: BC DA4.1 HV 25 HN 10" (the
 * sender's report corrected, when report_corrected() finds every fix
 * sure) or "... Mau: BC DA4.1 LOP 1 HV 25 ..." (the project's example).
 * Every problem is named before any form is shown; r may be partly
 * filled (the parser's progress); staff: the example names a place. */
size_t reply_problems(const struct report *r, const struct report_problems *pr,
		      const struct catalog *c, bool staff, const struct reply_style *st, char *out,
		      size_t outlen);

/* HD / HD DA4.1 / HD RS / HD SUA ...: the form and an example. */
size_t reply_help(const struct catalog *c, const char *topic, const struct reply_style *st,
		  char *out, size_t outlen);

/* Characters of one SMS the text takes: GSM 7-bit septets (extension
 * characters count 2) when it has a 7-bit form, else UTF-16 units (and
 * *ucs2 set). */
size_t reply_sms_length(const char *text, bool *ucs2);
/* True when the text fits one segment (160 septets, or 70 UCS-2 units). */
bool reply_fits_one(const char *text);

#endif

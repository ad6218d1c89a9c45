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

/* Problems this pure layer cannot judge (a report's household codes, which
 * the office wing checks against its register), worded by their owner and
 * named in the same reply as the report's own, so that a sender fixes
 * everything at once. reply.c owns the frame ("Chua luu: 1) ...; 2) ...",
 * the form offered, the numbering, "(+N loi)") and the shrinking; the
 * owner only words its items, as short as asked. */
#define REPLY_ITEM_LEN 160	/* bytes of one item, NUL included */
#define REPLY_ITEMS_MAX 4	/* items one callback may write */
struct reply_items {
	/* Writes the items (ASCII, unnumbered, no final stop) into out, each
	 * list in them showing at most cap entries and counting the rest
	 * ("MAHO xx-9, vt-1 +3 khong co ..."); returns how many (at most
	 * REPLY_ITEMS_MAX, the same for every cap). */
	int (*items)(const void *ctx, int cap, char out[][REPLY_ITEM_LEN]);
	const void *ctx;
	int max_cap;		/* the cap that shows every entry (>= 1) */
};

/* reply_problems() with the caller's items after the report's problems,
 * in one numbered list (more NULL: reply_problems() itself). When the text
 * is too long for one SMS it gives way in this order: the form offered
 * (the corrected report, then the example, then none), then the entries
 * the items list (cap from more->max_cap down to 1, the rest counted
 * "+N"), then the problems named (from the last, the rest counted "(+N
 * loi)"). A form is offered only for the report's own problems: with none
 * (items alone), and no corrected form either when there are items (it
 * cannot fix them). */
size_t reply_problems_with(const struct report *r, const struct report_problems *pr,
			   const struct reply_items *more, const struct catalog *c, bool staff,
			   const struct reply_style *st, char *out, size_t outlen);

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

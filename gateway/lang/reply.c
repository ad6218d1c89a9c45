/* reply.c: answer texts within one SMS (see reply.h). Each builder writes
 * the fullest form first and sheds parts (hints, the sample form, spacing,
 * problems beyond the first few) until the text fits. Problem replies are
 * framed and shrunk here only, the items other wings word included
 * (struct reply_items): no caller takes a reply apart or shrinks it again. */
#include "lang/reply.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lang/report_check.h"
#include "sms/gsm7.h"
#include "sms/utf8.h"

/* ---- lengths ---- */

size_t reply_sms_length(const char *text, bool *ucs2)
{
	size_t septets = 0, units = 0, n = strlen(text);
	bool seven = true;
	for (size_t i = 0; i < n;) {
		char ch = text[i];
		/* Letters, digits and space: one septet, one unit (the bulk of
		 * every reply; the tables below are for the rest). */
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == ' ') {
			septets++;
			units++;
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t k = utf8_decode(text + i, n - i, &cp);
		if (!k) {
			k = 1;
			cp = 0xFFFD;
		}
		i += k;
		int s = gsm7_septets(cp);
		if (s == 0)
			seven = false;
		septets += (size_t)s;
		units += cp > 0xFFFF ? 2 : 1;
	}
	if (ucs2)
		*ucs2 = !seven;
	return seven ? septets : units;
}

bool reply_fits_one(const char *text)
{
	bool ucs2;
	size_t n = reply_sms_length(text, &ucs2);
	return n <= (ucs2 ? 70u : 160u);
}

/* ---- fixed messages ---- */

static const struct {
	const char *ascii;
	const char *viet;
} fixed[] = {
	[REPLY_UNREGISTERED] = { "So nay chua dang ky bao cao giam ngheo. Dang ky: DK <xa> <thon> <ho ten>, "
				 "vd DK Vo Tranh Thon 3 Nguyen Van A",
				 "Số này chưa đăng ký. Gửi: DK <xã> <thôn> <họ tên>" },
	[REPLY_PENDING] = { "Dang ky cua ban dang cho can bo duyet. Khi duoc duyet se co tin bao.",
			    "Đăng ký của bạn đang chờ cán bộ duyệt." },
	[REPLY_DISABLED] = { "So nay da bi tam dung bao cao. Lien he Phong LDTBXH huyen.",
			     "Số này đã bị tạm dừng. Liên hệ Phòng LĐTBXH huyện." },
	[REPLY_UNKNOWN_CMD] = { "Khong hieu lenh '%s'.%s Vd: BC DA4.1 LOP 1 HV 25 HN 10. Gui HD de xem huong dan.",
				"Không hiểu lệnh '%s'.%s Gửi HD để xem hướng dẫn." },
	[REPLY_NOT_PERMITTED] = { "Ban khong co quyen dung lenh %s.", "Bạn không có quyền dùng lệnh %s." },
	[REPLY_DK_OK] = { "Da nhan dang ky: %s, %s. Can bo se duyet, ban se nhan tin bao.",
			  "Đã nhận đăng ký: %s, %s. Chờ cán bộ duyệt." },
	[REPLY_DK_ALREADY] = { "So nay da dang ky (%s). Gui HD de xem huong dan.",
			       "Số này đã đăng ký (%s). Gửi HD để xem hướng dẫn." },
	[REPLY_DUYET_OK] = { "Da duyet %s %s (%s).", "Đã duyệt %s %s (%s)." },
	[REPLY_DUYET_WELCOME] = { "Ban da duoc duyet lam cong tac vien. Bao cao: BC DA4.1 LOP 1 HV 25 HN 10. "
				  "Huong dan: HD",
				  "Bạn đã được duyệt. Báo cáo: BC DA4.1 HV 25. Hướng dẫn: HD" },
	[REPLY_DUYET_NOTFOUND] = { "Khong co dang ky nao cua so %s.", "Không có đăng ký nào của số %s." },
	[REPLY_DUYET_ALREADY] = { "So %s da duoc duyet truoc do.", "Số %s đã được duyệt trước đó." },
	[REPLY_REF_NOTFOUND] = { "Khong tim thay bao cao %s. Ma gom 4 ky tu, xem tin xac nhan.",
				 "Không tìm thấy báo cáo %s." },
	[REPLY_REF_NOT_AUTHOR] = { "Chi nguoi gui hoac can bo moi sua/huy duoc bao cao %s.",
				   "Chỉ người gửi hoặc cán bộ mới sửa/hủy được %s." },
	[REPLY_REF_CANCELLED] = { "Bao cao %s da huy truoc do.", "Báo cáo %s đã hủy trước đó." },
	[REPLY_HUY_OK] = { "Da huy bao cao %s (%s).", "Đã hủy báo cáo %s (%s)." },
	[REPLY_EMPTY] = { "Tin rong. Vd: BC DA4.1 LOP 1 HV 25 HN 10. Gui HD de xem huong dan.",
			  "Tin rỗng. Gửi HD để xem hướng dẫn." },
};

/* Cuts text at the last space before it fits, keeping it valid UTF-8. */
static void shorten_to_fit(char *text)
{
	while (!reply_fits_one(text)) {
		char *sp = strrchr(text, ' ');
		if (!sp) {
			text[0] = 0;
			return;
		}
		*sp = 0;
	}
}

size_t reply_format(enum reply_msg msg, const struct reply_style *st, char *out, size_t outlen, ...)
{
	va_list ap;
	if (st && st->diacritics) {
		va_start(ap, outlen);
		vsnprintf(out, outlen, fixed[msg].viet, ap);
		va_end(ap);
		if (reply_fits_one(out))
			return strlen(out);
	}
	va_start(ap, outlen);
	vsnprintf(out, outlen, fixed[msg].ascii, ap);
	va_end(ap);
	shorten_to_fit(out);
	return strlen(out);
}

/* ---- receipts ---- */

/* Whole numbers by hand: receipts are built for every report and printf's
 * float path is the slowest part of it. */
static void fmt_whole(unsigned long long n, char *buf)
{
	char tmp[24];
	int k = 0;
	do
		tmp[k++] = (char)('0' + n % 10);
	while ((n /= 10) && k < 23);
	for (int i = 0; i < k; i++)
		buf[i] = tmp[k - 1 - i];
	buf[k] = 0;
}

static void fmt_value(const struct report_value *v, bool compact, char *buf, size_t len)
{
	char num[32];
	double a = fabs(v->value);
	if (fabs(a - round(a)) < 1e-9 && a < 1e15)
		fmt_whole((unsigned long long)llround(a), num);
	else
		snprintf(num, sizeof num, "%.3f", a);
	/* Vietnamese decimal comma, trailing zeros dropped: 1,5 */
	char *dot = strchr(num, '.');
	if (dot) {
		size_t l = strlen(num);
		while (l && num[l - 1] == '0')
			num[--l] = 0;
		*dot = ',';
	}
	const char *sign = v->value < 0 ? "-" : v->sign_given ? "+" : "";
	const char *unit = v->ind->type == CATALOG_MONEY ? "tr" : "";
	size_t o = 0;
	const char *parts[5] = { v->ind->code, compact ? "" : " ", sign, num, unit };
	for (int i = 0; i < 5; i++)
		for (const char *p = parts[i]; *p && o + 1 < len; p++)
			buf[o++] = *p;
	if (len)
		buf[o] = 0;
}

static void place_text(const struct report *r, bool viet, char *buf, size_t len)
{
	const struct catalog_commune *c = r->commune;
	const struct catalog_village *v = r->village;
	if (v && c)
		snprintf(buf, len, "%s %s", viet ? v->name : v->name_ascii, viet ? c->name : c->name_ascii);
	else if (c)
		snprintf(buf, len, "%s %s", !strcmp(c->kind, "thi tran") ? (viet ? "TT" : "TT") : (viet ? "xã" : "xa"),
			 viet ? c->name : c->name_ascii);
	else
		buf[0] = 0;
}

size_t reply_report_summary(const struct report *r, char *out, size_t outlen)
{
	char place[200];
	place_text(r, false, place, sizeof place);
	int y, m, d;
	catalog_day_to_ymd(r->day, &y, &m, &d);
	snprintf(out, outlen, "%s %s %d/%d", r->project ? r->project->code : "", place, d, m);
	return strlen(out);
}

static void build_receipt(const struct report *r, const char *ref, int version, bool viet, int level,
			  char *out, size_t outlen)
{
	char place[200], date[16], values[400] = "";
	place_text(r, viet, place, sizeof place);
	int y, m, d;
	catalog_day_to_ymd(r->day, &y, &m, &d);
	if (level >= 3)
		snprintf(date, sizeof date, "%d/%d", d, m);
	else
		snprintf(date, sizeof date, "%d/%d/%d", d, m, y);
	bool compact = level >= 2;
	for (int i = 0; i < r->nvalues; i++) {
		char v[48];
		fmt_value(&r->values[i], compact, v, sizeof v);
		size_t l = strlen(values);
		snprintf(values + l, sizeof values - l, "%s%s", i ? (compact ? " " : ", ") : "", v);
	}
	const char *verb = version > 1 ? (viet ? "Đã sửa" : "Da sua") : (viet ? "Đã nhận" : "Da nhan");
	const char *test = r->training ? (viet ? "TEST (không tính) " : "TEST (khong tinh) ") : "";
	const char *proj = r->project ? (r->project->review ? "RS" : r->project->code) : "";
	char hint[64] = "";
	if (level == 0 && r->nvalues) {
		char v[48];
		fmt_value(&r->values[0], false, v, sizeof v);
		snprintf(hint, sizeof hint, viet ? " Sai? SỬA %s ..." : " Sai? SUA %s %s", ref, v);
	}
	snprintf(out, outlen, "%s%s %s: %s %s %s: %s.%s", test, verb, ref, proj, place, date, values, hint);
}

size_t reply_receipt(const struct report *r, const char *ref, int version, const struct reply_style *st,
		     char *out, size_t outlen)
{
	if (st && st->diacritics) {
		for (int level = 1; level <= 3; level++) {
			build_receipt(r, ref, version, true, level, out, outlen);
			if (reply_fits_one(out))
				return strlen(out);
		}
	}
	for (int level = 0; level <= 3; level++) {
		build_receipt(r, ref, version, false, level, out, outlen);
		if (reply_fits_one(out))
			return strlen(out);
	}
	/* Still too long (a report with every indicator): drop values from
	 * the end, marking the cut. The stored report keeps them all. */
	while (!reply_fits_one(out)) {
		char *sp = strrchr(out, ' ');
		if (!sp)
			break;
		strcpy(sp, "...");
		if (reply_fits_one(out))
			break;
		*sp = 0;
	}
	return strlen(out);
}

/* ---- problems ---- */

/* "DA2/DA3.1": the projects (at most three, catalog order) that take the
 * indicator code, for a sender who picked the wrong project. */
static void projects_taking(const struct catalog *c, const char *code, char *buf, size_t len)
{
	buf[0] = 0;
	const struct catalog_indicator *ind = c ? catalog_indicator_by_code(c, code) : NULL;
	if (!ind)
		return;
	size_t n = 0;
	int shown = 0;
	for (size_t i = 0; i < catalog_project_count(c) && shown < 3; i++) {
		const struct catalog_project *p = catalog_project_at(c, i);
		if (p->review || !catalog_project_allows(p, ind))
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", shown ? "/" : "", p->code);
		if (w < 0 || (size_t)w >= len - n) {
			buf[n] = 0;
			return;
		}
		n += (size_t)w;
		shown++;
	}
}

static void problem_text(const struct report_problem *p, const struct catalog *c, char *buf,
			 size_t len)
{
	const char *s = p->subject, *h = p->hint;
	char other[48];
	switch (p->code) {
	case REPORT_P_UNKNOWN_WORD:
		if (*h)
			snprintf(buf, len, "'%s' khong ro (%s?)", s, h);
		else
			snprintf(buf, len, "'%s' khong ro", s);
		break;
	case REPORT_P_NO_PROJECT:
		snprintf(buf, len, "thieu ma du an");
		break;
	case REPORT_P_UNKNOWN_PROJECT:
		if (*h)
			snprintf(buf, len, "khong co du an %s (%s?)", s, h);
		else
			snprintf(buf, len, "khong co du an %s", s);
		break;
	case REPORT_P_NOT_ALLOWED:
		projects_taking(c, s, other, sizeof other);
		if (other[0])
			snprintf(buf, len, "%s khong thuoc %s (%s?)", s, h, other);
		else
			snprintf(buf, len, "%s khong thuoc %s", s, h);
		break;
	case REPORT_P_NO_NUMBER:
		snprintf(buf, len, "%s thieu so", s);
		break;
	case REPORT_P_BAD_NUMBER:
		snprintf(buf, len, "so sai: %s", s);
		break;
	case REPORT_P_NOT_WHOLE:
		snprintf(buf, len, "%s phai la so nguyen", s);
		break;
	case REPORT_P_TOO_BIG:
		snprintf(buf, len, "%s qua lon (toi da %s)", s, h);
		break;
	case REPORT_P_NEGATIVE:
		snprintf(buf, len, "%s khong duoc am", s);
		break;
	case REPORT_P_BREAKDOWN:
		snprintf(buf, len, "%s lon hon %s", s, h);
		break;
	case REPORT_P_DUPLICATE:
		snprintf(buf, len, "%s ghi 2 lan", s);
		break;
	case REPORT_P_NO_VALUES:
		snprintf(buf, len, "chua co so lieu");
		break;
	case REPORT_P_STRAY_NUMBER:
		snprintf(buf, len, "so %s khong ro chi tieu", s);
		break;
	case REPORT_P_BAD_DATE:
		snprintf(buf, len, "ngay '%s' sai (vd 20/11)", s);
		break;
	case REPORT_P_FUTURE_DATE:
		snprintf(buf, len, "ngay %s chua toi", s);
		break;
	case REPORT_P_OLD_DATE:
		snprintf(buf, len, "ngay %s qua %s ngay", s, h);
		break;
	case REPORT_P_NO_PLACE:
		snprintf(buf, len, "ghi noi: %s", h);
		break;
	case REPORT_P_UNKNOWN_PLACE:
		if (*h)
			snprintf(buf, len, "khong co noi '%s' (%s?)", s, h);
		else
			snprintf(buf, len, "khong co noi '%s'", s);
		break;
	case REPORT_P_NOT_YOUR_PLACE:
		snprintf(buf, len, "ban chi bao cao cho %s", *h ? h : "noi cua minh");
		break;
	case REPORT_P_PLACE_INVALID:
		snprintf(buf, len, "%s khong co vao ngay do", s);
		break;
	case REPORT_P_TOO_LONG:
		snprintf(buf, len, "tin qua dai");
		break;
	case REPORT_P_NO_REF:
		snprintf(buf, len, "thieu ma bao cao (4 ky tu)");
		break;
	case REPORT_P_BAD_REF:
		snprintf(buf, len, "ma '%s' sai (4 ky tu)", s);
		break;
	case REPORT_P_NO_NAME:
		snprintf(buf, len, "thieu ho ten");
		break;
	case REPORT_P_BAD_PHONE:
		snprintf(buf, len, "so dien thoai '%s' sai", s);
		break;
	}
}

static void sample_form(const struct report *r, const struct catalog *c, bool staff, char *buf, size_t len)
{
	const char *place = staff ? catalog_settings(c)->example_place : "";
	const struct catalog_project *p = r->project;
	if (!p)
		p = catalog_project_find(c, "DA4.1");
	if (!p)
		p = catalog_project_at(c, 0);
	switch (r->form) {
	case REPORT_FORM_RS:
		snprintf(buf, len, "RS%s%s %s", *place ? " " : "", place, p ? p->example : "");
		break;
	case REPORT_FORM_SUA:
		snprintf(buf, len, "SUA %s HV 26", r->ref[0] ? r->ref : "K7QD");
		break;
	case REPORT_FORM_HUY:
		snprintf(buf, len, "HUY K7QD");
		break;
	case REPORT_FORM_DK:
		snprintf(buf, len, "DK Vo Tranh Thon 3 Nguyen Van A");
		break;
	case REPORT_FORM_DUYET:
		snprintf(buf, len, "DUYET 0912345678");
		break;
	case REPORT_FORM_HD:
		snprintf(buf, len, "HD DA4.1");
		break;
	case REPORT_FORM_BC:
		snprintf(buf, len, "BC %s%s%s %s", p ? p->code : "DA4.1", *place ? " " : "", place,
			 p ? p->example : "");
		break;
	}
}

/* The corrected report as a message to send again: "BC DA4.1 HV 25 HN
 * 10", with the place and date only when the sender typed them (the
 * parser fills them in otherwise) and the TEST prefix kept. */
static void corrected_text(const struct report *r, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s%s", r->training ? "TEST " : "",
				    r->form == REPORT_FORM_RS ? "RS" : "BC");
	if (r->form == REPORT_FORM_BC && o < len)
		o += (size_t)snprintf(buf + o, len - o, " %s", r->project->code);
	if (r->place_named && r->commune && o < len) {
		const struct catalog_commune *c = r->commune;
		o += (size_t)snprintf(buf + o, len - o, " %s %s", !strcmp(c->kind, "thi tran") ? "TT" : "XA",
				      c->name_ascii);
		if (r->village && o < len)
			o += (size_t)snprintf(buf + o, len - o, " %s", r->village->name_ascii);
	}
	for (int i = 0; i < r->nvalues && o < len; i++) {
		char v[48];
		fmt_value(&r->values[i], r->values[i].sign_given, v, sizeof v);	/* "HN+2", "HV 25" */
		o += (size_t)snprintf(buf + o, len - o, " %s", v);
	}
	if (r->day_given && o < len) {
		int y, m, d;
		catalog_day_to_ymd(r->day, &y, &m, &d);
		snprintf(buf + o, len - o, " ngay %d/%d/%d", d, m, y);
	}
}

/* The problems a reply can name: the report's own, then the caller's items
 * (reply.h's struct reply_items). */
#define NAMED_MAX (REPORT_PROBLEMS_MAX + REPLY_ITEMS_MAX)

/* "Chua luu: 1) 'hm' khong ro (HN?); 2) ... (+1 loi).<label><form>" for
 * the first `shown` of the named texts, the rest of `total` counted. One
 * problem in all is not numbered. */
static void problems_frame(char named[][REPLY_ITEM_LEN], int shown, int total, const char *label,
			   const char *form, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "Chua luu: ");
	for (int i = 0; i < shown && o < len; i++) {
		if (total > 1)
			o += (size_t)snprintf(buf + o, len - o, "%s%d) %s", i ? "; " : "", i + 1, named[i]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s", named[i]);
	}
	if (shown < total && o < len)
		o += (size_t)snprintf(buf + o, len - o, " (+%d loi)", total - shown);
	if (o < len)
		snprintf(buf + o, len - o, ".%s%s", label, form);
}

size_t reply_problems(const struct report *r, const struct report_problems *pr, const struct catalog *c,
		      bool staff, const struct reply_style *st, char *out, size_t outlen)
{
	return reply_problems_with(r, pr, NULL, c, staff, st, out, outlen);
}

size_t reply_problems_with(const struct report *r, const struct report_problems *pr,
			   const struct reply_items *more, const struct catalog *c, bool staff,
			   const struct reply_style *st, char *out, size_t outlen)
{
	(void)st;	/* problem replies stay unaccented: they quote what was typed */
	if (outlen)
		out[0] = 0;
	/* The sender's own report with the fixes applied ("Gui lai": send
	 * this) when every fix is sure, else the project's example ("Mau").
	 * Both answer the report's own problems: none when it has none (the
	 * caller's items alone), and no corrected form beside items, which
	 * it does not fix. */
	char fixed[260] = "", sample[260] = "";
	struct report corrected;
	if (pr->n && !more && report_corrected(r, pr, &corrected))
		corrected_text(&corrected, fixed, sizeof fixed);
	if (pr->n)
		sample_form(r, c, staff, sample, sizeof sample);
	const char *const label[] = { " Gui lai: ", " Mau: ", "" };
	const char *const form[] = { fixed, sample, "" };
	char named[NAMED_MAX][REPLY_ITEM_LEN];
	int nrep = 0, nmore = 0, maxcap = 1;
	for (; nrep < pr->n && nrep < REPORT_PROBLEMS_MAX; nrep++)
		problem_text(&pr->p[nrep], c, named[nrep], sizeof named[0]);
	if (more) {
		maxcap = more->max_cap > 1 ? more->max_cap : 1;
		nmore = more->items(more->ctx, maxcap, named + nrep);	/* the same at every cap */
	}
	int total = nrep + nmore + pr->dropped;
	if (nrep + nmore == 0)
		return 0;
	/* The one shrink-to-fit loop: naming every problem comes first, then
	 * listing every entry of the items, then offering a form (innermost:
	 * the first to give way). Built in text, copied to out and measured
	 * there: what the caller receives is what must fit. */
	char text[NAMED_MAX * REPLY_ITEM_LEN + 600];
	for (int shown = nrep + nmore; shown >= 1; shown--) {
		/* Items not shown: their cap changes nothing. */
		int mincap = shown > nrep ? 1 : maxcap;
		for (int cap = maxcap; cap >= mincap; cap--) {
			if (more)
				more->items(more->ctx, cap, named + nrep);
			for (int f = 0; f < 3; f++) {
				if (f < 2 && !form[f][0])
					continue;
				problems_frame(named, shown, total, label[f], form[f], text, sizeof text);
				snprintf(out, outlen, "%s", text);
				if (reply_fits_one(out))
					return strlen(out);
			}
		}
	}
	/* Even one problem alone is too long. The report's own problems quote
	 * typed words (bounded by the parser): cut at words until it fits.
	 * An item may quote the office's data (a long village name): cut it
	 * within 150 characters at a word and mark the cut. */
	if (more) {
		size_t cut = strlen(text) < 150 ? strlen(text) : 150;
		while (cut > 10 && text[cut] != ' ')
			cut--;
		snprintf(out, outlen, "%.*s ...", (int)cut, text);
	} else {
		shorten_to_fit(out);
	}
	return strlen(out);
}

/* ---- help ---- */

static const struct {
	const char *topic;	/* folded keyword */
	const char *text;
} help_topics[] = {
	{ "sua", "SUA <ma> <chi tieu> <so>: sua bao cao da gui, vd SUA K7QD HV 26. Giu ban cu. "
		 "Chi nguoi gui hoac can bo." },
	{ "huy", "HUY <ma>: huy bao cao da gui, vd HUY K7QD. Chi nguoi gui hoac can bo." },
	{ "dk", "DK <xa> <thon> <ho ten>: dang ky so nay, vd DK Vo Tranh Thon 3 Nguyen Van A. "
		"Can bo duyet." },
	{ "duyet", "DUYET <so dien thoai>: can bo duyet dang ky, vd DUYET 0912345678." },
	{ "test", "TEST BC ...: bao cao tap huan, duoc luu nhung khong tinh vao tong so." },
	{ "ngay", "Ngay: them NGAY 20/11 hoac HOM QUA; mac dinh la hom nay." },
};

size_t reply_help(const struct catalog *c, const char *topic, const struct reply_style *st, char *out,
		  size_t outlen)
{
	(void)st;
	const struct catalog_project *p = topic && *topic ? catalog_project_find(c, topic) : NULL;
	if (p) {
		char list[400] = "";
		char tail[260];
		/* The review has two forms: village counts, and named households'
		 * new status (office/review_sms.h); both must be discoverable. */
		if (p->review)
			snprintf(tail, sizeof tail, " Vd: RS %s. Tung ho: RS MAHO 0123 CN", p->example);
		else
			snprintf(tail, sizeof tail, " Vd: BC %s %s", p->code, p->example);
		/* Names for as many indicators as fit ("HV hoc vien"), codes
		 * alone for the rest. */
		for (int named = p->nindicators; named >= 0; named--) {
			list[0] = 0;
			for (int i = 0; i < p->nindicators; i++) {
				const struct catalog_indicator *ind = p->indicators[i];
				size_t l = strlen(list);
				if (i < named)
					snprintf(list + l, sizeof list - l, "%s%s %s%s", i ? ", " : "", ind->code,
						 ind->name_ascii, ind->type == CATALOG_MONEY ? " (trieu d)" : "");
				else
					snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", ind->code);
			}
			snprintf(out, outlen, "%s: %s.%s", p->code, list, tail);
			if (reply_fits_one(out))
				return strlen(out);
		}
		shorten_to_fit(out);
		return strlen(out);
	}
	for (size_t i = 0; topic && i < sizeof help_topics / sizeof help_topics[0]; i++)
		if (!strcmp(topic, help_topics[i].topic)) {
			snprintf(out, outlen, "%s", help_topics[i].text);
			shorten_to_fit(out);
			return strlen(out);
		}
	char codes[200] = "";
	for (size_t i = 0; i < catalog_project_count(c); i++) {
		const struct catalog_project *cp = catalog_project_at(c, i);
		if (cp->review)
			continue;
		size_t l = strlen(codes);
		snprintf(codes + l, sizeof codes - l, "%s%s", l ? " " : "", cp->code);
	}
	snprintf(out, outlen, "BC <du an> <chi tieu> <so>, vd BC DA4.1 HV 25 HN 10. RS HN+2 CN-1. "
		 "SUA/HUY <ma>. Du an: %s. Xem: HD DA4.1", codes);
	shorten_to_fit(out);
	return strlen(out);
}

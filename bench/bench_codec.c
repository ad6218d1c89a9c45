/* bench_codec.c: PDU codec throughput on one core. The figure that matters
 * is decoding a full 160-character GSM 7-bit SMS-DELIVER (target: at least
 * 1,000,000 per second, so that even a slow ARM board never waits on the
 * codec); encoding and the UCS-2 and folding paths are printed beside it.
 * Nothing in the timed loops allocates: the codec works in caller buffers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sms/pdu.h"
#include "sms/viet.h"

#define TARGET_DECODES 1000000.0

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps the optimiser from dropping a loop whose results nobody reads. */
static volatile size_t sink;

/* Runs fn in batches until min_seconds pass; returns calls per second. */
static double rate(int (*fn)(void), double min_seconds)
{
	long long calls = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 1000; i++)
			if (fn() < 0)
				return -1;
		calls += 1000;
		t = now();
	} while (t - t0 < min_seconds);
	return (double)calls / (t - t0);
}

static char gsm_pdu[PDU_HEX_MAX], ucs2_pdu[PDU_HEX_MAX];
static struct pdu_msg msg;
static struct pdu_part parts[8];
static const char *gsm_text, *ucs2_text, *long_text;

static int decode_gsm(void)
{
	int rc = pdu_decode(gsm_pdu, strlen(gsm_pdu), -1, &msg, NULL, 0);
	sink += msg.text_len;
	return rc;
}

static int decode_ucs2(void)
{
	int rc = pdu_decode(ucs2_pdu, strlen(ucs2_pdu), -1, &msg, NULL, 0);
	sink += msg.text_len;
	return rc;
}

static int encode_gsm(void)
{
	struct pdu_submit_opts o = { .to = "+84912345678", .text = gsm_text, .force = -1 };
	int n = pdu_encode_submit(&o, parts, 8, NULL, 0);
	sink += (size_t)parts[0].tpdu_len;
	return n;
}

static int encode_ucs2(void)
{
	struct pdu_submit_opts o = { .to = "+84912345678", .text = ucs2_text, .force = -1 };
	int n = pdu_encode_submit(&o, parts, 8, NULL, 0);
	sink += (size_t)parts[0].tpdu_len;
	return n;
}

static int encode_long(void)
{
	struct pdu_submit_opts o = { .to = "+84912345678", .text = long_text, .force = -1 };
	int n = pdu_encode_submit(&o, parts, 8, NULL, 0);
	sink += (size_t)n;
	return n;
}

static int fold(void)
{
	char out[512];
	sink += viet_fold(ucs2_text, strlen(ucs2_text), out, sizeof out, 0);
	return 0;
}

int main(void)
{
	static char gsm[161], longt[700];
	for (int i = 0; i < 160; i++)
		gsm[i] = "Bao cao DA2 thon 3: 12 ho ngheo, 5 ho can ngheo. "[i % 50];
	gsm_text = gsm;
	ucs2_text = "Báo cáo DA2 thôn 3: 12 hộ nghèo, 5 hộ cận nghèo; 3 lớp học nghề 😀";
	for (int i = 0; i < 612; i++)
		longt[i] = gsm[i % 160];
	long_text = longt;

	char why[256];
	struct pdu_deliver_opts d = { .from = "+84912345678", .smsc = "+84980200030",
				      .text = gsm_text, .force = -1,
				      .scts = { 2026, 11, 25, 16, 29, 5, 28 } };
	if (pdu_encode_deliver(&d, parts, 1, why, sizeof why) != 1) {
		fprintf(stderr, "bench_codec: %s\n", why);
		return 1;
	}
	strcpy(gsm_pdu, parts[0].hex);
	d.text = ucs2_text;
	if (pdu_encode_deliver(&d, parts, 1, why, sizeof why) != 1) {
		fprintf(stderr, "bench_codec: %s\n", why);
		return 1;
	}
	strcpy(ucs2_pdu, parts[0].hex);

	double dec = rate(decode_gsm, 1.0);
	printf("pdu decode, 160-char GSM 7-bit DELIVER: %10.0f /s  (target >= %.0f/s: %s)\n", dec,
	       TARGET_DECODES, dec >= TARGET_DECODES ? "met" : "NOT MET");
	printf("pdu decode, 66-char UCS-2 DELIVER:      %10.0f /s\n", rate(decode_ucs2, 0.5));
	printf("pdu encode, 160-char GSM 7-bit SUBMIT:  %10.0f /s\n", rate(encode_gsm, 0.5));
	printf("pdu encode, 66-char UCS-2 SUBMIT:       %10.0f /s\n", rate(encode_ucs2, 0.5));
	printf("pdu encode, 612 chars into 4 parts:     %10.0f /s\n", rate(encode_long, 0.5));
	printf("viet_fold, 66-char Vietnamese:          %10.0f /s\n", rate(fold, 0.5));
	return dec >= TARGET_DECODES ? 0 : 1;
}

/* pdu_time.c: TP-SCTS / TP-DT (3GPP TS 23.040 9.2.3.11): seven swapped BCD
 * octets, the last one the zone in quarter hours with its sign in bit 3;
 * plus ISO 8601 text and epoch seconds. */
#include <stdio.h>

#include "sms/pdu_priv.h"

/* One swapped-BCD octet: low nibble is the tens digit. -1 if not decimal. */
static int bcd(uint8_t o)
{
	unsigned tens = o & 15, units = o >> 4;
	if (tens > 9 || units > 9)
		return -1;
	return (int)(tens * 10 + units);
}

static uint8_t to_bcd(int v)
{
	return (uint8_t)((v / 10) | (v % 10) << 4);
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int time_check(const struct pdu_time *t, char *why, size_t whylen)
{
	if (t->month < 1 || t->month > 12)
		return pdu_fail(why, whylen, PDU_E_TIME, "month %d out of range", t->month);
	if (t->day < 1 || t->day > days_in_month(t->year, t->month))
		return pdu_fail(why, whylen, PDU_E_TIME, "day %d out of range for %04d-%02d",
				t->day, t->year, t->month);
	if (t->hour > 23 || t->minute > 59 || t->second > 59 || t->hour < 0 || t->minute < 0 ||
	    t->second < 0)
		return pdu_fail(why, whylen, PDU_E_TIME, "time %02d:%02d:%02d out of range",
				t->hour, t->minute, t->second);
	/* Real zones lie within -12:00..+14:00; 79 is what the field can hold. */
	if (t->tz_quarters < -79 || t->tz_quarters > 79)
		return pdu_fail(why, whylen, PDU_E_TIME, "time zone %d quarter hours out of range",
				t->tz_quarters);
	return PDU_OK;
}

int pdu_time_decode(const uint8_t *p, struct pdu_time *t, char *why, size_t whylen)
{
	int v[6];
	for (int i = 0; i < 6; i++) {
		v[i] = bcd(p[i]);
		if (v[i] < 0)
			return pdu_fail(why, whylen, PDU_E_TIME, "time stamp octet %d (%02X) is not BCD",
					i + 1, p[i]);
	}
	unsigned tens = p[6] & 7, units = p[6] >> 4;
	if (units > 9)
		return pdu_fail(why, whylen, PDU_E_TIME, "time zone octet %02X is not BCD", p[6]);
	/* Two-digit years: the network's clock, so this century unless it is
	 * obviously from before GSM existed. */
	t->year = v[0] < 80 ? 2000 + v[0] : 1900 + v[0];
	t->month = v[1];
	t->day = v[2];
	t->hour = v[3];
	t->minute = v[4];
	t->second = v[5];
	t->tz_quarters = (int)(tens * 10 + units);
	if (p[6] & 8)
		t->tz_quarters = -t->tz_quarters;
	return time_check(t, why, whylen);
}

int pdu_time_encode(const struct pdu_time *t, uint8_t *p, char *why, size_t whylen)
{
	if (t->year < 1980 || t->year > 2079)
		return pdu_fail(why, whylen, PDU_E_TIME, "year %d outside 1980..2079", t->year);
	int rc = time_check(t, why, whylen);
	if (rc)
		return rc;
	p[0] = to_bcd(t->year % 100);
	p[1] = to_bcd(t->month);
	p[2] = to_bcd(t->day);
	p[3] = to_bcd(t->hour);
	p[4] = to_bcd(t->minute);
	p[5] = to_bcd(t->second);
	int q = t->tz_quarters < 0 ? -t->tz_quarters : t->tz_quarters;
	p[6] = to_bcd(q);
	if (t->tz_quarters < 0)
		p[6] |= 8;
	return PDU_OK;
}

void pdu_time_iso(const struct pdu_time *t, char *buf, size_t len)
{
	int q = t->tz_quarters < 0 ? -t->tz_quarters : t->tz_quarters;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t->year, t->month, t->day,
		 t->hour, t->minute, t->second, t->tz_quarters < 0 ? '-' : '+', q / 4,
		 (q % 4) * 15);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the
 * well-known civil-from-days inverse), so no timegm() and no TZ variable. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

long long pdu_time_epoch(const struct pdu_time *t)
{
	long long days = days_from_civil(t->year, (unsigned)t->month, (unsigned)t->day);
	long long s = days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
	return s - (long long)t->tz_quarters * 900;
}

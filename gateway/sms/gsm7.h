/* gsm7.h: the GSM 7-bit default alphabet and its extension table (3GPP TS
 * 23.038 6.2.1, 6.2.1.1) and septet packing with a bit offset (the fill bits
 * after a user data header). Pure, table driven, no allocation. */
#ifndef TINBAO_GSM7_H
#define TINBAO_GSM7_H

#include <stddef.h>
#include <stdint.h>

#define GSM7_ESC 0x1B
/* gsm7_from_ucs() marks characters of the extension table with this bit:
 * the low 7 bits are then the septet that follows ESC. */
#define GSM7_EXT 0x100

/* Septet of the default alphabet for cp (0..127), GSM7_EXT|septet for the
 * extension table, or -1 when cp has no GSM 7-bit form. */
int gsm7_from_ucs(uint32_t cp);

/* Unicode code point of a default-alphabet septet (0..127). ESC (0x1B) has no
 * character of its own: callers handle it. */
uint32_t gsm7_to_ucs(uint8_t septet);

/* Code point of ESC followed by septet, or 0 when the extension table has no
 * character there (the receiver then shows the default character, 6.2.1.1). */
uint32_t gsm7_ext_to_ucs(uint8_t septet);

/* Septets cp needs: 1, 2 (escape sequence) or 0 when not representable. */
int gsm7_septets(uint32_t cp);

/* Unpacks septets [first, first + count) of a packed stream into UTF-8,
 * resolving escape sequences (an unknown one shows the default character, a
 * final lone ESC a space). out is always NUL-terminated. Returns the bytes
 * written, or (size_t)-1 when out (outlen bytes) is too small. The caller
 * makes sure the septets lie inside the buffer. */
size_t gsm7_unpack_utf8(const uint8_t *buf, size_t first, size_t count, char *out,
			size_t outlen);

/* Reads septet number i (0-based) of a packed 7-bit stream; the caller makes
 * sure (i + 1) * 7 bits fit in the buffer. */
static inline uint8_t gsm7_get(const uint8_t *buf, size_t i)
{
	size_t bit = i * 7, byte = bit >> 3;
	unsigned shift = bit & 7;
	unsigned v = buf[byte] >> shift;
	if (shift > 1)
		v |= (unsigned)buf[byte + 1] << (8 - shift);
	return (uint8_t)(v & 0x7F);
}

/* ORs septet v into position i of a zeroed packed buffer. */
static inline void gsm7_put(uint8_t *buf, size_t i, uint8_t v)
{
	size_t bit = i * 7, byte = bit >> 3;
	unsigned shift = bit & 7;
	buf[byte] |= (uint8_t)(v << shift);
	if (shift > 1)
		buf[byte + 1] |= (uint8_t)(v >> (8 - shift));
}

/* Octets needed for n septets. */
static inline size_t gsm7_octets(size_t n)
{
	return (n * 7 + 7) / 8;
}

#endif

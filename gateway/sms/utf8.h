/* utf8.h: UTF-8 and UTF-16BE (UCS-2 with surrogate pairs) code points, one at
 * a time, strict: overlong forms, surrogates encoded in UTF-8 and code points
 * above U+10FFFF are invalid. Pure, no allocation. */
#ifndef TINBAO_UTF8_H
#define TINBAO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (n bytes available). Returns the bytes used
 * (1..4) and stores the code point, or 0 on invalid or truncated input. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes cp as UTF-8 into out (room for at least 4 bytes). Returns the bytes
 * written, 0 if cp is not a scalar value. */
size_t utf8_encode(uint32_t cp, char *out);

/* True when s[0..n) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* UTF-16 code units cp needs: 1, or 2 for a surrogate pair. */
static inline int utf16_units(uint32_t cp)
{
	return cp >= 0x10000 ? 2 : 1;
}

/* Decodes UTF-16BE bytes (len even) into UTF-8 in out (size outlen, always
 * NUL-terminated when outlen > 0). A lone surrogate, as a part of a badly
 * split message carries, becomes U+FFFD so the rest of the text survives.
 * Returns the bytes written, or (size_t)-1 when out is too small. */
size_t utf16be_to_utf8(const uint8_t *in, size_t len, char *out, size_t outlen);

#endif

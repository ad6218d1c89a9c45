/* viet.c: Vietnamese (and any Latin) text to unaccented ASCII. Each
 * character is decomposed by utf8proc (NFKD, plus its "lump" of look-alike
 * punctuation such as curly quotes and dashes), combining marks (category
 * Mn: tones, circumflex, breve, horn) are dropped, and đ/Đ, which Unicode
 * does not decompose, become d/D. Precomposed, decomposed and old or new
 * tone placement (hoà / hòa) therefore all fold to the same ASCII. */
#include <utf8proc.h>

#include "sms/utf8.h"
#include "sms/viet.h"

/* Appends n bytes if they fit before the final NUL. */
static int put(char *dst, size_t dstlen, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > dstlen)
		return 0;
	for (size_t i = 0; i < n; i++)
		dst[(*o)++] = s[i];
	return 1;
}

size_t viet_fold(const char *src, size_t len, char *dst, size_t dstlen, int keep_other)
{
	size_t o = 0;
	if (!dst || dstlen == 0)
		return 0;
	for (size_t i = 0; src && i < len;) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x80) {
			if (!put(dst, dstlen, &o, src + i, 1))
				break;
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(src + i, len - i, &cp);
		if (k == 0) {
			if (!put(dst, dstlen, &o, "?", 1))
				break;
			i++;
			continue;
		}
		char ascii[16];
		size_t na = 0;
		int foldable = 1;
		if (cp == 0x0111) {
			ascii[na++] = 'd';
		} else if (cp == 0x0110 || cp == 0x0189) {
			ascii[na++] = 'D';
		} else if (cp >= 0x201C && cp <= 0x201F) {
			ascii[na++] = '"';	/* utf8proc's lump covers single quotes only */
		} else {
			utf8proc_int32_t dec[18];
			utf8proc_ssize_t nd = utf8proc_decompose_char(
				(utf8proc_int32_t)cp, dec, 18,
				UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_LUMP, NULL);
			if (nd < 0 || nd > 18)
				foldable = 0;
			for (utf8proc_ssize_t j = 0; foldable && j < nd; j++) {
				if (utf8proc_category(dec[j]) == UTF8PROC_CATEGORY_MN)
					continue;
				if (dec[j] >= 0x80 || na >= sizeof ascii)
					foldable = 0;
				else
					ascii[na++] = (char)dec[j];
			}
		}
		int ok;
		if (foldable)
			ok = put(dst, dstlen, &o, ascii, na);
		else if (keep_other)
			ok = put(dst, dstlen, &o, src + i, k);
		else
			ok = put(dst, dstlen, &o, "?", 1);
		if (!ok)
			break;
		i += k;
	}
	dst[o] = '\0';
	return o;
}

size_t viet_fold_lower(const char *src, size_t len, char *dst, size_t dstlen)
{
	size_t n = viet_fold(src, len, dst, dstlen, 0);
	for (size_t i = 0; i < n; i++)
		if (dst[i] >= 'A' && dst[i] <= 'Z')
			dst[i] = (char)(dst[i] - 'A' + 'a');
	return n;
}

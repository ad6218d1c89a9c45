/* viet.h: Vietnamese text folding. UTF-8 in (precomposed or decomposed, old or
 * new tone placement), unaccented ASCII out: all tone marks dropped, đ/Đ to
 * d/D, other letters kept. Used for replies without diacritics and to match
 * keywords whatever the sender typed. Pure; no globals. */
#ifndef TINBAO_VIET_H
#define TINBAO_VIET_H

#include <stddef.h>

/* Folds src (len bytes, not necessarily NUL-terminated) into dst (size dstlen,
 * always NUL-terminated). Characters with no ASCII fold are written as '?'
 * unless keep_other is set, in which case their UTF-8 is copied unchanged.
 * Invalid UTF-8 bytes become '?'. Returns the length written (excluding NUL). */
size_t viet_fold(const char *src, size_t len, char *dst, size_t dstlen, int keep_other);

/* As viet_fold, then lower-cased (ASCII). */
size_t viet_fold_lower(const char *src, size_t len, char *dst, size_t dstlen);

#endif

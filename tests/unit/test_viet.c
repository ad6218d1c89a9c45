/* test_viet.c: viet_fold over all 134 precomposed Vietnamese letters (listed
 * literally, generated once with Python's unicodedata, not with utf8proc),
 * decomposed input, old and new tone placement, other scripts, invalid
 * UTF-8 and small buffers. */
#include <stdlib.h>
#include <utf8proc.h>

#include "check.h"
#include "sms/utf8.h"
#include "sms/viet.h"

static const char letters[] =
	"áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ"
	"ÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴĐ";
static const char folded[] =
	"aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
	"AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD";

static const char *fold(const char *s)
{
	static char out[512];
	viet_fold(s, strlen(s), out, sizeof out, 0);
	return out;
}

TEST(all_134_letters)
{
	/* One at a time, so a failure names the letter. */
	size_t i = 0, k = 0, count = 0;
	uint32_t cp;
	while (letters[i]) {
		size_t n = utf8_decode(letters + i, strlen(letters + i), &cp);
		CHECK(n >= 2);
		if (n == 0)
			break;
		char one[8] = { 0 }, out[8];
		memcpy(one, letters + i, n);
		size_t w = viet_fold(one, n, out, sizeof out, 0);
		CHECKF(w == 1 && out[0] == folded[k], "U+%04X folds to '%s', want '%c'", cp, out,
		       folded[k]);
		i += n;
		k++;
		count++;
	}
	CHECK_INT(count, 134);
	CHECK_STR(fold(letters), folded);
}

TEST(decomposed_and_tone_placement)
{
	/* NFD: a + grave, u + horn + hook above, d-stroke stays precomposed. */
	CHECK_STR(fold("ho\u0300a"), "hoa");	/* old placement, decomposed */
	CHECK_STR(fold("hoa\u0300"), "hoa");	/* new placement, decomposed */
	CHECK_STR(fold("hòa"), "hoa");
	CHECK_STR(fold("hoà"), "hoa");
	CHECK_STR(fold("Ha\u0323 Ho\u0300a"), "Ha Hoa");
	CHECK_STR(fold("Hạ Hòa"), "Ha Hoa");
	CHECK_STR(fold("thu\u031b\u0309"), "thu");
	CHECK_STR(fold("\u0110a\u0323i Pha\u0323m"), "Dai Pham");
	CHECK_STR(fold("Vô Tranh, Lệnh Khanh, Chính Công, Bằng Giã, Đại Phạm"),
		  "Vo Tranh, Lenh Khanh, Chinh Cong, Bang Gia, Dai Pham");
	CHECK_STR(fold("cộng tác viên giảm nghèo"), "cong tac vien giam ngheo");
	/* Stacked marks on one base in odd order still vanish. */
	CHECK_STR(fold("e\u0323\u0302"), "e");
	CHECK_STR(fold("\u0301"), "");
}

TEST(other_characters)
{
	CHECK_STR(fold("plain ASCII 123 !?"), "plain ASCII 123 !?");
	CHECK_STR(fold("café naïve"), "cafe naive");
	CHECK_STR(fold("ＤＡ２"), "DA2");	/* fullwidth, as some keyboards send */
	CHECK_STR(fold("\u201cbáo cáo\u201d \u2013 ok"), "\"bao cao\" - ok");
	CHECK_STR(fold("😀 €"), "? ?");
	char out[64];
	viet_fold("😀 đ €", strlen("😀 đ €"), out, sizeof out, 1);
	CHECK_STR(out, "😀 d €");
	CHECK_STR(fold("a\xff" "b\xc3"), "a?b?");
	viet_fold_lower("Đại PHẠM", strlen("Đại PHẠM"), out, sizeof out);
	CHECK_STR(out, "dai pham");
}

TEST(small_buffers)
{
	char out[4];
	CHECK_INT(viet_fold("Đại Phạm", strlen("Đại Phạm"), out, sizeof out, 0), 3);
	CHECK_STR(out, "Dai");
	char k[3];
	/* keep_other never writes half a character. */
	CHECK_INT(viet_fold("a😀", strlen("a😀"), k, sizeof k, 1), 1);
	CHECK_STR(k, "a");
	CHECK_INT(viet_fold("abc", 3, out, 0, 0), 0);
	CHECK_INT(viet_fold("abc", 3, out, 1, 0), 0);
	CHECK_STR(out, "");
	/* Not NUL-terminated input: only len bytes are read. */
	const char s[3] = { 'x', 'y', 'z' };
	CHECK_INT(viet_fold(s, 2, out, sizeof out, 0), 2);
	CHECK_STR(out, "xy");
}

TEST(nfc_nfd_same_fold)
{
	/* Property: for random Vietnamese text, fold(NFC) == fold(NFD) ==
	 * fold(NFKD), the result is pure ASCII, and folding is idempotent. */
	unsigned seed = 1;
	size_t nl = strlen(letters);
	for (int iter = 0; iter < 300; iter++) {
		char in[600];
		size_t o = 0;
		int n = (int)(rand_r(&seed) % 60);
		for (int i = 0; i < n; i++) {
			if (rand_r(&seed) % 3 == 0) {
				in[o++] = (char)"abc xyz,.0189"[rand_r(&seed) % 13];
				continue;
			}
			size_t at = (size_t)rand_r(&seed) % nl;
			while (at && ((unsigned char)letters[at] & 0xC0) == 0x80)
				at--;
			uint32_t cp;
			size_t k = utf8_decode(letters + at, nl - at, &cp);
			memcpy(in + o, letters + at, k);
			o += k;
		}
		in[o] = '\0';
		utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
		utf8proc_uint8_t *nfd = utf8proc_NFD((const utf8proc_uint8_t *)in);
		char a[600], b[600], c[600];
		viet_fold((const char *)nfc, strlen((char *)nfc), a, sizeof a, 0);
		viet_fold((const char *)nfd, strlen((char *)nfd), b, sizeof b, 0);
		viet_fold(a, strlen(a), c, sizeof c, 0);
		CHECKF(!strcmp(a, b), "NFC '%s' and NFD '%s' fold differently", a, b);
		CHECKF(!strcmp(a, c), "fold is not idempotent: '%s' -> '%s'", a, c);
		for (const char *p = a; *p; p++)
			CHECKF((unsigned char)*p < 0x80 && *p != '?', "non-ASCII or '?' in '%s'", a);
		CHECK(strlen((char *)nfd) >= strlen((char *)nfc));
		free(nfc);
		free(nfd);
	}
}

int main(void)
{
	RUN(nfc_nfd_same_fold);
	RUN(all_134_letters);
	RUN(decomposed_and_tone_placement);
	RUN(other_characters);
	RUN(small_buffers);
	return check_done();
}

/* test_catalog.c: loading catalog.conf (the shipped one and broken ones with
 * their FILE:LINE errors), days, fuzzy place lookup, effective dates. */
#include "check.h"

#include <stdlib.h>

#include "catalog.h"

static struct catalog *shipped(void)
{
	char why[300];
	struct catalog *c = NULL;
	const char *root = getenv("TINBAO_ROOT");
	char path[512];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root ? root : ".");
	if (catalog_load(&c, path, why, sizeof why) < 0)
		fprintf(stderr, "catalog: %s\n", why);
	return c;
}

TEST(loads_shipped)
{
	struct catalog *c = shipped();
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(catalog_project_count(c) >= 11);
	CHECK(catalog_commune_count(c) >= 20);
	CHECK(catalog_village_count(c) >= 80);
	const struct catalog_project *p = catalog_project_find(c, "DA4.1");
	CHECK(p && !strcmp(p->code, "DA4.1"));
	CHECK(catalog_project_find(c, "da 4,1") == p);
	CHECK(catalog_project_find(c, "4.1") == p);
	CHECK(catalog_project_find(c, "DA41") == p);
	CHECK(catalog_project_find(c, "da2") == catalog_project_find(c, "DA2"));
	CHECK(catalog_project_find(c, "DA9") == NULL);
	CHECK(catalog_project_find(c, "rs") && catalog_project_find(c, "rs")->review);
	const struct catalog_indicator *hv = catalog_indicator_by_code(c, "HV");
	CHECK(hv && hv->type == CATALOG_COUNT && hv->max == 500);
	CHECK(hv && catalog_project_allows(p, hv));
	CHECK(hv && !catalog_project_allows(catalog_project_find(c, "DA3.2"), hv));
	CHECK_STR(hv ? hv->name_ascii : "", "hoc vien");
	CHECK(p && p->nrules >= 2 && p->rules[0].nparts == 3 && p->rules[0].total == hv);
	CHECK(p && p->ntargets == 2);
	CHECK(catalog_indicator_by_code(c, "KP")->type == CATALOG_MONEY);
	catalog_free(c);
	catalog_free(NULL);
}

TEST(days)
{
	CHECK_INT(catalog_day_from_ymd(1970, 1, 1), 0);
	CHECK_INT(catalog_day_from_ymd(2025, 7, 1), 20270);
	int y, m, d;
	catalog_day_to_ymd(20270, &y, &m, &d);
	CHECK(y == 2025 && m == 7 && d == 1);
	CHECK_INT(catalog_day_parse("2024-02-29"), catalog_day_from_ymd(2024, 2, 29));
	CHECK_INT(catalog_day_parse("2023-02-29"), CATALOG_DAY_NONE);
	CHECK_INT(catalog_day_parse("2023-2-1"), CATALOG_DAY_NONE);
	char buf[16];
	catalog_day_format(catalog_day_from_ymd(2026, 11, 20), buf, sizeof buf);
	CHECK_STR(buf, "2026-11-20");
	/* 2026-11-25 17:30 UTC is already the 26th in Hà Nội. */
	int64_t t = (int64_t)catalog_day_from_ymd(2026, 11, 25) * 86400 + 17 * 3600 + 1800;
	int off = -1;
	CHECK(catalog_tz_offset("Asia/Ho_Chi_Minh", t, &off) == 0);
	CHECK_INT(off, 7 * 3600);
	CHECK_INT(catalog_day_of(t, off), catalog_day_from_ymd(2026, 11, 26));
	CHECK_INT(catalog_day_of(t, 0), catalog_day_from_ymd(2026, 11, 25));
	CHECK(catalog_tz_offset("+05:30", t, &off) == 0 && off == 5 * 3600 + 1800);
	CHECK(catalog_tz_offset("Mars/Olympus", t, &off) < 0);
	CHECK(catalog_tz_offset("../../etc/passwd", t, &off) < 0);
}

TEST(edit_distance)
{
	CHECK_INT(catalog_edit_distance("votranh", "votranh", 1), 0);
	CHECK_INT(catalog_edit_distance("votrnah", "votranh", 1), 1);	/* transposition */
	CHECK_INT(catalog_edit_distance("votrah", "votranh", 1), 1);
	CHECK_INT(catalog_edit_distance("vtrah", "votranh", 1), 2);
	CHECK_INT(catalog_edit_distance("", "ab", 5), 2);
	char k[64];
	catalog_fold_key("Xã  Võ Tranh, thôn 3", k, sizeof k);
	CHECK_STR(k, "xavotranhthon3");
}

static void place(struct catalog *c, const char *text, catalog_day day, const char *commune,
		  const char *village)
{
	struct catalog_place_match m;
	int r = catalog_find_place(c, text, day, &m);
	const char *gc = m.commune ? m.commune->code : "";
	const char *gv = m.village ? m.village->code : "";
	CHECKF(r == (commune[0] != 0) && !strcmp(gc, commune) && !strcmp(gv, village),
	       "place \"%s\": got %d %s %s, want %s %s (suggest %s)", text, r, gc, gv, commune,
	       village, m.suggestion);
}

TEST(places)
{
	struct catalog *c = shipped();
	if (!c) {
		CHECK(0);
		return;
	}
	catalog_day now = catalog_day_from_ymd(2026, 11, 20);
	catalog_day old = catalog_day_from_ymd(2024, 3, 10);
	place(c, "Vo Tranh", now, "vo-tranh", "");
	place(c, "votranh", now, "vo-tranh", "");
	place(c, "xa Vo Tranh thon 3", now, "vo-tranh", "vo-tranh/thon-3");
	place(c, "XÃ VÕ TRANH THÔN 3", now, "vo-tranh", "vo-tranh/thon-3");
	place(c, "Vo Tranh T3", now, "vo-tranh", "vo-tranh/thon-3");
	place(c, "vo tranh, thon 03", now, "vo-tranh", "vo-tranh/thon-3");
	place(c, "Vo Tranh 2", now, "vo-tranh", "vo-tranh/thon-2");
	place(c, "Vo Trnah thon 1", now, "vo-tranh", "vo-tranh/thon-1");	/* one typo */
	place(c, "Vo Tranh thn 4", now, "vo-tranh", "vo-tranh/thon-4");
	place(c, "Dai Pham khu 6", now, "dai-pham", "dai-pham/khu-6");
	place(c, "đại phạm k2", now, "dai-pham", "dai-pham/khu-2");
	place(c, "Yen Ky", now, "yen-ky", "");
	place(c, "Hanoi", now, "", "");
	/* Thôn 5 of Vô Tranh moved to Lệnh Khanh on 2025-07-01. */
	place(c, "Vo Tranh thon 5", old, "vo-tranh", "vo-tranh/thon-5");
	place(c, "Vo Tranh thon 5", now, "lenh-khanh", "lenh-khanh/thon-6");
	place(c, "Lenh Khanh thon 6", now, "lenh-khanh", "lenh-khanh/thon-6");
	/* The town and Minh Hạc were merged into xã Hạ Hòa. */
	place(c, "thi tran Ha Hoa khu 2", old, "tt-ha-hoa", "tt-ha-hoa/khu-2");
	place(c, "Ha Hoa khu 2", now, "ha-hoa", "ha-hoa/khu-2");
	place(c, "TT Ha Hoa khu 2", now, "ha-hoa", "ha-hoa/khu-2");
	place(c, "Minh Hac thon 2", old, "minh-hac", "minh-hac/thon-2");
	place(c, "Minh Hac thon 2", now, "ha-hoa", "ha-hoa/minh-hac-2");
	place(c, "Minh Hac", now, "ha-hoa", "");

	struct catalog_place_match m;
	CHECK(catalog_find_place(c, "Vo Trang", now, &m) == 1 && m.fuzzy);
	CHECK(catalog_find_place(c, "Ha Loung", now, &m) == 1 && !strcmp(m.commune->code, "ha-luong"));
	CHECK(catalog_find_place(c, "Xuan An", now, &m) == 1 || m.suggestion[0]);
	CHECK(catalog_find_place(c, "Vinh Chien", now, &m) == 0);
	CHECK_STR(m.suggestion, "Vinh Chan");

	CHECK(catalog_village_as_of(c, "vo-tranh/thon-5", now) ==
	      catalog_village_by_code(c, "lenh-khanh/thon-6", now));
	CHECK(catalog_village_by_code(c, "vo-tranh/thon-5", now) == NULL);
	CHECK(catalog_commune_as_of(c, "minh-hac", now) == catalog_commune_by_code(c, "ha-hoa", now));
	CHECK(catalog_commune_as_of(c, "ha-hoa", old) == NULL);

	/* A village alone, within the sender's commune. */
	const char *w[] = { "thon", "3", "hv", "25" };
	CHECK(catalog_match_place(c, w, 4, catalog_commune_by_code(c, "vo-tranh", now), now, &m) == 1);
	CHECK(m.village && !strcmp(m.village->code, "vo-tranh/thon-3") && m.words_used == 2);
	catalog_free(c);
}

static void bad(const char *text, const char *want)
{
	char why[300] = "";
	struct catalog *c = NULL;
	int r = catalog_load_string(&c, text, "t.conf", why, sizeof why);
	CHECKF(r < 0 && c == NULL && strstr(why, want), "config error: got \"%s\", want \"%s\"",
	       why, want);
	catalog_free(c);
}

#define IND "indicators = ( { code = \"HV\"; name = \"học viên\"; unit = \"người\"; type = \"count\"; max = 10; } );\n"
#define PRJ "projects = ( { code = \"DA4.1\"; name = \"x\"; indicators = [\"HV\"]; example = \"HV 1\"; } );\n"
#define COM "communes = ( { name = \"Vô Tranh\"; villages = (\"Thôn 1\"); } );\n"

TEST(config_errors)
{
	char why[300];
	struct catalog *c = NULL;
	CHECK(catalog_load_string(&c, IND PRJ COM, "t.conf", why, sizeof why) == 0);
	CHECK(c && catalog_village_by_code(c, "vo-tranh/thon-1", CATALOG_DAY_NONE));
	catalog_free(c);
	bad(IND PRJ COM "colour = 1;\n", "t.conf:4: unknown key 'colour'");
	bad(IND PRJ "communes = ( { name = \"A\"; vilages = (); } );\n", "t.conf:3: unknown key 'vilages'");
	bad("indicators = ( { code = \"HV\"; name = \"x\"; unit = \"u\"; type = \"lots\"; max = 10; } );\n" PRJ COM,
	    "t.conf:1: indicator HV: type must be");
	bad(IND "projects = ( { code = \"DA4.1\"; name = \"x\";\n indicators = [\"HV\", \"ZZ\"]; example = \"e\"; } );\n" COM,
	    "no indicator with code \"ZZ\"");
	bad(IND "projects = ( { code = \"DA4.1\"; name = \"x\"; indicators = [\"HV\"];\n rules = [\"HN <= HV\"]; example = \"e\"; } );\n" COM,
	    "t.conf:3: project DA4.1: rule part \"HN\"");
	bad(IND PRJ "communes = ( { name = \"A\"; until = \"2025-13-01\"; } );\n", "t.conf:3: commune: until must be a date");
	bad(IND PRJ "communes = ( { name = \"A\"; until = \"2025-01-01\"; merged_into = \"b\"; } );\n",
	    "merged_into \"b\" names no other commune");
	bad(IND PRJ "communes = ( { name = \"A\"; villages = (\"T 1\", \"T 1\"); } );\n", "village code a/t-1 used twice");
	bad(IND PRJ "communes = ( { name = 5; } );\n", "t.conf:3: commune: name must be a string");
	bad(IND PRJ COM "version = \n", "t.conf:");
	bad(IND "projects = ( { code = \"DA4.1\"; name = \"x\"; indicators = [\"HV\"]; } );\n" COM, "needs example");
	c = NULL;
	CHECK(catalog_load(&c, "/nonexistent/catalog.conf", why, sizeof why) < 0 && c == NULL);
	CHECK(strstr(why, "/nonexistent/catalog.conf:0:") != NULL);
}

int main(void)
{
	RUN(loads_shipped);
	RUN(days);
	RUN(edit_distance);
	RUN(places);
	RUN(config_errors);
	return check_done();
}

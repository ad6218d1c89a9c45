/* catalog_internal.h: the catalog's storage, shared by catalog.c (loading,
 * accessors) and catalog_match.c (days, folding, fuzzy place lookup) only. */
#ifndef TINBAO_CATALOG_INTERNAL_H
#define TINBAO_CATALOG_INTERNAL_H

#include "catalog.h"

struct catalog {
	struct catalog_indicator *ind;
	size_t nind;
	struct catalog_project *proj;
	size_t nproj;
	struct catalog_commune *com;	/* in config order */
	size_t ncom;
	struct catalog_village *vil;	/* grouped by commune, in config order */
	size_t nvil;
	struct catalog_settings settings;
	/* Every indicator synonym (folded, no spaces) → indicator: open
	 * addressing, size a power of two, NULL key = empty slot. */
	struct catalog_synonym_slot {
		const char *key;
		const struct catalog_indicator *ind;
	} *syn;
	size_t syn_mask;
	/* Village codes → index into vil (first of equal codes), same scheme. */
	int32_t *vil_slot;	/* -1 = empty */
	size_t vil_mask;
	/* First two letters of every commune name and alias (a-z only). */
	unsigned char prefix2[26 * 26];
};

#endif

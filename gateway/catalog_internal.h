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
};

#endif

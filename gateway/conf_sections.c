/* conf_sections.c: the table of top-level config sections parsed by their
 * owners' files (see conf.h, struct conf_section, and
 * docs/configuration.md, "Adding a section"). To add one: include your
 * header and add one line above the NULL entry, e.g.
 *     { "summary", conf_summary_parse, conf_summary_print, conf_summary_free },
 * Keep the entries sorted by name. */
#include <stddef.h>

#include "conf.h"
#include "conf_office.h"
#include "conf_ussd.h"

const struct conf_section conf_sections[] = {
	{ "credit", conf_ussd_credit_parse, conf_ussd_credit_print, conf_ussd_credit_free },
	{ "reminders", conf_office_reminders_parse, conf_office_reminders_print, conf_office_reminders_free },
	{ "summary", conf_office_summary_parse, conf_office_summary_print, conf_office_summary_free },
	{ "ussd_http", conf_ussd_http_parse, conf_ussd_http_print, conf_ussd_http_free },
	{ "ussd_menu", conf_ussd_menu_parse, conf_ussd_menu_print, conf_ussd_menu_free },
	{ NULL, NULL, NULL, NULL },
};

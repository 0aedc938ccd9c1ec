/* bd-registration-page.h: one traveller, from MRZ to decision.
 *
 * The "MRZ" view takes keyboard-wedge readers and typing: Enter separates
 * lines until a complete zone has parsed and ends with a line break (the
 * reader's last Enter); the next Enter admits.  Every change re-runs the
 * checks in the background; decisions go through the core, which enforces
 * the override rule. */
#pragma once

#include <gtk/gtk.h>

#include "bd-page.h"

G_BEGIN_DECLS

#define BD_TYPE_REGISTRATION_PAGE (bd_registration_page_get_type ())
G_DECLARE_FINAL_TYPE (BdRegistrationPage, bd_registration_page, BD, REGISTRATION_PAGE, BdPage)

GtkWidget *bd_registration_page_new   (BdDeskContext *context);
/* Clears the page for the next traveller; focus in "MRZ". */
void       bd_registration_page_reset (BdRegistrationPage *self);
/* Fills "MRZ" as if typed (corrections, tests). */
void       bd_registration_page_set_mrz             (BdRegistrationPage *self, const char *text);
/* Fills "MRZ" with a zone from a serial reader: recorded as read by a
 * reader; the next Enter admits. */
void       bd_registration_page_set_mrz_from_reader (BdRegistrationPage *self, const char *text);

G_END_DECLS

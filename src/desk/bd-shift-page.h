/* bd-shift-page.h: a logged-in officer without an open shift opens one. */
#pragma once

#include <gtk/gtk.h>

#include "bd-page.h"

G_BEGIN_DECLS

#define BD_TYPE_SHIFT_PAGE (bd_shift_page_get_type ())
G_DECLARE_FINAL_TYPE (BdShiftPage, bd_shift_page, BD, SHIFT_PAGE, BdPage)

GtkWidget *bd_shift_page_new   (BdDeskContext *context);
/* Greets the officer now logged in; focus on "Open shift". */
void       bd_shift_page_reset (BdShiftPage *self);

G_END_DECLS

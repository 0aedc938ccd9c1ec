/* bd-page.h: what every page of the window shares: the desk context (a
 * construct-only property) and a cancellable that ends the page's pending
 * work when the page goes away.  Derivable: the pages subclass it. */
#pragma once

#include <gtk/gtk.h>

#include "bd-desk-context.h"

G_BEGIN_DECLS

#define BD_TYPE_PAGE (bd_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (BdPage, bd_page, BD, PAGE, GtkBox)

struct _BdPageClass {
  GtkBoxClass parent_class;
};

BdDeskContext *bd_page_get_context     (BdPage *self);
/* Cancelled when the page is disposed. */
GCancellable  *bd_page_get_cancellable (BdPage *self);

G_END_DECLS

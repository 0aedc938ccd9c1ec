/* bd-amend-dialog.h: a correction of a recorded crossing: which field, its
 * right value, and why (required).  The crossing itself never changes: the
 * core records an amendment beside it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BD_TYPE_AMEND_DIALOG (bd_amend_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BdAmendDialog, bd_amend_dialog, BD, AMEND_DIALOG, GtkDialog)

GtkWidget  *bd_amend_dialog_new        (GtkWindow *parent);
/* The field as the core names it ("surname", "purpose", ...). */
const char *bd_amend_dialog_get_field  (BdAmendDialog *self);
const char *bd_amend_dialog_get_value  (BdAmendDialog *self);
const char *bd_amend_dialog_get_reason (BdAmendDialog *self);

G_END_DECLS

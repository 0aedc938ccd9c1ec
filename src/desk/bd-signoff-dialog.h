/* bd-signoff-dialog.h: a supervisor countersigns a closed shift: a note,
 * and their password to confirm (as the override dialog asks it). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BD_TYPE_SIGNOFF_DIALOG (bd_signoff_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BdSignoffDialog, bd_signoff_dialog, BD, SIGNOFF_DIALOG, GtkDialog)

/* @summary: what is being signed, such as "Shift 12 of g1, 08:00 to 16:00". */
GtkWidget  *bd_signoff_dialog_new          (GtkWindow *parent, const char *summary);
const char *bd_signoff_dialog_get_note     (BdSignoffDialog *self);
const char *bd_signoff_dialog_get_password (BdSignoffDialog *self);

G_END_DECLS

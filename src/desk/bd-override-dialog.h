/* bd-override-dialog.h: a supervisor's credentials, entered on the spot, to
 * admit over blocking checks.  The core checks them; this only asks. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BD_TYPE_OVERRIDE_DIALOG (bd_override_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BdOverrideDialog, bd_override_dialog, BD, OVERRIDE_DIALOG, GtkDialog)

/* @blocking: what blocks, one line per check, shown to the supervisor. */
GtkWidget  *bd_override_dialog_new          (GtkWindow *parent, const char *blocking);
const char *bd_override_dialog_get_username (BdOverrideDialog *self);
const char *bd_override_dialog_get_password (BdOverrideDialog *self);
const char *bd_override_dialog_get_reason   (BdOverrideDialog *self);

G_END_DECLS

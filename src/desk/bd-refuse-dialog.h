/* bd-refuse-dialog.h: the reasons for a refusal (Annex V Part B, A to I). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BD_TYPE_REFUSE_DIALOG (bd_refuse_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BdRefuseDialog, bd_refuse_dialog, BD, REFUSE_DIALOG, GtkDialog)

GtkWidget  *bd_refuse_dialog_new         (GtkWindow *parent);
/* The ticked letters, sorted ("" when none). */
char       *bd_refuse_dialog_get_reasons (BdRefuseDialog *self);
const char *bd_refuse_dialog_get_note    (BdRefuseDialog *self);

G_END_DECLS

/* bd-signoff-dialog.c: shift sign-off (bd-signoff-dialog.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-signoff-dialog.h"

struct _BdSignoffDialog {
  GtkDialog parent_instance;

  GtkWidget *explanation;
  GtkWidget *note;
  GtkWidget *password;
};

G_DEFINE_FINAL_TYPE (BdSignoffDialog, bd_signoff_dialog, GTK_TYPE_DIALOG)

static void
bd_signoff_dialog_class_init (BdSignoffDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-signoff-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BdSignoffDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, BdSignoffDialog, note);
  gtk_widget_class_bind_template_child (widget_class, BdSignoffDialog, password);
}

static void
bd_signoff_dialog_init (BdSignoffDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_signoff_dialog_new (GtkWindow *parent, const char *summary)
{
  BdSignoffDialog *self = g_object_new (BD_TYPE_SIGNOFF_DIALOG, "transient-for", parent,
                                        "use-header-bar", 1, NULL);
  /* Translators: %s says which shift, such as "shift 12 of g1". */
  g_autofree char *text = g_strdup_printf (_("Countersign %s. A signed-off shift is read-only: "
                                             "later corrections show as amendments."), summary);

  gtk_label_set_text (GTK_LABEL (self->explanation), text);
  return GTK_WIDGET (self);
}

const char *
bd_signoff_dialog_get_note (BdSignoffDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->note));
}

const char *
bd_signoff_dialog_get_password (BdSignoffDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->password));
}

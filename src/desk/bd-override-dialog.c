/* bd-override-dialog.c: supervisor override (bd-override-dialog.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-override-dialog.h"

struct _BdOverrideDialog {
  GtkDialog parent_instance;

  GtkWidget *explanation;
  GtkWidget *username;
  GtkWidget *password;
  GtkWidget *reason;
};

G_DEFINE_FINAL_TYPE (BdOverrideDialog, bd_override_dialog, GTK_TYPE_DIALOG)

static void
bd_override_dialog_class_init (BdOverrideDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-override-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BdOverrideDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, BdOverrideDialog, username);
  gtk_widget_class_bind_template_child (widget_class, BdOverrideDialog, password);
  gtk_widget_class_bind_template_child (widget_class, BdOverrideDialog, reason);
}

static void
bd_override_dialog_init (BdOverrideDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_override_dialog_new (GtkWindow *parent, const char *blocking)
{
  BdOverrideDialog *self = g_object_new (BD_TYPE_OVERRIDE_DIALOG, "transient-for", parent,
                                         "use-header-bar", 1, NULL);
  g_autofree char *text = g_strdup_printf (_("Admitting this traveller needs a supervisor:\n%s"),
                                           blocking);

  gtk_label_set_text (GTK_LABEL (self->explanation), text);
  return GTK_WIDGET (self);
}

const char *
bd_override_dialog_get_username (BdOverrideDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->username));
}

const char *
bd_override_dialog_get_password (BdOverrideDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->password));
}

const char *
bd_override_dialog_get_reason (BdOverrideDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->reason));
}

/* bd-amend-dialog.c: amending a crossing (bd-amend-dialog.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-amend-dialog.h"

struct _BdAmendDialog {
  GtkDialog parent_instance;

  GtkWidget *field;
  GtkWidget *value;
  GtkWidget *reason;
  GtkWidget *record_button;
};

G_DEFINE_FINAL_TYPE (BdAmendDialog, bd_amend_dialog, GTK_TYPE_DIALOG)

/* No reason, no amendment (the core says so too). */
static void
on_reason_changed_cb (BdAmendDialog *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (self->reason))));

  gtk_widget_set_sensitive (self->record_button, *reason != '\0');
}

static void
bd_amend_dialog_class_init (BdAmendDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-amend-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BdAmendDialog, field);
  gtk_widget_class_bind_template_child (widget_class, BdAmendDialog, value);
  gtk_widget_class_bind_template_child (widget_class, BdAmendDialog, reason);
  gtk_widget_class_bind_template_child (widget_class, BdAmendDialog, record_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_changed_cb);
}

static void
bd_amend_dialog_init (BdAmendDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_amend_dialog_new (GtkWindow *parent)
{
  return g_object_new (BD_TYPE_AMEND_DIALOG, "transient-for", parent, "use-header-bar", 1,
                       NULL);
}

const char *
bd_amend_dialog_get_field (BdAmendDialog *self)
{
  return gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->field));
}

const char *
bd_amend_dialog_get_value (BdAmendDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->value));
}

const char *
bd_amend_dialog_get_reason (BdAmendDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->reason));
}

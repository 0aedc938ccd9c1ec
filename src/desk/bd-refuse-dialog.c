/* bd-refuse-dialog.c: refusal reasons (bd-refuse-dialog.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-refuse-dialog.h"

struct _BdRefuseDialog {
  GtkDialog parent_instance;

  GtkWidget *reasons;
  GtkWidget *note;
  GtkWidget *refuse_button;
  GtkWidget *checks[9];
};

G_DEFINE_FINAL_TYPE (BdRefuseDialog, bd_refuse_dialog, GTK_TYPE_DIALOG)

/* Regulation (EU) 2016/399, Annex V Part B, the standard form's letters. */
static const char *const reason_text[9] = {
  N_("A: has no valid travel document"),
  N_("B: has a false, counterfeit or forged travel document"),
  N_("C: has no valid visa or residence permit"),
  N_("D: has a false, counterfeit or forged visa or residence permit"),
  N_("E: has no appropriate documentation justifying the purpose and conditions of stay"),
  N_("F: has already stayed 90 days in the current 180-day period"),
  N_("G: does not have sufficient means of subsistence"),
  N_("H: is subject to an alert for refusal of entry"),
  N_("I: is a threat to public policy, internal security, public health or international "
     "relations"),
};

static void
on_reason_toggled_cb (BdRefuseDialog *self)
{
  g_autofree char *letters = bd_refuse_dialog_get_reasons (self);

  /* A refusal without a reason cannot be recorded. */
  gtk_widget_set_sensitive (self->refuse_button, *letters != '\0');
}

static void
bd_refuse_dialog_class_init (BdRefuseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-refuse-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BdRefuseDialog, reasons);
  gtk_widget_class_bind_template_child (widget_class, BdRefuseDialog, note);
  gtk_widget_class_bind_template_child (widget_class, BdRefuseDialog, refuse_button);
}

static void
bd_refuse_dialog_init (BdRefuseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (self->checks); i++)
    {
      self->checks[i] = gtk_check_button_new_with_label (_(reason_text[i]));
      atk_object_set_name (gtk_widget_get_accessible (self->checks[i]), _(reason_text[i]));
      g_signal_connect_swapped (self->checks[i], "toggled", G_CALLBACK (on_reason_toggled_cb),
                                self);
      gtk_container_add (GTK_CONTAINER (self->reasons), self->checks[i]);
      gtk_widget_show (self->checks[i]);
    }
  gtk_widget_set_sensitive (self->refuse_button, FALSE);
}

GtkWidget *
bd_refuse_dialog_new (GtkWindow *parent)
{
  return g_object_new (BD_TYPE_REFUSE_DIALOG, "transient-for", parent, "use-header-bar", 1,
                       NULL);
}

char *
bd_refuse_dialog_get_reasons (BdRefuseDialog *self)
{
  GString *letters = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (self->checks); i++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->checks[i])))
      g_string_append_c (letters, 'A' + i);
  return g_string_free (letters, FALSE);
}

const char *
bd_refuse_dialog_get_note (BdRefuseDialog *self)
{
  return gtk_entry_get_text (GTK_ENTRY (self->note));
}

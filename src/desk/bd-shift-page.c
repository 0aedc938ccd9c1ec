/* bd-shift-page.c: opening a shift (bd-shift-page.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-shift-page.h"

struct _BdShiftPage {
  BdPage parent_instance;

  GtkWidget *greeting;
  GtkWidget *lane;
  GtkWidget *open_button;
  GtkWidget *message;
};

G_DEFINE_FINAL_TYPE (BdShiftPage, bd_shift_page, BD_TYPE_PAGE)


static void
on_open_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdShiftPage *self;

  if (!bd_desk_context_open_shift_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SHIFT_PAGE (user_data);
  gtk_widget_set_sensitive (self->open_button, TRUE);
  if (error != NULL)
    gtk_label_set_text (GTK_LABEL (self->message), error->message);
}

static void
on_open_button_clicked_cb (BdShiftPage *self)
{
  gtk_label_set_text (GTK_LABEL (self->message), "");
  gtk_widget_set_sensitive (self->open_button, FALSE);
  bd_desk_context_open_shift_async (bd_page_get_context (BD_PAGE (self)),
                                    gtk_entry_get_text (GTK_ENTRY (self->lane)),
                                    bd_page_get_cancellable (BD_PAGE (self)), on_open_done_cb,
                                    self);
}

static void
bd_shift_page_class_init (BdShiftPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-shift-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BdShiftPage, greeting);
  gtk_widget_class_bind_template_child (widget_class, BdShiftPage, lane);
  gtk_widget_class_bind_template_child (widget_class, BdShiftPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, BdShiftPage, message);
  gtk_widget_class_bind_template_callback (widget_class, on_open_button_clicked_cb);
}

static void
bd_shift_page_init (BdShiftPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_shift_page_new (BdDeskContext *context)
{
  return g_object_new (BD_TYPE_SHIFT_PAGE, "context", context, NULL);
}

void
bd_shift_page_reset (BdShiftPage *self)
{
  g_autofree char *text = NULL;

  /* Translators: the officer's username and the desk, such as UTO-ALP/1. */
  text = g_strdup_printf (_("%s at desk %s: no shift is open"),
                          bd_desk_context_get_username (bd_page_get_context (BD_PAGE (self))),
                          bd_desk_context_get_desk_id (bd_page_get_context (BD_PAGE (self))));
  gtk_label_set_text (GTK_LABEL (self->greeting), text);
  gtk_label_set_text (GTK_LABEL (self->message), "");
  gtk_widget_grab_focus (self->open_button);
}

/* bd-lock-page.c: the idle lock (bd-lock-page.h).  Emits "unlocked". */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-lock-page.h"

struct _BdLockPage {
  BdPage parent_instance;

  GtkWidget *username;
  GtkWidget *password;
  GtkWidget *unlock_button;
  GtkWidget *message;
};

G_DEFINE_FINAL_TYPE (BdLockPage, bd_lock_page, BD_TYPE_PAGE)

enum {
  UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_unlock_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdLockPage *self;

  if (!bd_desk_context_unlock_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_LOCK_PAGE (user_data);
  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  gtk_entry_set_text (GTK_ENTRY (self->password), "");
  if (error != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->message), error->message);
      gtk_widget_grab_focus (self->password);
      return;
    }
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
on_unlock_button_clicked_cb (BdLockPage *self)
{
  gtk_label_set_text (GTK_LABEL (self->message), _("Checking…"));
  gtk_widget_set_sensitive (self->unlock_button, FALSE);
  bd_desk_context_unlock_async (bd_page_get_context (BD_PAGE (self)),
                                gtk_entry_get_text (GTK_ENTRY (self->username)),
                                gtk_entry_get_text (GTK_ENTRY (self->password)),
                                bd_page_get_cancellable (BD_PAGE (self)), on_unlock_done_cb, self);
}

static void
bd_lock_page_class_init (BdLockPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BdLockPage, username);
  gtk_widget_class_bind_template_child (widget_class, BdLockPage, password);
  gtk_widget_class_bind_template_child (widget_class, BdLockPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, BdLockPage, message);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_button_clicked_cb);
}

static void
bd_lock_page_init (BdLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_lock_page_new (BdDeskContext *context)
{
  return g_object_new (BD_TYPE_LOCK_PAGE, "context", context, NULL);
}

void
bd_lock_page_reset (BdLockPage *self)
{
  const char *user = bd_desk_context_get_username (bd_page_get_context (BD_PAGE (self)));

  gtk_entry_set_text (GTK_ENTRY (self->username), user != NULL ? user : "");
  gtk_entry_set_text (GTK_ENTRY (self->password), "");
  gtk_label_set_text (GTK_LABEL (self->message), "");
  gtk_widget_grab_focus (self->password);
}

/* bd-login-page.c: logging in (bd-login-page.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-login-page.h"

struct _BdLoginPage {
  BdPage parent_instance;

  GtkWidget *username;
  GtkWidget *password;
  GtkWidget *login_button;
  GtkWidget *message;
};

G_DEFINE_FINAL_TYPE (BdLoginPage, bd_login_page, BD_TYPE_PAGE)


static void
on_login_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdLoginPage *self;

  if (!bd_desk_context_login_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_LOGIN_PAGE (user_data);
  gtk_widget_set_sensitive (self->login_button, TRUE);
  gtk_entry_set_text (GTK_ENTRY (self->password), "");
  if (error != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->message), error->message);
      gtk_widget_grab_focus (self->password);
    }
}

static void
on_login_button_clicked_cb (BdLoginPage *self)
{
  const char *username = gtk_entry_get_text (GTK_ENTRY (self->username));

  if (*username == '\0')
    {
      gtk_label_set_text (GTK_LABEL (self->message), _("Enter your username"));
      gtk_widget_grab_focus (self->username);
      return;
    }
  gtk_label_set_text (GTK_LABEL (self->message), _("Checking…"));
  gtk_widget_set_sensitive (self->login_button, FALSE);
  bd_desk_context_login_async (bd_page_get_context (BD_PAGE (self)), username,
                               gtk_entry_get_text (GTK_ENTRY (self->password)),
                               bd_page_get_cancellable (BD_PAGE (self)), on_login_done_cb, self);
}

static void
on_password_activate_cb (BdLoginPage *self)
{
  on_login_button_clicked_cb (self);
}

static void
bd_login_page_class_init (BdLoginPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BdLoginPage, username);
  gtk_widget_class_bind_template_child (widget_class, BdLoginPage, password);
  gtk_widget_class_bind_template_child (widget_class, BdLoginPage, login_button);
  gtk_widget_class_bind_template_child (widget_class, BdLoginPage, message);
  gtk_widget_class_bind_template_callback (widget_class, on_login_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activate_cb);
}

static void
bd_login_page_init (BdLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bd_login_page_new (BdDeskContext *context)
{
  return g_object_new (BD_TYPE_LOGIN_PAGE, "context", context, NULL);
}

void
bd_login_page_reset (BdLoginPage *self)
{
  gtk_entry_set_text (GTK_ENTRY (self->username), "");
  gtk_entry_set_text (GTK_ENTRY (self->password), "");
  gtk_label_set_text (GTK_LABEL (self->message), "");
  gtk_widget_grab_focus (self->username);
}

/* bd-window.c: the desk's window (bd-window.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-application.h"
#include "bd-lock-page.h"
#include "bd-login-page.h"
#include "bd-registration-page.h"
#include "bd-shift-page.h"
#include "bd-supervisor-page.h"
#include "bd-window.h"

struct _BdWindow {
  GtkApplicationWindow parent_instance;

  BdDeskContext *context;
  GCancellable *cancellable;

  BdMrzReader *reader;
  BdSyncService *sync;

  GtkWidget *header;
  GtkWidget *reader_status;
  GtkWidget *sync_status;
  GtkWidget *watchlist_status;
  GtkWidget *stack;
  GtkWidget *logout_button;
  GtkWidget *close_shift_button;
  GtkWidget *supervisor_button;
  GtkWidget *login_page;
  GtkWidget *shift_page;
  GtkWidget *registration_page;
  GtkWidget *lock_page;
  GtkWidget *supervisor_page;
  GtkWidget *before_supervisor;   /* the page the supervisor page covers, or NULL */
  GtkWidget *locked_over;   /* the page the lock covers, NULL when unlocked */
  gboolean logout_after_close;
  guint idle_source;
};

G_DEFINE_FINAL_TYPE (BdWindow, bd_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The page follows the session: nobody, no shift, or at work. */
static void
on_session_changed_cb (BdWindow *self)
{
  const char *user = bd_desk_context_get_username (self->context);
  gint64 shift = bd_desk_context_get_shift (self->context);
  GAction *logout = g_action_map_lookup_action (G_ACTION_MAP (self), "logout");
  GAction *close = g_action_map_lookup_action (G_ACTION_MAP (self), "close-shift");
  g_autofree char *subtitle = NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (logout), user != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (close), user != NULL && shift != 0);
  gtk_widget_set_visible (self->logout_button, user != NULL);
  gtk_widget_set_visible (self->close_shift_button, user != NULL && shift != 0);
  /* Offered to the roles that may review; the core checks every call. */
  self->before_supervisor = NULL;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->supervisor_button), FALSE);
  gtk_widget_set_visible (self->supervisor_button, bd_desk_context_can_review (self->context));

  if (bd_desk_context_get_watchlist (self->context) != NULL)
    {
      /* Translators: the loaded watchlists, such as "local v1, 5 entries, 2026-11-28". */
      g_autofree char *text = g_strdup_printf (_("Watchlist: %s"),
                                               bd_desk_context_get_watchlist (self->context));
      gtk_label_set_text (GTK_LABEL (self->watchlist_status), text);
    }
  /* A new session ends any lock. */
  self->locked_over = NULL;
  gtk_widget_set_sensitive (self->header, TRUE);
  if (user == NULL)
    {
      gtk_header_bar_set_subtitle (GTK_HEADER_BAR (self->header), NULL);
      gtk_stack_set_visible_child (GTK_STACK (self->stack), self->login_page);
      bd_login_page_reset (BD_LOGIN_PAGE (self->login_page));
      return;
    }
  if (shift == 0)
    {
      /* Translators: officer, role, desk id. */
      subtitle = g_strdup_printf (_("%s (%s) · desk %s"), user,
                                  bd_desk_context_get_role (self->context),
                                  bd_desk_context_get_desk_id (self->context));
      gtk_header_bar_set_subtitle (GTK_HEADER_BAR (self->header), subtitle);
      gtk_stack_set_visible_child (GTK_STACK (self->stack), self->shift_page);
      bd_shift_page_reset (BD_SHIFT_PAGE (self->shift_page));
      return;
    }
  /* Translators: officer, role, desk id, shift number. */
  /* %lld, not G_GINT64_FORMAT: xgettext cannot see through a macro. */
  subtitle = g_strdup_printf (_("%s (%s) · desk %s · shift %lld"), user,
                              bd_desk_context_get_role (self->context),
                              bd_desk_context_get_desk_id (self->context), (long long) shift);
  gtk_header_bar_set_subtitle (GTK_HEADER_BAR (self->header), subtitle);
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->registration_page);
  bd_registration_page_reset (BD_REGISTRATION_PAGE (self->registration_page));
}

static void
on_unlocked_cb (BdWindow *self)
{
  GtkWidget *page = g_steal_pointer (&self->locked_over);

  gtk_widget_set_sensitive (self->header, TRUE);
  if (page != NULL)
    gtk_stack_set_visible_child (GTK_STACK (self->stack), page);
  if (page == self->registration_page)
    gtk_widget_grab_focus (GTK_WIDGET (gtk_widget_get_template_child (page,
                                                                      BD_TYPE_REGISTRATION_PAGE,
                                                                      "mrz")));
}

/* The supervisor page covers whichever page the session shows, and gives
 * it back untouched (a guard's half-typed traveller included). */
static void
on_supervisor_button_toggled_cb (BdWindow *self)
{
  gboolean active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->supervisor_button));
  GtkStack *stack = GTK_STACK (self->stack);

  if (active && self->before_supervisor == NULL && bd_desk_context_can_review (self->context))
    {
      self->before_supervisor = gtk_stack_get_visible_child (stack);
      gtk_stack_set_visible_child (stack, self->supervisor_page);
      bd_supervisor_page_reset (BD_SUPERVISOR_PAGE (self->supervisor_page));
    }
  else if (!active && self->before_supervisor != NULL)
    {
      gtk_stack_set_visible_child (stack, g_steal_pointer (&self->before_supervisor));
    }
}

static void
supervisor_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BdWindow *self = user_data;
  GtkToggleButton *button = GTK_TOGGLE_BUTTON (self->supervisor_button);

  if (gtk_widget_get_visible (self->supervisor_button) && self->locked_over == NULL)
    gtk_toggle_button_set_active (button, !gtk_toggle_button_get_active (button));
}

static gboolean
on_idle_check_cb (gpointer user_data)
{
  BdWindow *self = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  gint64 idle;

  if (app == NULL || !BD_IS_APPLICATION (app))
    return G_SOURCE_CONTINUE;
  idle = (g_get_monotonic_time () - bd_application_get_last_activity (BD_APPLICATION (app)))
         / G_USEC_PER_SEC;
  if (idle >= bd_application_get_idle_timeout (BD_APPLICATION (app)))
    bd_window_lock (self);
  return G_SOURCE_CONTINUE;
}

enum {
  LOGOUT_CLOSE_SHIFT = 1,
  LOGOUT_HAND_OVER = 2,
};

static void on_close_shift_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_logout_response_cb (GtkDialog *dialog, int response, BdWindow *self)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == LOGOUT_HAND_OVER)
    bd_desk_context_logout (self->context);
  else if (response == LOGOUT_CLOSE_SHIFT)
    {
      self->logout_after_close = TRUE;
      bd_desk_context_close_shift_async (self->context, NULL, self->cancellable,
                                         on_close_shift_done_cb, self);
    }
}

/* Changing officer: the leaving officer closes the shift, or hands the
 * desk over with the shift left open (they resume it at their next login). */
static void
logout_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BdWindow *self = user_data;
  GtkWidget *dialog;

  if (bd_desk_context_get_shift (self->context) == 0)
    {
      bd_desk_context_logout (self->context);
      return;
    }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                                   GTK_BUTTONS_NONE, _("Your shift is still open"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
    _("Close it now, or log out and hand over the desk with your shift left open."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Hand over"), LOGOUT_HAND_OVER,
                          _("_Close shift and log out"), LOGOUT_CLOSE_SHIFT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), LOGOUT_CLOSE_SHIFT);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_logout_response_cb), self, 0);
  gtk_widget_show (dialog);
}

static void
show_summary (BdWindow *self, JsonNode *report)
{
  JsonObject *o = json_node_get_object (report);
  JsonObject *counts = json_object_get_object_member (o, "counts");
  JsonObject *by_dir = json_object_get_object_member (counts, "by_direction");
  JsonObject *by_dec = json_object_get_object_member (counts, "by_decision");
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  text = g_strdup_printf (_("Shift %lld closed.\n\n"
                            "Crossings: %lld\n"
                            "Entries: %lld, exits: %lld\n"
                            "Admitted: %lld, refused: %lld, referred: %lld\n"
                            "Overrides: %lld"),
                          (long long) json_object_get_int_member (o, "shift"),
                          (long long) json_object_get_int_member (counts, "total"),
                          (long long) json_object_get_int_member_with_default (by_dir, "entry", 0),
                          (long long) json_object_get_int_member_with_default (by_dir, "exit", 0),
                          (long long) json_object_get_int_member_with_default (by_dec,
                                                                               "admitted", 0),
                          (long long) json_object_get_int_member_with_default (by_dec,
                                                                               "refused", 0),
                          (long long) json_object_get_int_member_with_default (by_dec,
                                                                               "referred", 0),
                          (long long) json_object_get_int_member (o, "overrides"));
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_INFO,
                                   GTK_BUTTONS_CLOSE, "%s", text);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
on_close_shift_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = bd_desk_context_close_shift_finish (BD_DESK_CONTEXT (source),
                                                                   result, &error);
  BdWindow *self;
  GtkWidget *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_WINDOW (user_data);
  if (report != NULL)
    {
      show_summary (self, report);
      if (self->logout_after_close)
        bd_desk_context_logout (self->context);
      self->logout_after_close = FALSE;
      return;
    }
  self->logout_after_close = FALSE;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
                                   GTK_BUTTONS_CLOSE, "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
close_shift_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BdWindow *self = user_data;

  bd_desk_context_close_shift_async (self->context, NULL, self->cancellable,
                                     on_close_shift_done_cb, self);
}

static void
lock_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  bd_window_lock (BD_WINDOW (user_data));
}

static const GActionEntry actions[] = {
  { "logout", logout_activated },
  { "close-shift", close_shift_activated },
  { "lock", lock_activated },
  { "supervisor", supervisor_activated },
};

static void
bd_window_constructed (GObject *object)
{
  BdWindow *self = BD_WINDOW (object);

  G_OBJECT_CLASS (bd_window_parent_class)->constructed (object);

  self->login_page = bd_login_page_new (self->context);
  self->shift_page = bd_shift_page_new (self->context);
  self->registration_page = bd_registration_page_new (self->context);
  gtk_stack_add_titled (GTK_STACK (self->stack), self->login_page, "login", _("Log in"));
  gtk_stack_add_titled (GTK_STACK (self->stack), self->shift_page, "shift", _("Shift"));
  gtk_stack_add_titled (GTK_STACK (self->stack), self->registration_page, "registration",
                        _("Registration"));
  atk_object_set_name (gtk_widget_get_accessible (self->registration_page), _("Registration"));
  self->supervisor_page = bd_supervisor_page_new (self->context);
  gtk_stack_add_titled (GTK_STACK (self->stack), self->supervisor_page, "supervisor",
                        _("Supervisor"));
  atk_object_set_name (gtk_widget_get_accessible (self->supervisor_page), _("Supervisor"));
  self->lock_page = bd_lock_page_new (self->context);
  gtk_stack_add_titled (GTK_STACK (self->stack), self->lock_page, "lock", _("Locked"));
  g_signal_connect_object (self->lock_page, "unlocked", G_CALLBACK (on_unlocked_cb), self,
                           G_CONNECT_SWAPPED);
  self->idle_source = g_timeout_add_seconds (5, on_idle_check_cb, self);
  g_signal_connect_object (self->context, "session-changed",
                           G_CALLBACK (on_session_changed_cb), self, G_CONNECT_SWAPPED);
  on_session_changed_cb (self);
}

static void
bd_window_dispose (GObject *object)
{
  BdWindow *self = BD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->reader != NULL)
    g_signal_handlers_disconnect_by_data (self->reader, self);
  g_clear_object (&self->reader);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (bd_window_parent_class)->dispose (object);
}

static void
bd_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BdWindow *self = BD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_window_class_init (BdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_window_constructed;
  object_class->dispose = bd_window_dispose;
  object_class->set_property = bd_window_set_property;
  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, BD_TYPE_DESK_CONTEXT,
                                                  G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/borderdesk/Desk/bd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BdWindow, header);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, reader_status);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, sync_status);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, watchlist_status);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, logout_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, close_shift_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, supervisor_button);
  gtk_widget_class_bind_template_callback (widget_class, on_supervisor_button_toggled_cb);
}

static void
bd_window_init (BdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}

static void
on_reader_zone_cb (BdWindow *self, const char *text)
{
  if (self->locked_over == NULL &&
      gtk_stack_get_visible_child (GTK_STACK (self->stack)) == self->registration_page)
    bd_registration_page_set_mrz_from_reader (BD_REGISTRATION_PAGE (self->registration_page),
                                              text);
}

static void
on_reader_state_changed_cb (BdWindow *self)
{
  /* Translators: the serial document reader's state, such as "ready". */
  g_autofree char *text = g_strdup_printf (_("Reader: %s"),
                                           bd_mrz_reader_get_state_text (self->reader));

  gtk_label_set_text (GTK_LABEL (self->reader_status), text);
}

void
bd_window_set_reader (BdWindow *self, BdMrzReader *reader)
{
  g_return_if_fail (self->reader == NULL);
  self->reader = g_object_ref (reader);
  g_signal_connect_swapped (reader, "zone", G_CALLBACK (on_reader_zone_cb), self);
  g_signal_connect_swapped (reader, "state-changed", G_CALLBACK (on_reader_state_changed_cb),
                            self);
  on_reader_state_changed_cb (self);
}

static void
on_sync_status_changed_cb (BdWindow *self)
{
  JsonObject *status = bd_sync_service_get_status (self->sync);
  GtkStyleContext *style = gtk_widget_get_style_context (self->sync_status);
  g_autofree char *tooltip = NULL, *text = NULL;
  gboolean warning = FALSE;

  if (status == NULL)
    return;
  text = bd_sync_status_describe (status, &tooltip, &warning);
  gtk_label_set_text (GTK_LABEL (self->sync_status), text);
  gtk_widget_set_tooltip_text (self->sync_status, tooltip);
  /* The tooltip is the detail a screen reader should also reach. */
  atk_object_set_description (gtk_widget_get_accessible (self->sync_status), tooltip);
  if (warning)
    gtk_style_context_add_class (style, "check-warning");
  else
    gtk_style_context_remove_class (style, "check-warning");
}

void
bd_window_set_sync (BdWindow *self, BdSyncService *sync)
{
  g_return_if_fail (self->sync == NULL);
  self->sync = g_object_ref (sync);
  g_signal_connect_swapped (sync, "status-changed", G_CALLBACK (on_sync_status_changed_cb),
                            self);
  on_sync_status_changed_cb (self);
}

void
bd_window_lock (BdWindow *self)
{
  if (bd_desk_context_get_username (self->context) == NULL || self->locked_over != NULL)
    return;
  self->locked_over = gtk_stack_get_visible_child (GTK_STACK (self->stack));
  gtk_widget_set_sensitive (self->header, FALSE);
  bd_lock_page_reset (BD_LOCK_PAGE (self->lock_page));
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->lock_page);
}

GtkWidget *
bd_window_new (GtkApplication *application, BdDeskContext *context)
{
  return g_object_new (BD_TYPE_WINDOW, "application", application, "context", context, NULL);
}

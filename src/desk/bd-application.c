/* bd-application.c: the desk application (bd-application.h).
 *
 * Non-unique: a desk runs one instance per session, and tests run several
 * side by side.  `--db PATH` as in borderdesk-admin. */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-application.h"
#include "bd-db.h"
#include "bd-desk-context.h"
#include "bd-sync.h"
#include "bd-window.h"

struct _BdApplication {
  GtkApplication parent_instance;

  char *db_path;
  BdDeskContext *context;
  GSettings *settings;   /* NULL when the schema is not installed */
  BdSyncService *sync;
  char *reader_path;     /* --reader, else the reader-device setting */
  BdMrzReader *reader;
  BdFingerprint *fingerprint;  /* main ()'s, made before any loop ran */
  gint64 last_activity;
};

G_DEFINE_FINAL_TYPE (BdApplication, bd_application, GTK_TYPE_APPLICATION)

static int
bd_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  BdApplication *self = BD_APPLICATION (app);
  const char *db = NULL;
  const char *reader = NULL;
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("borderdesk %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "reader", "^&ay", &reader))
    self->reader_path = g_strdup (reader);
  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->db_path = g_strdup (db);
  else
    self->db_path = bd_db_default_path ();
  if (!g_file_test (self->db_path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("borderdesk: no desk database at %s: set this desk up with "
                    "`borderdesk-admin init` first\n"), self->db_path);
      return 3;
    }
  if (!bd_sync_check_key_files (self->db_path, &error))
    {
      g_printerr ("borderdesk: %s\n", error->message);
      return 3;
    }
  return -1;
}

static const struct {
  const char *action;
  const char *keys[2];
} accels[] = {
  { "win.lock", { "<Control>l", NULL } },
  { "win.logout", { "<Control><Shift>q", NULL } },
  { "win.close-shift", { "<Control><Shift>w", NULL } },
  { "win.supervisor", { "<Control>u", NULL } },
};

/* Every event passes here first: key presses and clicks count as activity
 * for the idle lock, then GTK handles the event as usual. */
static void
event_handler (GdkEvent *event, gpointer data)
{
  BdApplication *self = data;

  switch (event->type)
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
      self->last_activity = g_get_monotonic_time ();
      break;
    default:
      break;
    }
  gtk_main_do_event (event);
}

static void
bd_application_startup (GApplication *app)
{
  BdApplication *self = BD_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (bd_application_parent_class)->startup (app);
  /* Uninstalled (tests, the demo from the build tree) the schema may be
   * missing: fall back to the built-in defaults rather than abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BD_APP_ID, TRUE);
  if (schema == NULL && source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.borderdesk.Desk", TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  self->last_activity = g_get_monotonic_time ();
  gdk_event_handler_set (event_handler, self, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].keys);
  gtk_css_provider_load_from_resource (css, "/org/borderdesk/Desk/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* The fingerprint reader and finger the settings name (the first reader
 * and the right index finger by default). */
static void
set_fingerprint (BdApplication *self)
{
  g_autofree char *reader = NULL, *finger_name = NULL;
  int right_index, finger;

  bd_finger_from_string ("right-index-finger", &right_index);
  finger = right_index;
  if (self->settings != NULL)
    {
      reader = g_settings_get_string (self->settings, "fingerprint-reader");
      finger_name = g_settings_get_string (self->settings, "fingerprint-finger");
      if (!bd_finger_from_string (finger_name, &finger))
        {
          g_warning ("fingerprint-finger: \"%s\" is no finger; using the right index finger",
                     finger_name);
          finger = right_index;
        }
    }
  bd_desk_context_set_fingerprint (self->context, self->fingerprint, reader, finger);
}

static void
bd_application_activate (GApplication *app)
{
  BdApplication *self = BD_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      self->context = bd_desk_context_new (self->db_path);
      set_fingerprint (self);
      window = GTK_WINDOW (bd_window_new (GTK_APPLICATION (app), self->context));
      if (self->reader_path == NULL && self->settings != NULL)
        {
          self->reader_path = g_settings_get_string (self->settings, "reader-device");
          if (*self->reader_path == '\0')
            g_clear_pointer (&self->reader_path, g_free);
        }
      /* The first round a few seconds in: start-up stays fast. */
      self->sync = bd_sync_service_new (self->db_path,
                                        self->settings != NULL
                                        ? g_settings_get_uint (self->settings, "sync-interval")
                                        : 60);
      bd_window_set_sync (BD_WINDOW (window), self->sync);
      bd_sync_service_start (self->sync, 3);
      if (self->reader_path != NULL)
        {
          self->reader = bd_mrz_reader_new (self->reader_path);
          bd_window_set_reader (BD_WINDOW (window), self->reader);
          bd_mrz_reader_start (self->reader);
        }
    }
  gtk_window_present (window);
}

static void
bd_application_finalize (GObject *object)
{
  BdApplication *self = BD_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->reader);
  g_clear_object (&self->sync);
  g_free (self->reader_path);
  g_free (self->db_path);
  G_OBJECT_CLASS (bd_application_parent_class)->finalize (object);
}

static void
bd_application_class_init (BdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = bd_application_finalize;
  app_class->handle_local_options = bd_application_handle_local_options;
  app_class->startup = bd_application_startup;
  app_class->activate = bd_application_activate;
}

static void
bd_application_init (BdApplication *self)
{
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("The desk database"), N_("PATH") },
    { "reader", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("A serial document reader"),
      N_("DEVICE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

gint64
bd_application_get_last_activity (BdApplication *self)
{
  return self->last_activity;
}

guint
bd_application_get_idle_timeout (BdApplication *self)
{
  return self->settings != NULL ? g_settings_get_uint (self->settings, "idle-timeout") : 600;
}

BdApplication *
bd_application_new (BdFingerprint *fingerprint)
{
  /* The resource path is fixed, so a .Devel id finds the same
   * gtk/help-overlay.ui (the shortcuts window, Ctrl+?). */
  BdApplication *self = g_object_new (BD_TYPE_APPLICATION, "application-id", BD_APP_ID,
                                      "flags", G_APPLICATION_NON_UNIQUE,
                                      "resource-base-path", "/org/borderdesk/Desk", NULL);

  self->fingerprint = fingerprint;
  return self;
}

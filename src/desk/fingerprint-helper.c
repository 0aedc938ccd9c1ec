/* fingerprint-helper.c: borderdesk-fingerprint-helper, the fingerprint
 * service's own process (bd_fingerprint_new_isolated).
 *
 * libfprint 1.94 runs on the global default main context whatever thread
 * calls it, so a window's process cannot give it a thread of its own; a
 * process of its own it can have.  This one runs the local service on its
 * main thread and serves the private D-Bus interface of
 * bd-fingerprint-dbus.h on the socket it is given (--fd N).  It exits when
 * that connection closes, closing its readers first.  No GTK here.
 *
 * Templates cross the socket in the clear: it is a socketpair between two
 * processes of the same user, never a file or the network.
 */
#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>

#include "bd-fingerprint.h"
#include "bd-fingerprint-dbus.h"

typedef struct {
  BdFingerprint *fp;
  GDBusConnection *connection;
  GMainLoop *loop;
  GHashTable *ops;   /* id -> GCancellable, operations under way */
} Helper;

/* One operation, from its method call to its reply. */
typedef struct {
  Helper *helper;
  guint32 id;
  GDBusMethodInvocation *invocation;
  GCancellable *cancellable;
} Call;

static Call *
call_new (Helper *helper, guint32 id, GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->helper = helper;
  call->id = id;
  call->invocation = invocation;
  call->cancellable = g_cancellable_new ();
  g_hash_table_replace (helper->ops, GUINT_TO_POINTER (id), g_object_ref (call->cancellable));
  return call;
}

/* Replies with @value, or @error when it is NULL, and forgets the call. */
static void
call_end (Call *call, GVariant *value, GError *error)
{
  g_hash_table_remove (call->helper->ops, GUINT_TO_POINTER (call->id));
  if (value != NULL)
    g_dbus_method_invocation_return_value (call->invocation, value);
  else
    g_dbus_method_invocation_return_gerror (call->invocation, error);
  g_clear_error (&error);
  g_object_unref (call->cancellable);
  g_free (call);
}

static void
on_event_cb (const BdFingerEvent *event, gpointer data)
{
  Call *call = data;

  g_dbus_connection_emit_signal (call->helper->connection, NULL, BD_FP_DBUS_PATH,
                                 BD_FP_DBUS_IFACE, "Event",
                                 g_variant_new ("(uiiii)", call->id, event->kind, event->stage,
                                                event->n_stages, event->retry), NULL);
}

static void
on_enrolled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  GError *error = NULL;
  g_autofree char *driver = NULL;
  g_autoptr(GBytes) print = bd_fingerprint_enroll_finish (call->helper->fp, result, &driver,
                                                          &error);

  call_end (call, print == NULL ? NULL
                  : g_variant_new ("(@ays)", g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                       print, TRUE), driver),
            error);
}

static void
on_verified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  GError *error = NULL;
  gboolean match = FALSE;

  if (bd_fingerprint_verify_finish (call->helper->fp, result, &match, &error))
    call_end (call, g_variant_new ("(b)", match), NULL);
  else
    call_end (call, NULL, error);
}

static void
on_identified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  GError *error = NULL;
  int index = -1;

  if (bd_fingerprint_identify_finish (call->helper->fp, result, &index, &error))
    call_end (call, g_variant_new ("(i)", index), NULL);
  else
    call_end (call, NULL, error);
}

static void
on_opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  GError *error = NULL;

  if (bd_fingerprint_open_finish (call->helper->fp, result, &error))
    call_end (call, g_variant_new ("()"), NULL);
  else
    call_end (call, NULL, error);
}

static GVariant *
list_readers (Helper *helper)
{
  g_autoptr(GPtrArray) readers = bd_fingerprint_list_readers (helper->fp);
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("a(sssbib)"));
  for (guint i = 0; i < readers->len; i++)
    {
      BdReader *r = readers->pdata[i];

      g_variant_builder_add (&list, "(sssbib)", r->id, r->driver, r->name, r->on_chip,
                             r->enroll_stages, r->can_identify);
    }
  return g_variant_new ("(a(sssbib))", &list);
}

/* NULL for none: "" on the wire means the first reader. */
static const char *
reader_or_null (const char *reader)
{
  return *reader != '\0' ? reader : NULL;
}

static void
on_method_call_cb (GDBusConnection *connection, const char *sender, const char *path,
                   const char *iface, const char *method, GVariant *params,
                   GDBusMethodInvocation *invocation, gpointer data)
{
  Helper *helper = data;
  guint32 id = 0;
  const char *reader = "";
  Call *call;

  if (g_strcmp0 (method, "ListReaders") == 0)
    {
      g_dbus_method_invocation_return_value (invocation, list_readers (helper));
      return;
    }
  if (g_strcmp0 (method, "SetTimeout") == 0)
    {
      guint32 seconds;

      g_variant_get (params, "(u)", &seconds);
      bd_fingerprint_set_timeout (helper->fp, seconds);
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }
  if (g_strcmp0 (method, "Cancel") == 0)
    {
      GCancellable *cancellable;

      g_variant_get (params, "(u)", &id);
      cancellable = g_hash_table_lookup (helper->ops, GUINT_TO_POINTER (id));
      if (cancellable != NULL)
        g_cancellable_cancel (cancellable);
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }

  /* The operations: GDBus has checked the arguments against the XML. */
  g_variant_get_child (params, 0, "u", &id);
  g_variant_get_child (params, 1, "&s", &reader);
  call = call_new (helper, id, invocation);
  if (g_strcmp0 (method, "Enroll") == 0)
    {
      gint32 finger;

      g_variant_get_child (params, 2, "i", &finger);
      bd_fingerprint_enroll_async (helper->fp, reader_or_null (reader), finger, call->cancellable,
                                   on_event_cb, call, on_enrolled_cb, call);
    }
  else if (g_strcmp0 (method, "Verify") == 0)
    {
      g_autoptr(GVariant) print = g_variant_get_child_value (params, 2);
      g_autoptr(GBytes) template = g_variant_get_data_as_bytes (print);

      bd_fingerprint_verify_async (helper->fp, reader_or_null (reader), template,
                                   call->cancellable, on_event_cb, call, on_verified_cb, call);
    }
  else if (g_strcmp0 (method, "Identify") == 0)
    {
      g_autoptr(GVariant) prints = g_variant_get_child_value (params, 2);
      g_autoptr(GPtrArray) gallery = g_ptr_array_new_with_free_func
                                       ((GDestroyNotify) g_bytes_unref);

      for (gsize i = 0; i < g_variant_n_children (prints); i++)
        {
          g_autoptr(GVariant) print = g_variant_get_child_value (prints, i);

          g_ptr_array_add (gallery, g_variant_get_data_as_bytes (print));
        }
      bd_fingerprint_identify_async (helper->fp, reader_or_null (reader), gallery,
                                     call->cancellable, on_event_cb, call, on_identified_cb,
                                     call);
    }
  else if (g_strcmp0 (method, "Open") == 0)
    bd_fingerprint_open_async (helper->fp, reader_or_null (reader), call->cancellable,
                               on_opened_cb, call);
  else
    bd_fingerprint_close_async (helper->fp, reader_or_null (reader), call->cancellable,
                                on_opened_cb, call);
}

static void
on_closed_cb (GDBusConnection *connection, gboolean vanished, GError *error, gpointer data)
{
  g_main_loop_quit (((Helper *) data)->loop);
}

static int
fail (const char *what, GError *error)
{
  g_printerr ("borderdesk-fingerprint-helper: %s: %s\n", what, error->message);
  g_error_free (error);
  return 1;
}

int
main (int argc, char **argv)
{
  static const GDBusInterfaceVTable vtable = { on_method_call_cb, NULL, NULL, { 0 } };
  Helper helper = { 0, };
  GError *error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();
  GHashTableIter iter;
  gpointer cancellable;
  int fd = -1;

  if (argc == 3 && g_strcmp0 (argv[1], "--fd") == 0)
    fd = atoi (argv[2]);
  if (fd < 3)
    {
      g_printerr ("usage: borderdesk-fingerprint-helper --fd N (started by the desk)\n");
      return 2;
    }
  socket = g_socket_new_from_fd (fd, &error);
  if (socket == NULL)
    return fail ("the socket", error);
  stream = g_socket_connection_factory_create_connection (socket);
  node = g_dbus_node_info_new_for_xml (BD_FP_DBUS_XML, &error);
  g_assert_no_error (error);

  /* Readers are enumerated before the desk's handshake completes, so its
   * first ListReaders finds them. */
  helper.fp = bd_fingerprint_new ();
  helper.ops = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  helper.loop = g_main_loop_new (NULL, FALSE);
  helper.connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), guid,
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                                                  G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                                  NULL, NULL, &error);
  if (helper.connection == NULL)
    return fail ("the desk's connection", error);
  if (g_dbus_connection_register_object (helper.connection, BD_FP_DBUS_PATH, node->interfaces[0],
                                         &vtable, &helper, NULL, &error) == 0)
    return fail ("the service object", error);
  g_signal_connect (helper.connection, "closed", G_CALLBACK (on_closed_cb), &helper);
  g_dbus_connection_start_message_processing (helper.connection);
  g_main_loop_run (helper.loop);

  /* The desk went: what is under way is cancelled and finishes (its
   * replies go nowhere), then the readers close. */
  g_hash_table_iter_init (&iter, helper.ops);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);
  bd_fingerprint_free (helper.fp);
  g_object_unref (helper.connection);
  g_hash_table_unref (helper.ops);
  g_main_loop_unref (helper.loop);
  return 0;
}

/* bd-fingerprint-remote.c: the isolated fingerprint service, a client of
 * the helper process (bd-fingerprint.h, bd-fingerprint-dbus.h).
 *
 * The helper runs the local service on its own main thread, where
 * libfprint wants to be; this side only sends requests and takes replies
 * and Event signals, all delivered by GDBus on the context that was
 * thread-default when the service was made.  Results are returned in the
 * local jobs' form (bd-fingerprint.c's _finish functions read both).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <openssl/crypto.h>

#include "bd-fingerprint-dbus.h"
#include "bd-fingerprint-private.h"

/* Replies to operations wait as long as the operation may take (the
 * helper's own timeout ends it); ListReaders is quick. */
#define LIST_TIMEOUT_MS 10000
#define EXIT_WAIT_US (3 * G_USEC_PER_SEC)

struct _BdFpRemote {
  GSubprocess *process;
  GDBusConnection *connection;
  GMainContext *context;   /* where replies and events are delivered */
  guint event_subscription;
  guint next_id;
  GHashTable *ops;         /* id -> Op, pending */
  gboolean closed;         /* the helper went away */
};

typedef struct {
  BdFpRemote *remote;
  guint id;
  JobKind kind;
  GTask *task;
  BdFingerEventFunc event_func;
  gpointer event_data;
  GCancellable *cancellable;
  gulong cancel_handler;
} Op;

static const char *const method_names[] = {
  [JOB_OPEN] = "Open", [JOB_CLOSE] = "Close", [JOB_ENROLL] = "Enroll",
  [JOB_VERIFY] = "Verify", [JOB_IDENTIFY] = "Identify",
};

char *
bd_fingerprint_helper_path (void)
{
  const char *env = g_getenv ("BORDERDESK_FINGERPRINT_HELPER");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      char *beside = g_build_filename (dir, "borderdesk-fingerprint-helper", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return beside;
      g_free (beside);
    }
  return g_build_filename (BD_LIBEXECDIR, "borderdesk-fingerprint-helper", NULL);
}

/* Errors from the helper keep their code; a lost connection is a device
 * failure the guard can retry after a restart. */
static GError *
reply_error (GError *error)
{
  GError *out;

  if (error->domain == BD_FINGERPRINT_ERROR)
    {
      g_dbus_error_strip_remote_error (error);
      return error;
    }
  out = g_error_new (BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_DEVICE,
                     "the fingerprint service stopped (%s)", error->message);
  g_error_free (error);
  return out;
}

static void
op_free (Op *op)
{
  if (op->cancel_handler != 0)
    g_cancellable_disconnect (op->cancellable, op->cancel_handler);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->task);
  g_free (op);
}

/* What a cancel handler needs, owned by its connection: it may run on any
 * thread, after the operation has ended. */
typedef struct {
  GDBusConnection *connection;
  guint id;
} CancelLink;

static void
cancel_link_free (gpointer data)
{
  CancelLink *link = data;

  g_object_unref (link->connection);
  g_free (link);
}

static void
on_cancel_cb (GCancellable *cancellable, gpointer data)
{
  CancelLink *link = data;

  /* Sending is thread safe; the operation's own reply says how it ended. */
  g_dbus_connection_call (link->connection, NULL, BD_FP_DBUS_PATH, BD_FP_DBUS_IFACE, "Cancel",
                          g_variant_new ("(u)", link->id), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, NULL, NULL);
}

static void
return_reply (Op *op, GVariant *reply)
{
  switch (op->kind)
    {
    case JOB_ENROLL:
      {
        g_autoptr(GVariant) print = NULL;
        const char *driver = NULL;
        gsize length = 0;
        const guint8 *data;

        g_variant_get (reply, "(@ay&s)", &print, &driver);
        data = g_variant_get_fixed_array (print, &length, 1);
        g_object_set_data_full (G_OBJECT (op->task), "driver", g_strdup (driver), g_free);
        g_task_return_pointer (op->task, bd_secret_bytes_new (data, length),
                               (GDestroyNotify) g_bytes_unref);
        /* The reply is ours alone and about to go: wipe its copy. */
        OPENSSL_cleanse ((gpointer) data, length);
      }
      break;
    case JOB_VERIFY:
      {
        gboolean match = FALSE;

        g_variant_get (reply, "(b)", &match);
        g_task_return_int (op->task, match ? 1 : 0);
      }
      break;
    case JOB_IDENTIFY:
      {
        gint32 index = -1;

        g_variant_get (reply, "(i)", &index);
        g_task_return_int (op->task, index);
      }
      break;
    case JOB_OPEN:
    case JOB_CLOSE:
    default:
      g_task_return_boolean (op->task, TRUE);
      break;
    }
}

static void
on_reply_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Op *op = data;
  GError *error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (op->remote != NULL)
    g_hash_table_steal (op->remote->ops, GUINT_TO_POINTER (op->id));
  if (reply == NULL)
    g_task_return_error (op->task, reply_error (error));
  else
    return_reply (op, reply);
  op_free (op);
}

static void
on_event_cb (GDBusConnection *connection, const char *sender, const char *path,
             const char *iface, const char *signal, GVariant *params, gpointer data)
{
  BdFpRemote *remote = data;
  guint32 id;
  gint32 kind, stage, n_stages, retry;
  BdFingerEvent event = { 0, };
  Op *op;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(uiiii)")))
    return;
  g_variant_get (params, "(uiiii)", &id, &kind, &stage, &n_stages, &retry);
  op = g_hash_table_lookup (remote->ops, GUINT_TO_POINTER (id));
  if (op == NULL || op->event_func == NULL)
    return;
  event.kind = kind;
  event.stage = stage;
  event.n_stages = n_stages;
  event.retry = retry;
  op->event_func (&event, op->event_data);
}

static void
on_closed_cb (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
              gpointer data)
{
  BdFpRemote *remote = data;

  /* Pending calls fail by themselves (their replies report the closed
   * connection); later ones fail at once. */
  remote->closed = TRUE;
  g_warning ("the fingerprint helper stopped%s%s", error != NULL ? ": " : "",
             error != NULL ? error->message : "");
}

gboolean
bd_fp_remote_spawn (BdFingerprint *fp, const char *helper, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *path = helper != NULL ? g_strdup (helper) : bd_fingerprint_helper_path ();
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  BdFpRemote *remote;
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socketpair: %s",
                   g_strerror (errno));
      return FALSE;
    }
  remote = g_new0 (BdFpRemote, 1);
  remote->ops = g_hash_table_new (NULL, NULL);
  remote->context = g_main_context_ref_thread_default ();
  fp->remote = remote;
  /* The helper's end becomes its fd 3; stdout and stderr are shared, so
   * libfprint's debug log reads as the desk's own (CONTRACT.md). */
  g_subprocess_launcher_take_fd (launcher, sv[1], 3);
  remote->process = g_subprocess_launcher_spawn (launcher, error, path, "--fd", "3", NULL);
  socket = remote->process != NULL ? g_socket_new_from_fd (sv[0], error) : NULL;
  if (socket == NULL)
    {
      if (remote->process == NULL)
        close (sv[0]);
      bd_fp_remote_free (fp);
      return FALSE;
    }
  stream = g_socket_connection_factory_create_connection (socket);
  remote->connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), NULL,
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                                   NULL, NULL, error);
  if (remote->connection == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      bd_fp_remote_free (fp);
      return FALSE;
    }
  g_signal_connect (remote->connection, "closed", G_CALLBACK (on_closed_cb), remote);
  remote->event_subscription =
    g_dbus_connection_signal_subscribe (remote->connection, NULL, BD_FP_DBUS_IFACE, "Event",
                                        BD_FP_DBUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_event_cb, remote, NULL);
  return TRUE;
}

void
bd_fp_remote_start (BdFingerprint *fp, JobKind kind, const char *reader_id, int finger,
                    GBytes *template, GPtrArray *gallery, GCancellable *cancellable,
                    BdFingerEventFunc event_func, gpointer event_data,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  BdFpRemote *remote = fp->remote;
  const char *reader = reader_id != NULL ? reader_id : "";
  Op *op = g_new0 (Op, 1);
  GVariant *params;

  op->task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (op->task, GINT_TO_POINTER (kind + 1));
  if (remote->closed || remote->connection == NULL)
    {
      g_task_return_new_error (op->task, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_DEVICE,
                               "the fingerprint service stopped");
      op_free (op);
      return;
    }
  op->remote = remote;
  op->id = ++remote->next_id;
  op->kind = kind;
  op->event_func = event_func;
  op->event_data = event_data;
  switch (kind)
    {
    case JOB_ENROLL:
      params = g_variant_new ("(usi)", op->id, reader, finger);
      break;
    case JOB_VERIFY:
      params = g_variant_new ("(us@ay)", op->id, reader,
                              g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, template, TRUE));
      break;
    case JOB_IDENTIFY:
      {
        GVariantBuilder prints;

        g_variant_builder_init (&prints, G_VARIANT_TYPE ("aay"));
        for (guint i = 0; i < gallery->len; i++)
          g_variant_builder_add_value (&prints,
                                       g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                 gallery->pdata[i], TRUE));
        params = g_variant_new ("(usaay)", op->id, reader, &prints);
      }
      break;
    case JOB_OPEN:
    case JOB_CLOSE:
    default:
      params = g_variant_new ("(us)", op->id, reader);
      break;
    }
  g_hash_table_insert (remote->ops, GUINT_TO_POINTER (op->id), op);
  if (cancellable != NULL)
    {
      CancelLink *link = g_new0 (CancelLink, 1);

      link->connection = g_object_ref (remote->connection);
      link->id = op->id;
      op->cancellable = g_object_ref (cancellable);
      op->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancel_cb), link,
                                                  cancel_link_free);
    }
  g_dbus_connection_call (remote->connection, NULL, BD_FP_DBUS_PATH, BD_FP_DBUS_IFACE,
                          method_names[kind], params, NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT,
                          NULL, on_reply_cb, op);
}

GPtrArray *
bd_fp_remote_list_readers (BdFingerprint *fp, GPtrArray *readers)
{
  BdFpRemote *remote = fp->remote;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *id, *driver, *name;
  gboolean on_chip, can_identify;
  gint32 stages;

  if (remote->closed)
    return readers;
  reply = g_dbus_connection_call_sync (remote->connection, NULL, BD_FP_DBUS_PATH,
                                       BD_FP_DBUS_IFACE, "ListReaders", NULL,
                                       G_VARIANT_TYPE ("(a(sssbib))"), G_DBUS_CALL_FLAGS_NONE,
                                       LIST_TIMEOUT_MS, NULL, &error);
  if (reply == NULL)
    {
      g_warning ("the fingerprint service does not answer: %s", error->message);
      return readers;
    }
  g_variant_get (reply, "(a(sssbib))", &iter);
  while (g_variant_iter_loop (iter, "(&s&s&sbib)", &id, &driver, &name, &on_chip, &stages,
                              &can_identify))
    {
      BdReader *reader = g_new0 (BdReader, 1);

      reader->id = g_strdup (id);
      reader->driver = g_strdup (driver);
      reader->name = g_strdup (name);
      reader->on_chip = on_chip;
      reader->enroll_stages = stages;
      reader->can_identify = can_identify;
      g_ptr_array_add (readers, reader);
    }
  return readers;
}

void
bd_fp_remote_set_timeout (BdFingerprint *fp, guint seconds)
{
  /* Messages keep their order: the next operation sees it. */
  if (!fp->remote->closed)
    g_dbus_connection_call (fp->remote->connection, NULL, BD_FP_DBUS_PATH, BD_FP_DBUS_IFACE,
                            "SetTimeout", g_variant_new ("(u)", seconds), NULL,
                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

/* The helper's exit, awaited for a while; the callback may come after
 * the waiting ended, so the state lives on the heap. */
typedef struct {
  gboolean exited;
  gboolean abandoned;
} ExitWait;

static void
on_exited_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ExitWait *wait = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  if (wait->abandoned)
    g_free (wait);
  else
    wait->exited = TRUE;
}

/* Runs @context's ready sources, then naps: a bounded wait with no
 * nested blocking loop. */
static void
iterate_briefly (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
  g_usleep (2000);
}

/* Cancels what is pending and lets the replies come, then closes the
 * connection: the helper closes its readers and exits (killed if it has
 * not within a few seconds). */
void
bd_fp_remote_free (BdFingerprint *fp)
{
  BdFpRemote *remote = fp->remote;
  gint64 deadline = g_get_monotonic_time () + EXIT_WAIT_US;
  GHashTableIter iter;
  gpointer op;

  if (remote == NULL)
    return;
  g_hash_table_iter_init (&iter, remote->ops);
  while (g_hash_table_iter_next (&iter, NULL, &op))
    g_dbus_connection_call (remote->connection, NULL, BD_FP_DBUS_PATH, BD_FP_DBUS_IFACE, "Cancel",
                            g_variant_new ("(u)", ((Op *) op)->id), NULL,
                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  while (g_hash_table_size (remote->ops) > 0 && g_get_monotonic_time () < deadline)
    iterate_briefly (remote->context);
  /* Replies that never came: their callbacks see no service. */
  g_hash_table_iter_init (&iter, remote->ops);
  while (g_hash_table_iter_next (&iter, NULL, &op))
    ((Op *) op)->remote = NULL;
  if (remote->connection != NULL)
    {
      g_dbus_connection_signal_unsubscribe (remote->connection, remote->event_subscription);
      g_signal_handlers_disconnect_by_data (remote->connection, remote);
      g_dbus_connection_close_sync (remote->connection, NULL, NULL);
      g_clear_object (&remote->connection);
    }
  if (remote->process != NULL)
    {
      ExitWait *wait = g_new0 (ExitWait, 1);

      g_subprocess_wait_async (remote->process, NULL, on_exited_cb, wait);
      while (!wait->exited && g_get_monotonic_time () < deadline + EXIT_WAIT_US)
        iterate_briefly (remote->context);
      if (wait->exited)
        g_free (wait);
      else
        {
          wait->abandoned = TRUE;
          g_subprocess_force_exit (remote->process);
        }
      g_clear_object (&remote->process);
    }
  g_hash_table_unref (remote->ops);
  g_main_context_unref (remote->context);
  g_free (remote);
  fp->remote = NULL;
}

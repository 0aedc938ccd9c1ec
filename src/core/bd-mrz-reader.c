/* bd-mrz-reader.c: serial MRZ readers (bd-mrz-reader.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "bd-mrz.h"
#include "bd-mrz-reader.h"

#define REOPEN_SECONDS 3
#define MAX_LINE 256

struct _BdMrzReader {
  GObject parent_instance;

  char *path;
  BdMrzReaderState state;
  char *state_text;
  GDataInputStream *input;
  GCancellable *cancellable;
  GPtrArray *lines;          /* lines so far of the zone being read */
  guint reopen_source;
};

G_DEFINE_FINAL_TYPE (BdMrzReader, bd_mrz_reader, G_TYPE_OBJECT)

enum {
  ZONE,
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_next (BdMrzReader *self);
static void try_open (BdMrzReader *self);

static void
set_state (BdMrzReader *self, BdMrzReaderState state, const char *text)
{
  if (self->state == state && g_strcmp0 (self->state_text, text) == 0)
    return;
  self->state = state;
  g_free (self->state_text);
  self->state_text = g_strdup (text);
  g_signal_emit (self, signals[STATE_CHANGED], 0);
}

static gboolean
on_reopen_cb (gpointer user_data)
{
  BdMrzReader *self = user_data;

  self->reopen_source = 0;
  try_open (self);
  return G_SOURCE_REMOVE;
}

static void
close_input (BdMrzReader *self, const char *why)
{
  g_clear_object (&self->input);
  g_ptr_array_set_size (self->lines, 0);
  set_state (self, BD_MRZ_READER_ERROR, why);
  if (self->reopen_source == 0 && self->cancellable != NULL)
    self->reopen_source = g_timeout_add_seconds (REOPEN_SECONDS, on_reopen_cb, self);
}

/* Tries the lines so far as a zone: the last 2 or 3 lines, since a reader
 * may start mid-zone or repeat. */
static void
take_line (BdMrzReader *self, const char *line)
{
  gsize n = strlen (line);

  if (n == 0)
    {
      /* A blank line ends whatever was being read. */
      g_ptr_array_set_size (self->lines, 0);
      return;
    }
  if (n > MAX_LINE)
    {
      g_ptr_array_set_size (self->lines, 0);
      set_state (self, BD_MRZ_READER_READY, "ready (dropped an overlong line from the reader)");
      return;
    }
  g_ptr_array_add (self->lines, g_strdup (line));
  if (self->lines->len > 3)
    g_ptr_array_remove_index (self->lines, 0);

  for (guint take = 2; take <= 3 && take <= self->lines->len; take++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(BdMrz) mrz = NULL;

      for (guint i = self->lines->len - take; i < self->lines->len; i++)
        g_string_append_printf (text, "%s%s", text->len ? "\n" : "",
                                (const char *) self->lines->pdata[i]);
      mrz = bd_mrz_parse (text->str);
      /* TD1 is three lines of 30: two of them parse as nothing, so a
       * complete 2-line zone is never the first two lines of a TD1. */
      if (mrz->format != BD_MRZ_FORMAT_NONE)
        {
          g_ptr_array_set_size (self->lines, 0);
          set_state (self, BD_MRZ_READER_READY, "ready");
          g_signal_emit (self, signals[ZONE], 0, text->str);
          return;
        }
    }
}

static void
on_line_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BdMrzReader *self = user_data;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                      result, &length, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* Invalid UTF-8 is noise on the line, not a dead reader. */
      if (g_error_matches (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE))
        {
          g_ptr_array_set_size (self->lines, 0);
          read_next (self);
          return;
        }
      close_input (self, error->message);
      return;
    }
  if (line == NULL)
    {
      close_input (self, "the reader was disconnected");
      return;
    }
  g_strchomp (line);
  take_line (self, line);
  read_next (self);
}

static void
read_next (BdMrzReader *self)
{
  if (self->input == NULL)
    return;
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line_read_cb, self);
}

static void
try_open (BdMrzReader *self)
{
  struct termios tio;
  GInputStream *raw;
  int fd;

  fd = g_open (self->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *why = g_strdup_printf ("cannot open %s: %s", self->path,
                                              g_strerror (saved));
      close_input (self, why);
      return;
    }
  /* Raw mode: no echo, no line editing; the reader's bytes as they come. */
  if (isatty (fd) && tcgetattr (fd, &tio) == 0)
    {
      cfmakeraw (&tio);
      tio.c_cflag |= CLOCAL | CREAD;
      tcsetattr (fd, TCSANOW, &tio);
    }
  raw = g_unix_input_stream_new (fd, TRUE);
  self->input = g_data_input_stream_new (raw);
  g_object_unref (raw);
  g_data_input_stream_set_newline_type (self->input, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  set_state (self, BD_MRZ_READER_READY, "ready");
  read_next (self);
}

void
bd_mrz_reader_start (BdMrzReader *self)
{
  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  try_open (self);
}

void
bd_mrz_reader_stop (BdMrzReader *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reopen_source, g_source_remove);
  g_clear_object (&self->input);
  g_ptr_array_set_size (self->lines, 0);
  set_state (self, BD_MRZ_READER_CLOSED, "closed");
}

BdMrzReaderState
bd_mrz_reader_get_state (BdMrzReader *self)
{
  return self->state;
}

const char *
bd_mrz_reader_get_state_text (BdMrzReader *self)
{
  return self->state_text;
}

static void
bd_mrz_reader_dispose (GObject *object)
{
  BdMrzReader *self = BD_MRZ_READER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reopen_source, g_source_remove);
  g_clear_object (&self->input);
  G_OBJECT_CLASS (bd_mrz_reader_parent_class)->dispose (object);
}

static void
bd_mrz_reader_finalize (GObject *object)
{
  BdMrzReader *self = BD_MRZ_READER (object);

  g_ptr_array_unref (self->lines);
  g_free (self->path);
  g_free (self->state_text);
  G_OBJECT_CLASS (bd_mrz_reader_parent_class)->finalize (object);
}

static void
bd_mrz_reader_class_init (BdMrzReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_mrz_reader_dispose;
  object_class->finalize = bd_mrz_reader_finalize;

  /* A complete zone, lines joined by '\n'. */
  signals[ZONE] = g_signal_new ("zone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
bd_mrz_reader_init (BdMrzReader *self)
{
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->state = BD_MRZ_READER_CLOSED;
  self->state_text = g_strdup ("closed");
}

BdMrzReader *
bd_mrz_reader_new (const char *device_path)
{
  BdMrzReader *self = g_object_new (BD_TYPE_MRZ_READER, NULL);

  self->path = g_strdup (device_path);
  return self;
}

/* bd-finger-panel.c: the fingerprint panel (bd-finger-panel.h).
 *
 * One capture runs at a time: a reader takes one operation, and a
 * cancelled one still calls back.  So a new document (or "Capture again")
 * cancels the run under way and marks the panel to start afresh when that
 * run's last callback arrives; until then nothing else touches the
 * reader.  Every callback holds a reference on the panel, and does
 * nothing but finish the run when its cancellable was cancelled.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-desk-finger.h"
#include "bd-finger-panel.h"
#include "bd-template.h"

struct _BdFingerPanel {
  GtkBox parent_instance;

  BdDeskContext *context;
  char *document;            /* the document on the page, NULL when none */
  GCancellable *cancellable; /* the run under way */
  gboolean running;          /* a run's callback is still to come */
  gboolean restart;          /* start again for @document when it comes */
  BdFingerPlan *plan;
  BdDeskFinger *outcome;     /* NULL: nothing decided yet */
  int retries;

  GtkWidget *reader_label;
  GtkWidget *prompt;
  GtkWidget *progress;
  GtkWidget *retry_button;
  GtkWidget *exempt_button;
  GtkWidget *exempt_revealer;
  GtkWidget *exempt_kind;
  GtkWidget *exempt_reason;
  GtkWidget *exempt_consent;
  GtkWidget *exempt_record;
};

G_DEFINE_FINAL_TYPE (BdFingerPanel, bd_finger_panel, GTK_TYPE_BOX)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start (BdFingerPanel *self);

/* Finger names for prompts, in FpFinger order (0: unknown). */
static const char *const finger_labels[] = {
  N_("finger"), N_("left thumb"), N_("left index finger"), N_("left middle finger"),
  N_("left ring finger"), N_("left little finger"), N_("right thumb"),
  N_("right index finger"), N_("right middle finger"), N_("right ring finger"),
  N_("right little finger"),
};

static const char *
finger_label (int finger)
{
  return _(finger_labels[finger > 0 && finger < (int) G_N_ELEMENTS (finger_labels)
                         ? finger : 0]);
}

static void
say (BdFingerPanel *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->prompt), text);
  atk_object_set_description (gtk_widget_get_accessible (self->prompt), text);
}

static gboolean
have_reader (BdFingerPanel *self, BdFingerprint **fp, const BdReader **reader, int *finger)
{
  *fp = bd_desk_context_get_fingerprint (self->context, reader, finger);
  return *fp != NULL && *reader != NULL;
}

/* Outcomes */

static void
set_outcome (BdFingerPanel *self, const BdFingerOutcome *outcome, const char *text)
{
  g_clear_pointer (&self->outcome, bd_desk_finger_free);
  if (outcome != NULL)
    self->outcome = bd_desk_finger_new (outcome);
  gtk_widget_hide (self->progress);
  if (text != NULL)
    say (self, text);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A capture that ended without a decision: "not captured" with why, and
 * the guard may try again. */
static void
fail (BdFingerPanel *self, const GError *error)
{
  BdFingerOutcome o = { .result = BD_FINGER_NOT_CAPTURED };
  g_autofree char *text = NULL;

  if (g_error_matches (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_TOO_HOT))
    {
      o.reason = "reader too hot";
      text = g_strdup (_("The reader is too hot and has stopped: leave it for a few minutes, "
                         "then capture again"));
    }
  else if (g_error_matches (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_TIMEOUT))
    {
      o.reason = "no finger within the time allowed";
      text = g_strdup (_("No finger within the time allowed"));
    }
  else if (g_error_matches (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER) ||
           g_error_matches (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_REMOVED))
    {
      o.reason = "reader not connected";
      text = g_strdup (_("The reader is not connected"));
    }
  else
    {
      o.reason = error->message;
      /* Translators: %s is the reader's or the database's own message. */
      text = g_strdup_printf (_("Not captured: %s"), error->message);
    }
  set_outcome (self, &o, text);
}

/* The end of a run's chain.  TRUE when the run was cancelled: the caller
 * stops there (and a waiting restart begins). */
static gboolean
run_ended (BdFingerPanel *self, const GError *error)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->cancellable) ||
                       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                       g_error_matches (error, BD_FINGERPRINT_ERROR,
                                        BD_FINGERPRINT_ERROR_CANCELLED);

  self->running = FALSE;
  if (cancelled)
    {
      /* After dispose the template's widgets are gone: touch nothing. */
      if (self->restart)
        {
          self->restart = FALSE;
          start (self);
        }
      return TRUE;
    }
  gtk_widget_set_sensitive (self->retry_button, self->document != NULL);
  return FALSE;
}

/* Reader events, on the main context */

static void
on_event_cb (const BdFingerEvent *event, gpointer data)
{
  BdFingerPanel *self = data;
  int finger = self->plan != NULL ? self->plan->finger : 0;
  g_autofree char *text = NULL;

  if (!self->running || g_cancellable_is_cancelled (self->cancellable))
    return;
  switch (event->kind)
    {
    case BD_FINGER_EVENT_PLACE:
      /* Translators: %s is a finger, such as "right index finger". */
      text = self->plan != NULL && self->plan->mode == BD_FINGER_PLAN_VERIFY
             ? g_strdup_printf (_("Prints on file: place the %s on the reader"),
                                finger_label (finger))
             : g_strdup_printf (_("Place the %s on the reader"), finger_label (finger));
      break;
    case BD_FINGER_EVENT_LIFT:
      text = g_strdup (_("Lift the finger"));
      break;
    case BD_FINGER_EVENT_STAGE:
      {
        g_autofree char *fraction = g_strdup_printf (_("Scan %d of %d"), event->stage,
                                                     event->n_stages);

        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                       event->n_stages > 0
                                       ? (double) event->stage / event->n_stages : 0);
        gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), fraction);
        atk_object_set_description (gtk_widget_get_accessible (self->progress), fraction);
        text = g_strdup (_("Scan taken: lift the finger and place it again"));
      }
      break;
    case BD_FINGER_EVENT_RETRY:
    default:
      self->retries++;
      switch (event->retry)
        {
        case BD_FINGER_RETRY_TOO_SHORT:
          text = g_strdup (_("Swipe again: too short"));
          break;
        case BD_FINGER_RETRY_CENTER:
          text = g_strdup (_("Centre the finger on the reader and retry"));
          break;
        case BD_FINGER_RETRY_REMOVE:
          text = g_strdup (_("Remove the finger and retry"));
          break;
        case BD_FINGER_RETRY_GENERAL:
        default:
          text = g_strdup (_("Scan not usable: place the finger again"));
          break;
        }
      break;
    }
  say (self, text);
}

/* The steps of a run */

static void
on_enrolled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BdFingerPanel) self = data;
  BdFingerprint *fp = (BdFingerprint *) source;
  g_autoptr(GError) error = NULL;
  g_autofree char *driver = NULL, *quality = NULL, *text = NULL;
  g_autoptr(GBytes) template = bd_fingerprint_enroll_finish (fp, result, &driver, &error);
  BdFingerOutcome o = { .result = BD_FINGER_ENROLLED, .score = -1 };
  int finger = self->plan != NULL ? self->plan->finger : 0;

  if (run_ended (self, error))
    return;
  if (template == NULL)
    {
      fail (self, error);
      return;
    }
  quality = self->retries == 0 ? g_strdup ("clean") : g_strdup_printf ("retried %d",
                                                                       self->retries);
  o.finger = bd_finger_to_string (finger);
  o.template = template;
  o.driver = driver;
  o.quality = quality;
  /* Translators: %s is a finger, such as "right index finger". */
  text = g_strdup_printf (_("Enrolled: the %s is on file"), finger_label (finger));
  set_outcome (self, &o, text);
}

static void
enroll (BdFingerPanel *self, BdFingerprint *fp, const BdReader *reader)
{
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), NULL);
  gtk_widget_show (self->progress);
  self->running = TRUE;
  bd_fingerprint_enroll_async (fp, reader->id, self->plan->finger, self->cancellable,
                               on_event_cb, self, on_enrolled_cb, g_object_ref (self));
}

static void
on_identified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BdFingerPanel) self = data;
  BdFingerprint *fp = (BdFingerprint *) source;
  g_autoptr(GError) error = NULL;
  BdFingerOutcome o = { .result = BD_FINGER_OTHER_IDENTITY, .score = -1 };
  g_autofree char *text = NULL;
  const BdReader *reader = NULL;
  BdGalleryEntry *hit;
  int index = -1, finger;

  if (!bd_fingerprint_identify_finish (fp, result, &index, &error)
      || g_cancellable_is_cancelled (self->cancellable))
    {
      if (!run_ended (self, error))
        fail (self, error);
      return;
    }
  if (index < 0 && have_reader (self, &fp, &reader, &finger))
    {
      /* Nobody else has this finger here: enrol it for this traveller. */
      enroll (self, fp, reader);
      return;
    }
  run_ended (self, NULL);
  if (index < 0)
    {
      set_outcome (self, NULL, _("No fingerprint reader"));
      return;
    }
  hit = self->plan->gallery->pdata[index];
  o.finger = hit->finger;
  o.other_document = hit->document;
  /* Translators: one person, two identities; %s is the other document. */
  text = g_strdup_printf (_("Blocked: these prints are on file under document %s"),
                          hit->document);
  set_outcome (self, &o, text);
}

static void
on_verified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BdFingerPanel) self = data;
  g_autoptr(GError) error = NULL;
  BdFingerOutcome o = { .score = -1 };
  g_autofree char *text = NULL;
  gboolean match = FALSE;
  gboolean ok = bd_fingerprint_verify_finish ((BdFingerprint *) source, result, &match, &error);
  int finger = self->plan != NULL ? self->plan->finger : 0;

  if (run_ended (self, error))
    return;
  if (!ok)
    {
      fail (self, error);
      return;
    }
  o.result = match ? BD_FINGER_VERIFIED : BD_FINGER_MISMATCH;
  o.finger = bd_finger_to_string (finger);
  /* Translators: %s is a finger, such as "right index finger". */
  text = match ? g_strdup_printf (_("Verified: the %s matches the prints on file"),
                                  finger_label (finger))
               : g_strdup_printf (_("No match: the %s does not match the prints on file"),
                                  finger_label (finger));
  set_outcome (self, &o, text);
}

static void
on_planned_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BdFingerPanel) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prints = NULL;
  BdFingerprint *fp = NULL;
  const BdReader *reader = NULL;
  int finger;

  self->plan = bd_desk_context_finger_plan_finish (BD_DESK_CONTEXT (source), result, &error);
  if (self->plan != NULL && !have_reader (self, &fp, &reader, &finger))
    g_set_error_literal (&error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER,
                         "no reader");
  if (error != NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      if (!run_ended (self, error))
        fail (self, error);
      return;
    }
  /* Translators: %s is a finger, such as "right index finger". */
  if (self->plan->mode == BD_FINGER_PLAN_VERIFY)
    {
      g_autofree char *text = g_strdup_printf (_("Prints on file: place the %s on the reader"),
                                               finger_label (self->plan->finger));

      say (self, text);
      bd_fingerprint_verify_async (fp, reader->id, self->plan->template, self->cancellable,
                                   on_event_cb, self, on_verified_cb, g_object_ref (self));
      return;
    }
  /* A reader that cannot search 1:N only enrols (the panel says so). */
  if (self->plan->gallery->len == 0 || !reader->can_identify)
    {
      enroll (self, fp, reader);
      if (self->plan->gallery->len > 0)
        say (self, _("This reader cannot search the prints on file: enrolling only"));
      return;
    }
  /* First the search: one person must not be enrolled under two
   * documents.  Then the enrolment (on_identified_cb). */
  prints = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < self->plan->gallery->len; i++)
    g_ptr_array_add (prints, g_bytes_ref (((BdGalleryEntry *)
                                           self->plan->gallery->pdata[i])->plain));
  bd_fingerprint_identify_async (fp, reader->id, prints, self->cancellable, on_event_cb, self,
                                 on_identified_cb, g_object_ref (self));
}

/* Starts a run for the document on the page.  Never while one is under
 * way: it waits for that one's end (run_ended). */
static void
start (BdFingerPanel *self)
{
  BdFingerprint *fp = NULL;
  const BdReader *reader = NULL;
  int finger;

  if (self->running)
    {
      self->restart = TRUE;
      return;
    }
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->plan, bd_finger_plan_free);
  self->retries = 0;
  gtk_widget_hide (self->progress);
  gtk_widget_set_sensitive (self->retry_button, FALSE);
  gtk_widget_set_sensitive (self->exempt_button, self->document != NULL);
  if (self->document == NULL)
    {
      say (self, _("Fingerprints are taken once a document is on the page"));
      return;
    }
  if (!have_reader (self, &fp, &reader, &finger))
    {
      say (self, _("No fingerprint reader: the check says not captured"));
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  say (self, _("Looking for prints on file…"));
  bd_desk_context_finger_plan_async (self->context, self->document, self->cancellable,
                                     on_planned_cb, g_object_ref (self));
}

/* Cancels the run under way (its callback still comes) and forgets the
 * outcome. */
static void
stop (BdFingerPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->outcome, bd_desk_finger_free);
}

/* Buttons */

static void
on_retry_button_clicked_cb (BdFingerPanel *self)
{
  stop (self);
  g_signal_emit (self, signals[CHANGED], 0);
  start (self);
}

static void
on_exempt_button_toggled_cb (BdFingerPanel *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->exempt_revealer),
                                 gtk_toggle_button_get_active
                                 (GTK_TOGGLE_BUTTON (self->exempt_button)));
}

static void
on_exempt_record_clicked_cb (BdFingerPanel *self)
{
  const char *kind_id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->exempt_kind));
  g_autofree char *reason = g_strstrip (g_strdup (gtk_entry_get_text
                                                  (GTK_ENTRY (self->exempt_reason))));
  BdFingerOutcome o = { .result = BD_FINGER_EXEMPT, .score = -1 };
  BdExemptKind kind;
  g_autofree char *text = NULL, *kind_label = NULL;

  if (self->document == NULL || kind_id == NULL || !bd_exempt_kind_from_string (kind_id, &kind))
    return;
  if (*reason == '\0')
    {
      say (self, _("Say why no fingerprint can be taken"));
      gtk_widget_grab_focus (self->exempt_reason);
      return;
    }
  stop (self);
  o.exempt_kind = kind;
  o.reason = reason;
  o.consent = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->exempt_consent));
  kind_label = gtk_combo_box_text_get_active_text (GTK_COMBO_BOX_TEXT (self->exempt_kind));
  /* Translators: %s is the exemption kind as the list shows it. */
  text = g_strdup_printf (_("Exemption recorded: %s"), kind_label);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->exempt_button), FALSE);
  gtk_widget_set_sensitive (self->retry_button, TRUE);
  set_outcome (self, &o, text);
}

/* The reader opens when the panel is made, so the first traveller's
 * capture starts at once; a document that comes sooner cancels this and
 * its capture follows (run_ended). */
static void
on_warmed_up_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BdFingerPanel) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  bd_fingerprint_open_finish ((BdFingerprint *) source, result, &error);
  if (run_ended (self, error) || error == NULL)
    return;
  /* Translators: the reader could not be opened; %s says why. */
  text = g_strdup_printf (_("Reader not ready: %s"), error->message);
  gtk_label_set_text (GTK_LABEL (self->reader_label), text);
  atk_object_set_description (gtk_widget_get_accessible (self->reader_label), text);
}

/* Public */

void
bd_finger_panel_set_document (BdFingerPanel *self, const char *document)
{
  g_return_if_fail (BD_IS_FINGER_PANEL (self));

  gboolean had_outcome;

  if (g_strcmp0 (document, self->document) == 0)
    return;
  had_outcome = self->outcome != NULL;
  stop (self);
  g_free (self->document);
  self->document = g_strdup (document);
  gtk_entry_set_text (GTK_ENTRY (self->exempt_reason), "");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->exempt_consent), FALSE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->exempt_button), FALSE);
  start (self);
  if (had_outcome)
    g_signal_emit (self, signals[CHANGED], 0);
}

BdDeskFinger *
bd_finger_panel_dup_outcome (BdFingerPanel *self, const char *document)
{
  BdFingerOutcome pending = { .result = BD_FINGER_NOT_CAPTURED,
                              .reason = "capture not finished", .score = -1 };
  BdFingerprint *fp = NULL;
  const BdReader *reader = NULL;
  int finger;

  g_return_val_if_fail (BD_IS_FINGER_PANEL (self), NULL);

  /* Another traveller's outcome never goes with this one: the panel may
   * not have seen the new document yet. */
  if (g_strcmp0 (document, self->document) != 0)
    return have_reader (self, &fp, &reader, &finger) ? bd_desk_finger_new (&pending) : NULL;
  if (self->outcome != NULL)
    return bd_desk_finger_copy (self->outcome);
  if (self->document == NULL || !have_reader (self, &fp, &reader, &finger))
    return NULL;
  return bd_desk_finger_new (&pending);
}

/* Object */

static void
bd_finger_panel_dispose (GObject *object)
{
  BdFingerPanel *self = BD_FINGER_PANEL (object);

  /* Callbacks hold the panel: they see the cancellation and stop. */
  self->restart = FALSE;
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (bd_finger_panel_parent_class)->dispose (object);
}

static void
bd_finger_panel_finalize (GObject *object)
{
  BdFingerPanel *self = BD_FINGER_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->plan, bd_finger_plan_free);
  g_clear_pointer (&self->outcome, bd_desk_finger_free);
  g_free (self->document);
  G_OBJECT_CLASS (bd_finger_panel_parent_class)->finalize (object);
}

static void
bd_finger_panel_class_init (BdFingerPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_finger_panel_dispose;
  object_class->finalize = bd_finger_panel_finalize;

  /* The outcome changed: what bd_finger_panel_dup_outcome returns. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-finger-panel.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BdFingerPanel, name)
  CHILD (reader_label);
  CHILD (prompt);
  CHILD (progress);
  CHILD (retry_button);
  CHILD (exempt_button);
  CHILD (exempt_revealer);
  CHILD (exempt_kind);
  CHILD (exempt_reason);
  CHILD (exempt_consent);
  CHILD (exempt_record);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_retry_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_exempt_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_exempt_record_clicked_cb);
}

static void
bd_finger_panel_init (BdFingerPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->exempt_kind), "temporary");
}

GtkWidget *
bd_finger_panel_new (BdDeskContext *context)
{
  BdFingerPanel *self = g_object_new (BD_TYPE_FINGER_PANEL, NULL);
  BdFingerprint *fp = NULL;
  const BdReader *reader = NULL;
  int finger;
  g_autofree char *text = NULL;

  self->context = g_object_ref (context);
  if (have_reader (self, &fp, &reader, &finger))
    /* Translators: the fingerprint reader's name, such as "Virtual image device". */
    text = g_strdup_printf (_("Reader: %s"), reader->name);
  else
    text = g_strdup (_("No fingerprint reader"));
  gtk_label_set_text (GTK_LABEL (self->reader_label), text);
  atk_object_set_description (gtk_widget_get_accessible (self->reader_label), text);
  start (self);
  if (fp != NULL && reader != NULL)
    {
      self->cancellable = g_cancellable_new ();
      self->running = TRUE;
      bd_fingerprint_open_async (fp, reader->id, self->cancellable, on_warmed_up_cb,
                                 g_object_ref (self));
    }
  return GTK_WIDGET (self);
}

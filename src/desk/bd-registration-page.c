/* bd-registration-page.c: the guard's page (bd-registration-page.h). */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "bd-date.h"
#include "bd-override-dialog.h"
#include "bd-refuse-dialog.h"
#include "bd-registration-page-private.h"


G_DEFINE_FINAL_TYPE (BdRegistrationPage, bd_registration_page, BD_TYPE_PAGE)


static void request_preview (BdRegistrationPage *self);

/* Helpers */

static char *
mrz_text (BdRegistrationPage *self, gboolean *ends_with_newline)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->mrz_view));
  GtkTextIter start, end;
  char *text;
  gsize n, lead;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  n = strlen (text);
  if (ends_with_newline != NULL)
    *ends_with_newline = n > 0 && text[n - 1] == '\n';
  /* Line breaks before and after are a reader's (or a stray Enter's), not
   * part of the zone. */
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
    text[--n] = '\0';
  lead = strspn (text, "\r\n");
  if (lead > 0)
    memmove (text, text + lead, n - lead + 1);
  return text;
}

/* Fields come from the MRZ when there is one: read-only then, so what is
 * recorded is what the document says. */
static void
set_fields_editable (BdRegistrationPage *self, gboolean editable)
{
  GtkWidget *fields[] = { self->doc_code, self->issuing_state, self->number, self->surname,
                          self->given_names, self->nationality, self->birth_date, self->sex,
                          self->expiry };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_editable (GTK_EDITABLE (fields[i]), editable);
}

static void
replace_str (char **slot, const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
fill_fields (BdRegistrationPage *self, const BdIdentity *id)
{
  self->filling = TRUE;
  gtk_entry_set_text (GTK_ENTRY (self->doc_code), id->code ? id->code : "");
  gtk_entry_set_text (GTK_ENTRY (self->issuing_state), id->issuing_state ? id->issuing_state : "");
  gtk_entry_set_text (GTK_ENTRY (self->number), id->number ? id->number : "");
  gtk_entry_set_text (GTK_ENTRY (self->surname), id->surname ? id->surname : "");
  gtk_entry_set_text (GTK_ENTRY (self->given_names), id->given_names ? id->given_names : "");
  gtk_entry_set_text (GTK_ENTRY (self->nationality), id->nationality ? id->nationality : "");
  gtk_entry_set_text (GTK_ENTRY (self->birth_date), id->birth_date ? id->birth_date : "");
  gtk_entry_set_text (GTK_ENTRY (self->sex), id->sex ? id->sex : "");
  gtk_entry_set_text (GTK_ENTRY (self->expiry), id->expiry ? id->expiry : "");
  self->filling = FALSE;
}

static void
set_status (BdRegistrationPage *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->status), text);
  atk_object_set_description (gtk_widget_get_accessible (self->status), text);
}

static const char *
direction_label (BdDirection direction)
{
  return direction == BD_DIRECTION_EXIT ? C_("crossing", "exit") : C_("crossing", "entry");
}

static const char *
decision_label (BdDecision decision)
{
  switch (decision)
    {
    case BD_DECISION_REFUSED: return C_("decision", "refused");
    case BD_DECISION_REFERRED: return C_("decision", "referred");
    case BD_DECISION_ADMITTED:
    default: return C_("decision", "admitted");
    }
}

static BdDirection
current_direction (BdRegistrationPage *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->direction));

  return g_strcmp0 (id, "exit") == 0 ? BD_DIRECTION_EXIT : BD_DIRECTION_ENTRY;
}

static char *
vulnerability_flags (BdRegistrationPage *self)
{
  const struct { GtkWidget *w; const char *flag; } flags[] = {
    { self->flag_minor, "unaccompanied-minor" },
    { self->flag_medical, "medical-needs" },
    { self->flag_elderly, "elderly" },
    { self->flag_trafficking, "possible-trafficking-victim" },
  };
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (flags[i].w)))
      g_string_append_printf (s, "%s%s", s->len > 0 ? "," : "", flags[i].flag);
  return g_string_free (s, FALSE);
}

static char *
entry_dup (GtkWidget *entry)
{
  const char *text = gtk_entry_get_text (GTK_ENTRY (entry));

  return *text != '\0' ? g_strdup (text) : NULL;
}

/* What is on the page, or NULL when there is nothing to check yet. */
static BdDeskRequest *
build_request (BdRegistrationPage *self)
{
  g_autoptr(BdDeskRequest) r = bd_desk_request_new ();

  if (self->mrz != NULL)
    {
      r->mrz_text = mrz_text (self, NULL);
      r->source = self->from_reader ? BD_SOURCE_MRZ_READER : BD_SOURCE_TYPED_MRZ;
    }
  else
    {
      r->source = BD_SOURCE_MANUAL;
      r->identity.code = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->doc_code)));
      if (*r->identity.code == '\0')
        replace_str (&r->identity.code, "P");
      r->identity.issuing_state = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->issuing_state)));
      r->identity.number = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->number)));
      r->identity.expiry = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->expiry)));
      r->identity.surname = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->surname)));
      r->identity.given_names = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->given_names)));
      r->identity.nationality = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->nationality)));
      r->identity.birth_date = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->birth_date)));
      r->identity.sex = g_strdup (gtk_entry_get_text (GTK_ENTRY (self->sex)));
      if (*r->identity.sex == '\0')
        replace_str (&r->identity.sex, "<");
      if (*r->identity.issuing_state == '\0' || *r->identity.number == '\0' ||
          *r->identity.surname == '\0' || *r->identity.nationality == '\0')
        return NULL;
    }
  r->direction = current_direction (self);
  {
    g_autofree char *document = g_strconcat (gtk_entry_get_text (GTK_ENTRY (self->issuing_state)),
                                             ":", gtk_entry_get_text (GTK_ENTRY (self->number)),
                                             NULL);

    r->finger = bd_finger_panel_dup_outcome (BD_FINGER_PANEL (self->finger_panel), document);
  }
  r->transport = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->transport)));
  r->vehicle = entry_dup (self->vehicle);
  r->purpose = entry_dup (self->purpose);
  r->visa = entry_dup (self->visa);
  r->vulnerability = vulnerability_flags (self);
  r->note = entry_dup (self->note);
  return g_steal_pointer (&r);
}

/* Previews */

static void
on_history_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  bd_desk_context_fetch_history_finish (BD_DESK_CONTEXT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Answered or not: the figures and the source line follow. */
  request_preview (BD_REGISTRATION_PAGE (user_data));
}

/* Asks HQ once per document and session, in the background: the guard
 * keeps typing, and the page refreshes when the answer (or the timeout)
 * comes. */
static void
ask_hq (BdRegistrationPage *self, const char *document)
{
  BdDeskContext *context = bd_page_get_context (BD_PAGE (self));
  gboolean asked;

  if (document == NULL)
    return;
  bd_desk_context_get_hq_history (context, document, &asked);
  if (asked)
    return;
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  self->history_cancellable = g_cancellable_new ();
  bd_desk_context_fetch_history_async (context, document, self->history_cancellable,
                                       on_history_fetched_cb, self);
}

static void
on_preview_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDeskPreview) p = bd_desk_context_preview_finish (BD_DESK_CONTEXT (source), result,
                                                               &error);
  BdRegistrationPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_REGISTRATION_PAGE (user_data);
  if (p == NULL)
    {
      bd_registration_page_show_checks (self, NULL);
      bd_registration_page_show_stay (self, NULL);
      set_status (self, error->message);
      return;
    }
  /* The direction follows the traveller's last crossing (entry for a
   * first-time traveller) until the guard chooses one. */
  if (!self->direction_touched &&
      ((p->has_history && p->last_was_entry) ? BD_DIRECTION_EXIT : BD_DIRECTION_ENTRY) !=
      current_direction (self))
    {
      self->filling = TRUE;
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->direction),
                                   (p->has_history && p->last_was_entry) ? "exit" : "entry");
      self->filling = FALSE;
      request_preview (self);
      return;
    }
  bd_registration_page_show_checks (self, p->checks);
  bd_registration_page_show_stay (self, p);
  bd_registration_page_show_history (self, p->history);
  bd_registration_page_show_source (self, p);
  bd_finger_panel_set_document (BD_FINGER_PANEL (self->finger_panel), p->document);
  ask_hq (self, p->document);
}

static void
request_preview (BdRegistrationPage *self)
{
  BdDeskRequest *r;

  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  r = build_request (self);
  if (r == NULL)
    {
      bd_registration_page_show_checks (self, NULL);
      bd_registration_page_show_stay (self, NULL);
      bd_registration_page_show_history (self, NULL);
      bd_finger_panel_set_document (BD_FINGER_PANEL (self->finger_panel), NULL);
      return;
    }
  self->preview_cancellable = g_cancellable_new ();
  bd_desk_context_preview_async (bd_page_get_context (BD_PAGE (self)), r, self->preview_cancellable,
                                 on_preview_done_cb, self);
}

/* The MRZ */

static void
on_mrz_buffer_changed_cb (BdRegistrationPage *self)
{
  g_autofree char *text = mrz_text (self, NULL);
  g_autoptr(BdMrz) mrz = NULL;
  GString *message = g_string_new (NULL);

  g_clear_pointer (&self->mrz, bd_mrz_free);
  g_clear_pointer (&self->correction, g_free);
  gtk_widget_hide (self->correction_button);
  /* Any edit makes the zone typed, not read. */
  self->from_reader = self->reader_filling;

  if (*text == '\0')
    {
      BdIdentity empty = { 0, };

      fill_fields (self, &empty);
      bd_registration_page_mark_fields (self, NULL);
      set_fields_editable (self, TRUE);
      gtk_label_set_text (GTK_LABEL (self->mrz_message), "");
      g_string_free (message, TRUE);
      request_preview (self);
      return;
    }

  mrz = bd_mrz_parse (text);
  if (mrz->format == BD_MRZ_FORMAT_NONE)
    {
      /* Half a zone while a reader types: say what is missing, quietly. */
      gtk_label_set_text (GTK_LABEL (self->mrz_message),
                          mrz->errors->len > 0 ? (const char *) mrz->errors->pdata[0] : "");
      g_string_free (message, TRUE);
      return;
    }

  {
    BdIdentity id = { 0, };

    bd_identity_from_mrz (&id, mrz, bd_today ());
    fill_fields (self, &id);
    bd_identity_clear (&id);
  }
  set_fields_editable (self, FALSE);
  bd_registration_page_mark_fields (self, mrz);
  for (guint i = 0; i < mrz->errors->len; i++)
    g_string_append_printf (message, "%s%s", message->len ? "\n" : "",
                            (const char *) mrz->errors->pdata[i]);
  for (guint i = 0; i < mrz->warnings->len; i++)
    g_string_append_printf (message, "%s%s", message->len ? "\n" : "",
                            (const char *) mrz->warnings->pdata[i]);
  if (mrz->corrections->len > 0)
    {
      BdMrzCorrection *c = mrz->corrections->pdata[0];
      g_autofree char *label = g_strdup_printf (_("Apply correction: %c → %c at line %u, "
                                                  "column %u (Ctrl+K)"),
                                                c->from, c->to, c->line, c->column);

      self->correction = g_strdup (c->mrz);
      gtk_button_set_label (GTK_BUTTON (self->correction_button), label);
      gtk_widget_show (self->correction_button);
    }
  if (message->len == 0)
    g_string_append (message, _("Machine readable zone valid"));
  gtk_label_set_text (GTK_LABEL (self->mrz_message), message->str);
  g_string_free (message, TRUE);
  self->mrz = g_steal_pointer (&mrz);
  request_preview (self);
}

static void apply_correction (BdRegistrationPage *self);
static void decide (BdRegistrationPage *self, BdDecision decision, const char *reasons,
                    const char *note);

static gboolean
on_mrz_key_press_event_cb (BdRegistrationPage *self, GdkEventKey *event)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  gboolean ends_with_newline;
  g_autofree char *text = NULL;

  if ((event->keyval == GDK_KEY_k || event->keyval == GDK_KEY_K) && mods == GDK_CONTROL_MASK)
    {
      apply_correction (self);
      return GDK_EVENT_STOP;
    }
  if ((event->keyval != GDK_KEY_Return && event->keyval != GDK_KEY_KP_Enter) || mods != 0)
    return GDK_EVENT_PROPAGATE;
  text = mrz_text (self, &ends_with_newline);
  /* The reader's own Enter after the last line ends the zone; the next
   * Enter, on a complete zone, is the guard's Admit. */
  if (self->mrz != NULL && ends_with_newline)
    {
      decide (self, BD_DECISION_ADMITTED, NULL, NULL);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
apply_correction (BdRegistrationPage *self)
{
  g_autofree char *corrected = g_steal_pointer (&self->correction);

  if (corrected != NULL)
    bd_registration_page_set_mrz (self, corrected);
}

static void
on_correction_button_clicked_cb (BdRegistrationPage *self)
{
  apply_correction (self);
}

static void
on_field_changed_cb (BdRegistrationPage *self)
{
  if (!self->filling && self->mrz == NULL)
    request_preview (self);
}

static void
on_direction_changed_cb (BdRegistrationPage *self)
{
  if (self->filling)
    return;
  self->direction_touched = TRUE;
  request_preview (self);
}

/* Decisions */

typedef struct {
  BdRegistrationPage *self;
  BdDecision decision;
  char *reasons;
  char *note;
  gboolean overridden;
} Decision;

static void
decision_free (Decision *d)
{
  g_object_unref (d->self);
  g_free (d->reasons);
  g_free (d->note);
  g_free (d);
}

static void submit (Decision *d, const char *supervisor, const char *password,
                    const char *reason);

static char *
blocking_lines (GPtrArray *checks)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      BdCheck *c = checks->pdata[i];
      if (c->state == BD_CHECK_BLOCK)
        g_string_append_printf (s, "• %s: %s\n", c->name, c->reason);
    }
  return g_string_free (s, FALSE);
}

static void
on_override_response_cb (GtkDialog *dialog, int response, gpointer user_data)
{
  /* The dialog owns the decision until answered; destroyed unanswered
   * (its page went away), it frees it. */
  Decision *d = g_object_steal_data (G_OBJECT (dialog), "bd-decision");
  BdRegistrationPage *self = d->self;

  self->busy = FALSE;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *user = g_strdup (bd_override_dialog_get_username
                                        (BD_OVERRIDE_DIALOG (dialog)));
      g_autofree char *pass = g_strdup (bd_override_dialog_get_password
                                        (BD_OVERRIDE_DIALOG (dialog)));
      g_autofree char *why = g_strdup (bd_override_dialog_get_reason
                                       (BD_OVERRIDE_DIALOG (dialog)));

      gtk_widget_destroy (GTK_WIDGET (dialog));
      d->overridden = TRUE;
      submit (d, user, pass, why);
      memset (pass, 0, strlen (pass));
      return;
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
  set_status (self, _("Not recorded: admitting needs a supervisor's override"));
  decision_free (d);
}

static void
on_register_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Decision *d = user_data;
  BdRegistrationPage *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *uuid = bd_desk_context_register_finish (BD_DESK_CONTEXT (source), result,
                                                          &checks, &error);

  /* The page is gone (window closed): nothing to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      decision_free (d);
      return;
    }
  if (uuid != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Recorded: %s, %s"),
                                               direction_label (current_direction (self)),
                                               decision_label (d->decision));
      self->busy = FALSE;
      bd_registration_page_reset (self);
      set_status (self, text);
      decision_free (d);
      return;
    }
  self->busy = FALSE;
  if (g_error_matches (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED) && !d->overridden)
    {
      g_autofree char *lines = blocking_lines (checks);
      GtkWidget *dialog = bd_override_dialog_new (GTK_WINDOW (gtk_widget_get_toplevel
                                                              (GTK_WIDGET (self))), lines);

      bd_registration_page_show_checks (self, checks);
      set_status (self, _("Blocked: admitting needs a supervisor's override"));
      /* Not gtk_dialog_run: a nested loop would hold up whoever clicked
       * (an accessibility client waits for its action to return). */
      self->busy = TRUE;
      g_object_set_data_full (G_OBJECT (dialog), "bd-decision", d,
                              (GDestroyNotify) decision_free);
      g_signal_connect (dialog, "response", G_CALLBACK (on_override_response_cb), NULL);
      /* The dialog must not outlive the page it answers for. */
      g_signal_connect_object (self, "destroy", G_CALLBACK (gtk_widget_destroy), dialog,
                               G_CONNECT_SWAPPED);
      gtk_widget_show (dialog);
      return;
    }
  /* Nothing was saved; everything typed stays on the page. */
  set_status (self, error->message);
  if (checks != NULL)
    bd_registration_page_show_checks (self, checks);
  decision_free (d);
}

static void
submit (Decision *d, const char *supervisor, const char *password, const char *reason)
{
  BdRegistrationPage *self = d->self;
  BdDeskRequest *r = build_request (self);

  if (r == NULL)
    {
      set_status (self, _("Scan the machine readable zone, or type the traveller's details"));
      decision_free (d);
      return;
    }
  r->decision = d->decision;
  r->refusal_reasons = g_strdup (d->reasons != NULL ? d->reasons : "");
  if (d->note != NULL && *d->note != '\0')
    replace_str (&r->note, d->note);
  self->busy = TRUE;
  set_status (self, _("Recording…"));
  bd_desk_context_register_async (bd_page_get_context (BD_PAGE (self)), r, supervisor, password,
                                  reason, bd_page_get_cancellable (BD_PAGE (self)),
                                  on_register_done_cb, d);
}

static void
decide (BdRegistrationPage *self, BdDecision decision, const char *reasons, const char *note)
{
  Decision *d;

  if (self->busy)
    return;
  d = g_new0 (Decision, 1);
  d->self = g_object_ref (self);
  d->decision = decision;
  d->reasons = g_strdup (reasons);
  d->note = g_strdup (note);
  submit (d, NULL, NULL, NULL);
}

static void
on_admit_button_clicked_cb (BdRegistrationPage *self)
{
  decide (self, BD_DECISION_ADMITTED, NULL, NULL);
}

static void
on_refer_button_clicked_cb (BdRegistrationPage *self)
{
  decide (self, BD_DECISION_REFERRED, NULL, NULL);
}

static void
on_refuse_response_cb (GtkDialog *dialog, int response, BdRegistrationPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *reasons = bd_refuse_dialog_get_reasons (BD_REFUSE_DIALOG (dialog));

      decide (self, BD_DECISION_REFUSED, reasons,
              bd_refuse_dialog_get_note (BD_REFUSE_DIALOG (dialog)));
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_refuse_button_clicked_cb (BdRegistrationPage *self)
{
  GtkWidget *dialog;

  if (self->busy)
    return;
  dialog = bd_refuse_dialog_new (GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))));
  /* Shown, not run: see on_register_done_cb. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_refuse_response_cb), self, 0);
  gtk_widget_show (dialog);
}

/* Object */

static void
bd_registration_page_dispose (GObject *object)
{
  BdRegistrationPage *self = BD_REGISTRATION_PAGE (object);

  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_pointer (&self->mrz, bd_mrz_free);
  g_clear_pointer (&self->correction, g_free);
  G_OBJECT_CLASS (bd_registration_page_parent_class)->dispose (object);
}

/* The panel needs the context, a construct property: made here, not in
 * the template. */
static void
bd_registration_page_constructed (GObject *object)
{
  BdRegistrationPage *self = BD_REGISTRATION_PAGE (object);

  G_OBJECT_CLASS (bd_registration_page_parent_class)->constructed (object);
  self->finger_panel = bd_finger_panel_new (bd_page_get_context (BD_PAGE (self)));
  gtk_container_add (GTK_CONTAINER (self->finger_slot), self->finger_panel);
  g_signal_connect_object (self->finger_panel, "changed", G_CALLBACK (request_preview), self,
                           G_CONNECT_SWAPPED);
}

static void
bd_registration_page_class_init (BdRegistrationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_registration_page_constructed;
  object_class->dispose = bd_registration_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-registration-page.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "mrz", FALSE,
                                             G_STRUCT_OFFSET (BdRegistrationPage, mrz_view));
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BdRegistrationPage, name)
  CHILD (mrz_message);
  CHILD (correction_button);
  CHILD (doc_code);
  CHILD (issuing_state);
  CHILD (number);
  CHILD (surname);
  CHILD (given_names);
  CHILD (nationality);
  CHILD (birth_date);
  CHILD (sex);
  CHILD (expiry);
  CHILD (direction);
  CHILD (transport);
  CHILD (vehicle);
  CHILD (purpose);
  CHILD (visa);
  CHILD (flag_minor);
  CHILD (flag_medical);
  CHILD (flag_elderly);
  CHILD (flag_trafficking);
  CHILD (note);
  CHILD (checks);
  CHILD (stay_used);
  CHILD (stay_remaining);
  CHILD (stay_latest);
  CHILD (stay_note);
  CHILD (history);
  CHILD (status);
  CHILD (admit_button);
  CHILD (refuse_button);
  CHILD (refer_button);
  CHILD (finger_slot);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_mrz_key_press_event_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_correction_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_direction_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_admit_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refuse_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refer_button_clicked_cb);
}

static void
bd_registration_page_init (BdRegistrationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->mrz_view)),
                            "changed", G_CALLBACK (on_mrz_buffer_changed_cb), self);
}

GtkWidget *
bd_registration_page_new (BdDeskContext *context)
{
  return g_object_new (BD_TYPE_REGISTRATION_PAGE, "context", context, NULL);
}

void
bd_registration_page_set_mrz (BdRegistrationPage *self, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->mrz_view)), text, -1);
}

void
bd_registration_page_set_mrz_from_reader (BdRegistrationPage *self, const char *text)
{
  g_autofree char *zone = g_strconcat (text, "\n", NULL);

  if (self->busy)
    return;
  self->reader_filling = TRUE;
  bd_registration_page_set_mrz (self, zone);
  self->reader_filling = FALSE;
  gtk_widget_grab_focus (self->mrz_view);
}

void
bd_registration_page_reset (BdRegistrationPage *self)
{
  GtkWidget *entries[] = { self->vehicle, self->purpose, self->visa, self->note };
  GtkWidget *flags[] = { self->flag_minor, self->flag_medical, self->flag_elderly,
                         self->flag_trafficking };

  self->filling = TRUE;
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->direction), "entry");
  self->filling = FALSE;
  self->direction_touched = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_entry_set_text (GTK_ENTRY (entries[i]), "");
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (flags[i]), FALSE);
  bd_registration_page_set_mrz (self, "");
  bd_registration_page_show_checks (self, NULL);
  bd_registration_page_show_stay (self, NULL);
  bd_registration_page_show_history (self, NULL);
  set_status (self, "");
  gtk_widget_grab_focus (self->mrz_view);
}

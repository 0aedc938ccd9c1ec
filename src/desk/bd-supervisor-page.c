/* bd-supervisor-page.c: the supervisor's page (bd-supervisor-page.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-amend-dialog.h"
#include "bd-chart-view.h"
#include "bd-report.h"
#include "bd-signoff-dialog.h"
#include "bd-supervisor-page.h"
#include "bd-timeline.h"

struct _BdSupervisorPage {
  BdPage parent_instance;

  GtkWidget *from_entry;
  GtkWidget *to_entry;
  GtkWidget *desk_entry;
  GtkWidget *officer_entry;
  GtkWidget *state_combo;
  GtkWidget *range_button;
  GtkWidget *shifts_view;
  GtkListStore *shifts_store;
  GtkWidget *detail_title;
  GtkWidget *sign_off_button;
  GtkWidget *open_crossing_button;
  GtkWidget *amend_button;
  GtkWidget *export_csv_button;
  GtkWidget *export_pdf_button;
  GtkWidget *notebook;
  GtkWidget *timeline_view;
  GtkListStore *timeline_store;
  GtkWidget *stats_grid;
  GtkWidget *message;

  GtkWidget *charts[BD_REPORT_N_CHARTS];
  GtkWidget *tables[BD_REPORT_N_CHARTS];

  /* What the statistics show: a shift, or a range of days. */
  gint64 shift;
  char *from;
  char *to;
  char *summary;          /* "shift 12 of g1" for the sign-off dialog */
  GCancellable *detail;   /* the pending detail load, cancelled by the next */
};

G_DEFINE_FINAL_TYPE (BdSupervisorPage, bd_supervisor_page, BD_TYPE_PAGE)

enum {
  SHIFT_ID, SHIFT_DESK, SHIFT_OFFICER, SHIFT_OPENED, SHIFT_CLOSED, SHIFT_CROSSINGS,
  SHIFT_ALERTS, SHIFT_OVERRIDES, SHIFT_UNSYNCED, SHIFT_STATE_LABEL, SHIFT_STATE,
};

enum {
  EVENT_TIME, EVENT_KIND, EVENT_ACTOR, EVENT_DETAIL, EVENT_CROSSING,
};

/* Helpers */

static BdDeskContext *
context (BdSupervisorPage *self)
{
  return bd_page_get_context (BD_PAGE (self));
}

static void
say (BdSupervisorPage *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->message), text != NULL ? text : "");
}

static const char *
state_label (const char *state)
{
  if (g_strcmp0 (state, "open") == 0)
    return _("Open");
  if (g_strcmp0 (state, "closed") == 0)
    return _("Closed");
  return _("Signed off");
}

static const char *
kind_label (BdTimelineKind kind)
{
  switch (kind)
    {
    case BD_TIMELINE_LOGIN: return _("Login");
    case BD_TIMELINE_LOGIN_FAILED: return _("Failed login");
    case BD_TIMELINE_SHIFT: return _("Shift");
    case BD_TIMELINE_CROSSING: return _("Crossing");
    case BD_TIMELINE_ALERT: return _("Alert");
    case BD_TIMELINE_OVERRIDE: return _("Override");
    case BD_TIMELINE_AMENDMENT: return _("Amendment");
    case BD_TIMELINE_SYNC: return _("Sync");
    case BD_TIMELINE_READER: return _("Reader");
    case BD_TIMELINE_VIEW: return _("Personal data viewed");
    case BD_TIMELINE_N_KINDS:
    default: return "?";
    }
}

static const char *
entry_text (GtkWidget *entry)
{
  const char *text = gtk_entry_get_text (GTK_ENTRY (entry));

  return *text != '\0' ? text : NULL;
}

static void
set_exports_sensitive (BdSupervisorPage *self, gboolean sensitive)
{
  gtk_widget_set_sensitive (self->export_csv_button, sensitive);
  gtk_widget_set_sensitive (self->export_pdf_button, sensitive);
}

/* A table beside each chart: the same numbers, for reading and copying. */
static void
fill_table (GtkWidget *grid, const BdChart *chart)
{
  g_autoptr(GList) old = gtk_container_get_children (GTK_CONTAINER (grid));
  guint ns = bd_chart_n_series (chart);

  for (GList *l = old; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint j = 0; j < ns; j++)
    {
      GtkWidget *head = gtk_label_new (bd_chart_series (chart, j));

      gtk_style_context_add_class (gtk_widget_get_style_context (head), "dim-label");
      gtk_label_set_xalign (GTK_LABEL (head), 1);
      gtk_grid_attach (GTK_GRID (grid), head, (int) j + 1, 0, 1, 1);
    }
  for (guint i = 0; i < bd_chart_n_categories (chart); i++)
    {
      GtkWidget *name = gtk_label_new (bd_chart_category (chart, i));

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_grid_attach (GTK_GRID (grid), name, 0, (int) i + 1, 1, 1);
      for (guint j = 0; j < ns; j++)
        {
          g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                bd_chart_value (chart, i, j));
          GtkWidget *value = gtk_label_new (n);

          gtk_label_set_xalign (GTK_LABEL (value), 1);
          gtk_grid_attach (GTK_GRID (grid), value, (int) j + 1, (int) i + 1, 1, 1);
        }
    }
  gtk_widget_show_all (grid);
}

static void
show_stats (BdSupervisorPage *self, JsonNode *stats)
{
  JsonObject *o = json_node_get_object (stats);

  for (int c = 0; c < BD_REPORT_N_CHARTS; c++)
    {
      BdChart *chart = bd_report_chart (o, c);

      fill_table (self->tables[c], chart);
      bd_chart_view_set_chart (BD_CHART_VIEW (self->charts[c]), chart);
    }
  set_exports_sensitive (self, TRUE);
}

static void
clear_detail (BdSupervisorPage *self)
{
  g_cancellable_cancel (self->detail);
  g_clear_object (&self->detail);
  self->shift = 0;
  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);
  g_clear_pointer (&self->summary, g_free);
  gtk_list_store_clear (self->timeline_store);
  gtk_label_set_text (GTK_LABEL (self->detail_title), _("Choose a shift."));
  gtk_widget_set_sensitive (self->sign_off_button, FALSE);
  gtk_widget_set_sensitive (self->open_crossing_button, FALSE);
  gtk_widget_set_sensitive (self->amend_button, FALSE);
  set_exports_sensitive (self, FALSE);
  for (int c = 0; c < BD_REPORT_N_CHARTS; c++)
    bd_chart_view_set_chart (BD_CHART_VIEW (self->charts[c]), NULL);
}

/* A fresh cancellable for a detail load, ending the previous one (and
 * ending with the page). */
static GCancellable *
new_detail_load (BdSupervisorPage *self)
{
  g_cancellable_cancel (self->detail);
  g_clear_object (&self->detail);
  self->detail = g_cancellable_new ();
  g_signal_connect_object (bd_page_get_cancellable (BD_PAGE (self)), "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->detail, G_CONNECT_SWAPPED);
  return self->detail;
}

/* Callbacks */

static void
on_list_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shifts = bd_desk_context_list_shifts_finish (BD_DESK_CONTEXT (source),
                                                                    result, &error);
  BdSupervisorPage *self;
  gint64 keep;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  keep = self->shift;
  gtk_list_store_clear (self->shifts_store);
  if (shifts == NULL)
    {
      say (self, error->message);
      return;
    }
  for (guint i = 0; i < shifts->len; i++)
    {
      BdShift *s = shifts->pdata[i];
      const char *state = bd_shift_state_to_string (s);

      gtk_list_store_insert_with_values (self->shifts_store, NULL, -1,
                                         SHIFT_ID, s->id, SHIFT_DESK, s->desk,
                                         SHIFT_OFFICER, s->officer, SHIFT_OPENED, s->opened,
                                         SHIFT_CLOSED, s->closed != NULL ? s->closed : "",
                                         SHIFT_CROSSINGS, s->crossings,
                                         SHIFT_ALERTS, s->alerts, SHIFT_OVERRIDES, s->overrides,
                                         SHIFT_UNSYNCED, s->unsynced,
                                         SHIFT_STATE_LABEL, state_label (state),
                                         SHIFT_STATE, state, -1);
    }
  /* The shift shown stays shown; else the newest, unless days are shown. */
  if (keep > 0)
    bd_supervisor_page_select_shift (self, keep);
  else if (self->from == NULL && shifts->len > 0)
    bd_supervisor_page_select_shift (self, ((BdShift *) shifts->pdata[0])->id);
}

static void
on_search_button_clicked_cb (BdSupervisorPage *self)
{
  BdShiftFilter filter = { 0, };

  say (self, NULL);
  filter.from = entry_text (self->from_entry);
  filter.to = entry_text (self->to_entry);
  filter.desk = entry_text (self->desk_entry);
  filter.officer = entry_text (self->officer_entry);
  bd_shift_state_from_string (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->state_combo)),
                              &filter.state);
  bd_desk_context_list_shifts_async (context (self), &filter,
                                     bd_page_get_cancellable (BD_PAGE (self)), on_list_done_cb,
                                     self);
}

static void
on_detail_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDeskShiftDetail) d = bd_desk_context_shift_detail_finish (BD_DESK_CONTEXT (source),
                                                                        result, &error);
  BdSupervisorPage *self;
  g_autofree char *title = NULL;
  const char *me;
  const char *state;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  if (d == NULL)
    {
      say (self, error->message);
      return;
    }
  self->shift = d->shift->id;
  state = bd_shift_state_to_string (d->shift);
  g_free (self->summary);
  /* Translators: shift number and officer, for the sign-off dialog. */
  self->summary = g_strdup_printf (_("shift %lld of %s"), (long long) d->shift->id,
                                   d->shift->officer);
  /* Translators: shift number, officer, desk, opening and closing times, state. */
  title = g_strdup_printf (_("Shift %lld · %s · desk %s · %s to %s · %s"),
                           (long long) d->shift->id, d->shift->officer, d->shift->desk,
                           d->shift->opened,
                           d->shift->closed != NULL ? d->shift->closed : _("now"),
                           state_label (state));
  if (d->shift->signed_off_by != NULL)
    {
      /* Translators: appended to the shift's title: who signed it off and when. */
      g_autofree char *signed_off = g_strdup_printf (_("%s (signed off by %s at %s)"), title,
                                                     d->shift->signed_off_by,
                                                     d->shift->signed_off_at);
      g_free (title);
      title = g_steal_pointer (&signed_off);
    }
  gtk_label_set_text (GTK_LABEL (self->detail_title), title);
  me = bd_desk_context_get_username (context (self));
  gtk_widget_set_sensitive (self->sign_off_button, g_strcmp0 (state, "closed") == 0 &&
                                                   g_strcmp0 (me, d->shift->officer) != 0);
  gtk_list_store_clear (self->timeline_store);
  for (guint i = 0; i < d->timeline->len; i++)
    {
      BdTimelineEvent *e = d->timeline->pdata[i];

      gtk_list_store_insert_with_values (self->timeline_store, NULL, -1,
                                         EVENT_TIME, e->time, EVENT_KIND, kind_label (e->kind),
                                         EVENT_ACTOR, e->actor, EVENT_DETAIL, e->detail,
                                         EVENT_CROSSING, e->crossing, -1);
    }
  show_stats (self, d->stats);
}

static void
load_shift (BdSupervisorPage *self, gint64 id)
{
  clear_detail (self);
  self->shift = id;
  bd_desk_context_shift_detail_async (context (self), id, new_detail_load (self),
                                      on_detail_done_cb, self);
}

static void
on_shift_selection_changed_cb (BdSupervisorPage *self, GtkTreeSelection *selection)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  gint64 id;

  if (!gtk_tree_selection_get_selected (selection, &model, &iter))
    return;
  gtk_tree_model_get (model, &iter, SHIFT_ID, &id, -1);
  if (id != self->shift || self->from != NULL ||
      gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->timeline_store), NULL) == 0)
    load_shift (self, id);
}

static void
on_range_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stats = bd_desk_context_stats_finish (BD_DESK_CONTEXT (source), result,
                                                            &error);
  BdSupervisorPage *self;
  g_autofree char *title = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  if (stats == NULL)
    {
      say (self, error->message);
      return;
    }
  /* Translators: the first and last day of the statistics shown. */
  title = g_strdup_printf (_("Days %s to %s, every shift"), self->from, self->to);
  gtk_label_set_text (GTK_LABEL (self->detail_title), title);
  show_stats (self, stats);
  gtk_notebook_set_current_page (GTK_NOTEBOOK (self->notebook), 1);
}

static void
on_range_button_clicked_cb (BdSupervisorPage *self)
{
  const char *from = entry_text (self->from_entry), *to = entry_text (self->to_entry);
  BdStatsScope scope = { 0, };

  say (self, NULL);
  if (from == NULL && to == NULL)
    {
      say (self, _("Give a first day, a last day, or both (YYYY-MM-DD)."));
      return;
    }
  gtk_tree_selection_unselect_all (gtk_tree_view_get_selection
                                     (GTK_TREE_VIEW (self->shifts_view)));
  clear_detail (self);
  /* One day given: that day. */
  self->from = g_strdup (from != NULL ? from : to);
  self->to = g_strdup (to != NULL ? to : from);
  scope.from = self->from;
  scope.to = self->to;
  scope.desk = entry_text (self->desk_entry);
  scope.officer = entry_text (self->officer_entry);
  bd_desk_context_stats_async (context (self), &scope, new_detail_load (self), on_range_done_cb,
                               self);
}

static void
on_sign_off_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdSupervisorPage *self;

  if (!bd_desk_context_sign_off_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  if (error != NULL)
    {
      say (self, error->message);
      gtk_widget_set_sensitive (self->sign_off_button, TRUE);
      return;
    }
  /* The list and the detail show the new state. */
  on_search_button_clicked_cb (self);
  load_shift (self, self->shift);
  say (self, _("Shift signed off."));
}

static void
on_signoff_response_cb (GtkDialog *dialog, int response, BdSupervisorPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->shift > 0)
    {
      gtk_widget_set_sensitive (self->sign_off_button, FALSE);
      bd_desk_context_sign_off_async (context (self), self->shift,
                                      bd_signoff_dialog_get_password (BD_SIGNOFF_DIALOG (dialog)),
                                      bd_signoff_dialog_get_note (BD_SIGNOFF_DIALOG (dialog)),
                                      bd_page_get_cancellable (BD_PAGE (self)),
                                      on_sign_off_done_cb, self);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_sign_off_button_clicked_cb (BdSupervisorPage *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->shift <= 0)
    return;
  dialog = bd_signoff_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                  self->summary != NULL ? self->summary : "");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_signoff_response_cb), self, 0);
  gtk_widget_show (dialog);
}

/* "Surname, given names (nationality, sex, born ...)" and the crossing's
 * facts, then its amendments. */
static char *
describe_crossing (JsonObject *c)
{
  JsonObject *t = json_object_get_object_member (c, "traveller");
  JsonObject *d = json_object_get_object_member (c, "document");
  JsonArray *amendments = json_object_get_array_member (c, "amendments");
  GString *s = g_string_new (NULL);

  /* Translators: surname, given names, nationality, sex, birth date. */
  g_string_append_printf (s, _("%s, %s\nNationality %s · sex %s · born %s\n"),
                          json_object_get_string_member (t, "surname"),
                          json_object_get_string_member (t, "given_names"),
                          json_object_get_string_member (t, "nationality"),
                          json_object_get_string_member (t, "sex"),
                          json_object_get_string_member (t, "birth_date"));
  /* Translators: document code, issuing state, number, expiry date. */
  g_string_append_printf (s, _("Document %s %s %s, expires %s\n"),
                          json_object_get_string_member (d, "code"),
                          json_object_get_string_member (d, "issuing_state"),
                          json_object_get_string_member (d, "number"),
                          json_object_get_string_member (d, "expiry"));
  /* Translators: time, direction, decision, officer. */
  g_string_append_printf (s, _("%s · %s · %s · officer %s"),
                          json_object_get_string_member (c, "time"),
                          json_object_get_string_member (c, "direction"),
                          json_object_get_string_member (c, "decision"),
                          json_object_get_string_member_with_default (c, "officer", ""));
  for (guint i = 0; amendments != NULL && i < json_array_get_length (amendments); i++)
    {
      JsonObject *a = json_array_get_object_element (amendments, i);

      /* Translators: an amendment: time, officer, field, old value, new value, reason. */
      g_string_append_printf (s, _("\nAmended %s by %s: %s “%s” → “%s” (%s)"),
                              json_object_get_string_member (a, "time"),
                              json_object_get_string_member (a, "officer"),
                              json_object_get_string_member (a, "field"),
                              json_object_get_string_member (a, "old"),
                              json_object_get_string_member (a, "new"),
                              json_object_get_string_member (a, "reason"));
    }
  return g_string_free (s, FALSE);
}

static void
on_open_crossing_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) crossing = bd_desk_context_open_crossing_finish (BD_DESK_CONTEXT (source),
                                                                         result, &error);
  BdSupervisorPage *self;
  GtkWidget *toplevel, *dialog;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  if (crossing == NULL)
    {
      say (self, error->message);
      return;
    }
  text = describe_crossing (crossing);
  toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                   GTK_DIALOG_MODAL, GTK_MESSAGE_INFO, GTK_BUTTONS_CLOSE,
                                   "%s", _("Crossing (this look is recorded in the audit log)"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text);
  atk_object_set_name (gtk_widget_get_accessible (dialog), _("Crossing"));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static char *
selected_crossing (BdSupervisorPage *self)
{
  GtkTreeSelection *selection = gtk_tree_view_get_selection (GTK_TREE_VIEW (self->timeline_view));
  GtkTreeModel *model;
  GtkTreeIter iter;
  char *uuid = NULL;

  if (gtk_tree_selection_get_selected (selection, &model, &iter))
    gtk_tree_model_get (model, &iter, EVENT_CROSSING, &uuid, -1);
  return uuid;
}

static void
on_open_crossing_button_clicked_cb (BdSupervisorPage *self)
{
  g_autofree char *uuid = selected_crossing (self);

  if (uuid != NULL)
    bd_desk_context_open_crossing_async (context (self), uuid,
                                         bd_page_get_cancellable (BD_PAGE (self)),
                                         on_open_crossing_done_cb, self);
}

static void
on_timeline_row_activated_cb (BdSupervisorPage *self)
{
  on_open_crossing_button_clicked_cb (self);
}

static void
on_timeline_selection_changed_cb (BdSupervisorPage *self)
{
  g_autofree char *uuid = selected_crossing (self);

  gtk_widget_set_sensitive (self->open_crossing_button, uuid != NULL);
  gtk_widget_set_sensitive (self->amend_button, uuid != NULL);
}

static void
on_amend_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdSupervisorPage *self;

  if (!bd_desk_context_amend_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  if (error != NULL)
    {
      say (self, error->message);
      return;
    }
  /* The timeline shows the amendment. */
  load_shift (self, self->shift);
  say (self, _("Amendment recorded."));
}

static void
on_amend_response_cb (GtkDialog *dialog, int response, BdSupervisorPage *self)
{
  g_autofree char *uuid = selected_crossing (self);

  if (response == GTK_RESPONSE_ACCEPT && uuid != NULL)
    bd_desk_context_amend_async (context (self), uuid,
                                 bd_amend_dialog_get_field (BD_AMEND_DIALOG (dialog)),
                                 bd_amend_dialog_get_value (BD_AMEND_DIALOG (dialog)),
                                 bd_amend_dialog_get_reason (BD_AMEND_DIALOG (dialog)),
                                 bd_page_get_cancellable (BD_PAGE (self)), on_amend_done_cb,
                                 self);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_amend_button_clicked_cb (BdSupervisorPage *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *dialog;

  say (self, NULL);
  dialog = bd_amend_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_amend_response_cb), self, 0);
  gtk_widget_show (dialog);
}

static void
on_export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  BdSupervisorPage *self;

  if (!bd_desk_context_export_finish (BD_DESK_CONTEXT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BD_SUPERVISOR_PAGE (user_data);
  say (self, error != NULL ? error->message : _("Exported."));
}

static void
choose_export_file (BdSupervisorPage *self, BdDeskExport format)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(GtkFileChooserNative) chooser = NULL;
  g_autofree char *name = NULL;

  chooser = gtk_file_chooser_native_new (_("Export statistics"),
                                         GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  if (self->shift > 0)
    name = g_strdup_printf ("shift-%lld.%s", (long long) self->shift,
                            format == BD_DESK_EXPORT_PDF ? "pdf" : "csv");
  else
    name = g_strdup_printf ("crossings-%s-%s.%s", self->from, self->to,
                            format == BD_DESK_EXPORT_PDF ? "pdf" : "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));

      if (path != NULL)
        bd_supervisor_page_export (self, format, path);
    }
}

static void
on_export_csv_button_clicked_cb (BdSupervisorPage *self)
{
  choose_export_file (self, BD_DESK_EXPORT_CSV);
}

static void
on_export_pdf_button_clicked_cb (BdSupervisorPage *self)
{
  choose_export_file (self, BD_DESK_EXPORT_PDF);
}

/* Overrides */

static void
bd_supervisor_page_dispose (GObject *object)
{
  BdSupervisorPage *self = BD_SUPERVISOR_PAGE (object);

  g_cancellable_cancel (self->detail);
  g_clear_object (&self->detail);
  G_OBJECT_CLASS (bd_supervisor_page_parent_class)->dispose (object);
}

static void
bd_supervisor_page_finalize (GObject *object)
{
  BdSupervisorPage *self = BD_SUPERVISOR_PAGE (object);

  g_free (self->from);
  g_free (self->to);
  g_free (self->summary);
  G_OBJECT_CLASS (bd_supervisor_page_parent_class)->finalize (object);
}

static void
bd_supervisor_page_class_init (BdSupervisorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_supervisor_page_dispose;
  object_class->finalize = bd_supervisor_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/borderdesk/Desk/bd-supervisor-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, desk_entry);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, officer_entry);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, state_combo);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, range_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, shifts_view);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, shifts_store);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, sign_off_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, open_crossing_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, amend_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, export_csv_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, export_pdf_button);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, notebook);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, timeline_store);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, stats_grid);
  gtk_widget_class_bind_template_child (widget_class, BdSupervisorPage, message);
  gtk_widget_class_bind_template_callback (widget_class, on_search_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_range_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_shift_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_off_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_crossing_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_amend_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_csv_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_pdf_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_timeline_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_timeline_selection_changed_cb);
}

static void
bd_supervisor_page_init (BdSupervisorPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Each chart with its table beside it (after it in reading order, so
   * to its left in Arabic). */
  for (int c = 0; c < BD_REPORT_N_CHARTS; c++)
    {
      self->charts[c] = bd_chart_view_new ();
      self->tables[c] = gtk_grid_new ();
      gtk_grid_set_column_spacing (GTK_GRID (self->tables[c]), 12);
      gtk_widget_set_valign (self->tables[c], GTK_ALIGN_START);
      gtk_grid_attach (GTK_GRID (self->stats_grid), self->charts[c], 0, c, 1, 1);
      gtk_grid_attach (GTK_GRID (self->stats_grid), self->tables[c], 1, c, 1, 1);
    }
  gtk_widget_show_all (self->stats_grid);
}

/* Public API */

GtkWidget *
bd_supervisor_page_new (BdDeskContext *context)
{
  return g_object_new (BD_TYPE_SUPERVISOR_PAGE, "context", context, NULL);
}

void
bd_supervisor_page_reset (BdSupervisorPage *self)
{
  clear_detail (self);
  say (self, NULL);
  on_search_button_clicked_cb (self);
}

gboolean
bd_supervisor_page_select_shift (BdSupervisorPage *self, gint64 id)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->shifts_store);
  GtkTreeIter iter;

  if (!gtk_tree_model_get_iter_first (model, &iter))
    return FALSE;
  do
    {
      gint64 row;

      gtk_tree_model_get (model, &iter, SHIFT_ID, &row, -1);
      if (row == id)
        {
          GtkTreeSelection *selection =
            gtk_tree_view_get_selection (GTK_TREE_VIEW (self->shifts_view));

          gtk_tree_selection_select_iter (selection, &iter);
          return TRUE;
        }
    }
  while (gtk_tree_model_iter_next (model, &iter));
  return FALSE;
}

gint64
bd_supervisor_page_get_shift (BdSupervisorPage *self)
{
  return self->shift;
}

void
bd_supervisor_page_export (BdSupervisorPage *self, BdDeskExport format, const char *path)
{
  BdStatsScope scope = { self->shift, self->from, self->to, NULL, NULL };

  if (self->shift <= 0)
    {
      scope.desk = entry_text (self->desk_entry);
      scope.officer = entry_text (self->officer_entry);
    }
  say (self, NULL);
  bd_desk_context_export_async (context (self), &scope, format, path,
                                bd_page_get_cancellable (BD_PAGE (self)), on_export_done_cb,
                                self);
}

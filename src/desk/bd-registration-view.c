/* bd-registration-view.c: how the registration page shows what the core
 * said: field marks, the checks panel, the stay figures, the history. */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-country.h"
#include "bd-date.h"
#include "bd-registration-page-private.h"

/* Marks one field valid or not: an icon and a tooltip a guard sees, and an
 * accessible description a screen reader says. */
static void
mark_field (GtkWidget *entry, const char *problem)
{
  AtkObject *accessible = gtk_widget_get_accessible (entry);

  gtk_entry_set_icon_from_icon_name (GTK_ENTRY (entry), GTK_ENTRY_ICON_SECONDARY,
                                     problem != NULL ? "dialog-warning-symbolic" : NULL);
  gtk_entry_set_icon_tooltip_text (GTK_ENTRY (entry), GTK_ENTRY_ICON_SECONDARY, problem);
  atk_object_set_description (accessible, problem != NULL ? problem : "");
  if (problem != NULL)
    gtk_style_context_add_class (gtk_widget_get_style_context (entry), "field-invalid");
  else
    gtk_style_context_remove_class (gtk_widget_get_style_context (entry), "field-invalid");
}

/* Each field shows whether the zone vouches for it: its check digit, or
 * for the codes, whether the state is known. */
void
bd_registration_page_mark_fields (BdRegistrationPage *self, const BdMrz *mrz)
{
  const struct { GtkWidget *entry; BdMrzCheck check; const char *problem; } digits[] = {
    { self->number, BD_MRZ_CHECK_DOCUMENT_NUMBER, N_("the check digit does not match") },
    { self->birth_date, BD_MRZ_CHECK_BIRTH_DATE, N_("the check digit does not match") },
    { self->expiry, BD_MRZ_CHECK_EXPIRY_DATE, N_("the check digit does not match") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    mark_field (digits[i].entry,
                mrz != NULL && mrz->checks[digits[i].check] == BD_MRZ_CHECK_FAILED
                ? _(digits[i].problem) : NULL);
  mark_field (self->issuing_state, mrz != NULL && mrz->issuing_state != NULL &&
              !bd_country_is_known (mrz->issuing_state) ? _("unknown country code") : NULL);
  mark_field (self->nationality, mrz != NULL && mrz->nationality != NULL &&
              !bd_country_is_known (mrz->nationality) ? _("unknown country code") : NULL);
}

static void
clear_list (GtkWidget *list)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (list));

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
}

static const char *
state_label (BdCheckState state)
{
  switch (state)
    {
    case BD_CHECK_OK: return _("OK");
    case BD_CHECK_WARNING: return _("Warning");
    case BD_CHECK_BLOCK: return _("Block");
    default: return "?";
    }
}

void
bd_registration_page_show_checks (BdRegistrationPage *self, GPtrArray *checks)
{
  clear_list (self->checks);
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      BdCheck *c = checks->pdata[i];
      g_autofree char *text = g_strdup_printf ("%s  %s: %s", state_label (c->state), c->name,
                                               c->reason);
      GtkWidget *label = gtk_label_new (text);
      const char *style = c->state == BD_CHECK_BLOCK ? "check-block"
                          : c->state == BD_CHECK_WARNING ? "check-warning" : "check-ok";

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_style_context_add_class (gtk_widget_get_style_context (label), style);
      atk_object_set_name (gtk_widget_get_accessible (label), text);
      gtk_container_add (GTK_CONTAINER (self->checks), label);
      gtk_widget_show (label);
    }
}

void
bd_registration_page_show_stay (BdRegistrationPage *self, const BdDeskPreview *p)
{
  g_autofree char *used = NULL, *remaining = NULL, *latest = NULL;

  if (p == NULL || !p->stay_known || !p->stay_applies)
    {
      gtk_label_set_text (GTK_LABEL (self->stay_used), "–");
      gtk_label_set_text (GTK_LABEL (self->stay_remaining), "–");
      gtk_label_set_text (GTK_LABEL (self->stay_latest), "–");
      return;
    }
  used = g_strdup_printf ("%d", p->stay.days_used);
  remaining = p->stay.overstay_days > 0
              ? g_strdup_printf (ngettext ("overstay %d day", "overstay %d days",
                                           p->stay.overstay_days), p->stay.overstay_days)
              : g_strdup_printf ("%d", p->stay.days_remaining);
  latest = p->stay.has_latest_exit ? bd_date_format (p->stay.latest_exit) : g_strdup (_("none"));
  gtk_label_set_text (GTK_LABEL (self->stay_used), used);
  gtk_label_set_text (GTK_LABEL (self->stay_remaining), remaining);
  gtk_label_set_text (GTK_LABEL (self->stay_latest), latest);
}

void
bd_registration_page_show_history (BdRegistrationPage *self, JsonArray *history)
{
  clear_list (self->history);
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonObject *c = json_array_get_object_element (history, i);
      gboolean remote = json_object_get_boolean_member_with_default (c, "remote", FALSE);
      g_autofree char *where = remote
        /* Translators: a crossing HQ reported from another desk, such as "desk UTO-BET/3". */
        ? g_strdup_printf (_("· desk %s"), json_object_get_string_member (c, "desk"))
        : g_strdup ("");
      g_autofree char *text = g_strdup_printf ("%s  %s  %s  %s  %s",
        json_object_get_string_member_with_default (c, "time", ""),
        json_object_get_string_member_with_default (c, "direction", ""),
        json_object_get_string_member_with_default (c, "decision", ""),
        json_object_get_string_member_with_default (c, "post", ""), where);
      GtkWidget *label = gtk_label_new (g_strstrip (text));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      atk_object_set_name (gtk_widget_get_accessible (label), text);
      gtk_container_add (GTK_CONTAINER (self->history), label);
      gtk_widget_show (label);
    }
}


void
bd_registration_page_show_source (BdRegistrationPage *self, const BdDeskPreview *p)
{
  BdDeskContext *context = bd_page_get_context (BD_PAGE (self));
  g_autofree char *text = NULL, *feed = NULL;
  const char *why;
  gboolean asked;

  if (p == NULL || p->document == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->stay_note), "");
      return;
    }
  why = bd_desk_context_get_hq_history (context, p->document, &asked);
  if (p->source.open_stays_version > 0)
    /* Translators: part of "History: this desk and HQ's open-stays list of DATE ...". */
    feed = g_strdup_printf (_(" and HQ's open-stays list of %s"),
                            p->source.open_stays_published != NULL
                            ? p->source.open_stays_published : "?");
  if (asked && why == NULL && p->source.as_of != NULL)
    /* Translators: the time HQ answered, such as "2026-11-28T14:02:00Z". */
    text = g_strdup_printf (_("History: all posts, as of %s"), p->source.as_of);
  else if (p->source.as_of != NULL)
    /* Translators: an earlier answer of HQ, kept; HQ cannot be asked now. */
    text = g_strdup_printf (_("History: all posts, as of %s (HQ unreachable now)"),
                            p->source.as_of);
  else if (!asked)
    /* Translators: %s is empty or " and HQ's open-stays list of DATE". */
    text = g_strdup_printf (_("History: this desk%s; asking HQ…"), feed != NULL ? feed : "");
  else
    /* Translators: %s as above; the second %s is why HQ did not answer. */
    text = g_strdup_printf (_("History: this desk%s only: HQ unreachable (%s)"),
                            feed != NULL ? feed : "", why != NULL ? why : "");
  gtk_label_set_text (GTK_LABEL (self->stay_note), text);
  gtk_widget_set_tooltip_text (self->stay_note, text);
}

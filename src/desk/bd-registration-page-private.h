/* bd-registration-page-private.h: the registration page's parts, shared
 * by the page (bd-registration-page.c: input and decisions) and its
 * presentation of results (bd-registration-view.c).  Private to those two. */
#pragma once

#include "bd-finger-panel.h"
#include "bd-registration-page.h"

struct _BdRegistrationPage {
  BdPage parent_instance;

  GCancellable *preview_cancellable;
  GCancellable *history_cancellable;  /* the question to HQ in flight */
  BdMrz *mrz;                /* the parsed zone, NULL when none is complete */
  char *correction;          /* the corrected zone offered, or NULL */
  gboolean filling;          /* fields being set from the MRZ, not by the guard */
  gboolean direction_touched;
  gboolean busy;             /* a decision is being recorded */
  gboolean from_reader;      /* the zone on the page came from the serial reader */
  gboolean reader_filling;

  GtkWidget *mrz_view;
  GtkWidget *mrz_message;
  GtkWidget *correction_button;
  GtkWidget *doc_code;
  GtkWidget *issuing_state;
  GtkWidget *number;
  GtkWidget *surname;
  GtkWidget *given_names;
  GtkWidget *nationality;
  GtkWidget *birth_date;
  GtkWidget *sex;
  GtkWidget *expiry;
  GtkWidget *direction;
  GtkWidget *transport;
  GtkWidget *vehicle;
  GtkWidget *purpose;
  GtkWidget *visa;
  GtkWidget *flag_minor;
  GtkWidget *flag_medical;
  GtkWidget *flag_elderly;
  GtkWidget *flag_trafficking;
  GtkWidget *note;
  GtkWidget *checks;
  GtkWidget *stay_used;
  GtkWidget *stay_remaining;
  GtkWidget *stay_latest;
  GtkWidget *stay_note;
  GtkWidget *history;
  GtkWidget *status;
  GtkWidget *admit_button;
  GtkWidget *refuse_button;
  GtkWidget *refer_button;
  GtkWidget *finger_slot;
  GtkWidget *finger_panel;   /* BdFingerPanel, made once the context is known */
};

/* Marks the fields the zone does not vouch for (@mrz NULL: none). */
void bd_registration_page_mark_fields  (BdRegistrationPage *self, const BdMrz *mrz);
/* Fill the checks panel, the stay figures and the history; NULL empties. */
void bd_registration_page_show_checks  (BdRegistrationPage *self, GPtrArray *checks);
void bd_registration_page_show_stay    (BdRegistrationPage *self, const BdDeskPreview *preview);
void bd_registration_page_show_history (BdRegistrationPage *self, JsonArray *history);
/* Says where the stay figures' history came from: all posts (HQ
 * answered), or this desk (and HQ's open-stays feed) and why. */
void bd_registration_page_show_source  (BdRegistrationPage *self, const BdDeskPreview *preview);

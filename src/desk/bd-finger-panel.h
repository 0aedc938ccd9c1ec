/* bd-finger-panel.h: the fingerprint part of the registration page.
 *
 * Given the document on the page, the panel captures on its own: it
 * verifies a traveller with prints on file, or searches the desk gallery
 * for the same finger under another document and then enrols a new
 * traveller, showing the reader's prompts and the enrolment's progress as
 * they come.  The guard keeps typing meanwhile: nothing here waits on the
 * main thread.  An exemption (under 12, finger missing or injured,
 * temporarily impossible) can be recorded instead.  "changed" says the
 * outcome changed, so the page shows the check row it makes.
 */
#pragma once

#include <gtk/gtk.h>

#include "bd-desk-context.h"

G_BEGIN_DECLS

#define BD_TYPE_FINGER_PANEL (bd_finger_panel_get_type ())
G_DECLARE_FINAL_TYPE (BdFingerPanel, bd_finger_panel, BD, FINGER_PANEL, GtkBox)

GtkWidget    *bd_finger_panel_new          (BdDeskContext *context);

/* The document on the page ("ISSUER:NUMBER"), or NULL when none: a new
 * document cancels what was under way and starts again; the same one
 * changes nothing. */
void          bd_finger_panel_set_document (BdFingerPanel *self, const char *document);

/* The outcome to record with a crossing of @document, owned by the
 * caller: NULL when the desk has no reader (the check then warns "no
 * reader"); "not captured" while a capture is still under way, or when
 * the panel is about another document. */
BdDeskFinger *bd_finger_panel_dup_outcome  (BdFingerPanel *self, const char *document);

G_END_DECLS

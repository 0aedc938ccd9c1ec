/* bd-window.h: the desk's window: header bar and the page for the moment
 * (login, open a shift, registration).  It holds no rules: the pages call
 * the context, and the window follows the context's session. */
#pragma once

#include <gtk/gtk.h>

#include "bd-desk-context.h"
#include "bd-mrz-reader.h"
#include "bd-sync-service.h"

G_BEGIN_DECLS

#define BD_TYPE_WINDOW (bd_window_get_type ())
G_DECLARE_FINAL_TYPE (BdWindow, bd_window, BD, WINDOW, GtkApplicationWindow)

GtkWidget *bd_window_new  (GtkApplication *application, BdDeskContext *context);
/* Zones from @reader go to the registration page (not while locked or
 * elsewhere); its state shows in the header bar. */
void       bd_window_set_reader (BdWindow *self, BdMrzReader *reader);

/* Covers the page with the lock (idle timeout, or Ctrl+L); nothing typed
 * is lost.  Does nothing when nobody is logged in. */
void       bd_window_lock (BdWindow *self);
/* Shows @sync's state in the header bar (last success, pending records,
 * warnings). */
void       bd_window_set_sync (BdWindow *self, BdSyncService *sync);

G_END_DECLS

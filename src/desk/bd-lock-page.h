/* bd-lock-page.h: the idle lock.  Only the officer who was working, or a
 * supervisor, unlocks it (the context checks the password and the role);
 * the page under it keeps what was typed. */
#pragma once

#include <gtk/gtk.h>

#include "bd-page.h"

G_BEGIN_DECLS

#define BD_TYPE_LOCK_PAGE (bd_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (BdLockPage, bd_lock_page, BD, LOCK_PAGE, BdPage)

GtkWidget *bd_lock_page_new   (BdDeskContext *context);
/* Prepares the page for the officer now locked out; focus on the password. */
void       bd_lock_page_reset (BdLockPage *self);

G_END_DECLS

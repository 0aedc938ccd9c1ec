/* bd-login-page.h: username and password; the context does the rest. */
#pragma once

#include <gtk/gtk.h>

#include "bd-page.h"

G_BEGIN_DECLS

#define BD_TYPE_LOGIN_PAGE (bd_login_page_get_type ())
G_DECLARE_FINAL_TYPE (BdLoginPage, bd_login_page, BD, LOGIN_PAGE, BdPage)

GtkWidget *bd_login_page_new   (BdDeskContext *context);
/* Empties the fields and puts the focus in "Username". */
void       bd_login_page_reset (BdLoginPage *self);

G_END_DECLS

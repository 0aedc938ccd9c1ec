/* bd-supervisor-page.h: the supervisor's page: shifts with filters, a
 * shift's timeline with drill-down to a crossing, sign-off, statistics
 * with charts and tables, CSV and PDF exports.  Offered to supervisors and
 * admins; the core checks the role of every call. */
#pragma once

#include "bd-desk-supervisor.h"
#include "bd-page.h"

G_BEGIN_DECLS

#define BD_TYPE_SUPERVISOR_PAGE (bd_supervisor_page_get_type ())
G_DECLARE_FINAL_TYPE (BdSupervisorPage, bd_supervisor_page, BD, SUPERVISOR_PAGE, BdPage)

GtkWidget *bd_supervisor_page_new          (BdDeskContext *context);
/* Clears the detail and lists the shifts again with the filters shown. */
void       bd_supervisor_page_reset        (BdSupervisorPage *self);
/* Selects shift @id in the list (when listed): its detail loads. */
gboolean   bd_supervisor_page_select_shift (BdSupervisorPage *self, gint64 id);
/* The shift whose detail is shown, 0 when none. */
gint64     bd_supervisor_page_get_shift    (BdSupervisorPage *self);
/* Exports what the statistics tab shows to @path (what the export buttons
 * do once the file is chosen). */
void       bd_supervisor_page_export       (BdSupervisorPage *self, BdDeskExport format,
                                            const char *path);

G_END_DECLS

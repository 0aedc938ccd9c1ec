/* bd-demo.h: deterministic synthetic data for demos, benchmarks and load
 * tests, written through the same core calls as the app. */
#pragma once

#include <glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

/* The password of every demo officer (README says so: demo posts only). */
#define BD_DEMO_PASSWORD "borderdesk-demo"

typedef struct {
  gint64 crossings;     /* how many to add */
  gint64 travellers;    /* size of the traveller pool */
  guint32 seed;
  gint64 per_shift;     /* crossings per shift; default 150 */
  gint64 batch;         /* crossings per transaction; 1 = each its own (as the app does) */
} BdDemoOptions;

/* Adds officers (reused when present), shifts (earlier closed, the last
 * open) and @options->crossings crossings ending now.  Additive and
 * re-runnable.  Needs BD_PERM_MANAGE_OFFICERS (the CLI). */
gboolean bd_demo_seed (BdDb *db, const BdActor *actor, const BdDemoOptions *options,
                       GError **error);

/* A valid TD3 MRZ (two lines joined by '\n') for the given fields, with
 * every check digit computed.  Fields are truncated and padded to fit. */
char    *bd_demo_make_td3 (const char *issuing_state, const char *surname,
                           const char *given_names, const char *number,
                           const char *nationality, const char *birth_yymmdd, char sex,
                           const char *expiry_yymmdd);

G_END_DECLS

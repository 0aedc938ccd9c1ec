/* bd-post.h: the post and desk this database belongs to, and the post's
 * tunables (settings with built-in defaults). */
#pragma once

#include <glib.h>

#include "bd-db.h"
#include "bd-role.h"
#include "bd-stay.h"

G_BEGIN_DECLS

#define BD_POST_ERROR (bd_post_error_quark ())
GQuark bd_post_error_quark (void);

typedef enum {
  BD_POST_ERROR_INVALID,         /* a value that is not what was asked for */
  BD_POST_ERROR_ALREADY,         /* init on an initialised database */
} BdPostError;

typedef struct {
  char *code;        /* "UTO-ALP" */
  char *name;
  char *country;     /* ISO 3166-1 alpha-3 (or ICAO) of the post's state */
  int desk;          /* N in the desk id POST/N */
  char *desk_id;     /* "UTO-ALP/1" */
  BdStayRule stay;
} BdPost;

/* Creates the post identity; audited as @actor.  Fails on a second call. */
gboolean  bd_post_init      (BdDb          *db,
                             const BdActor *actor,
                             const char    *code,
                             const char    *name,
                             int            desk,
                             const char    *country,
                             GError       **error);
/* NULL with BD_DB_ERROR_NOT_INITIALISED when init has not run. */
BdPost   *bd_post_load      (BdDb *db, GError **error);
void      bd_post_free      (BdPost *post);

/* Settings, as text; @fallback when unset. */
char     *bd_setting_get    (BdDb *db, const char *key, const char *fallback);
gint64    bd_setting_get_int (BdDb *db, const char *key, gint64 fallback);
gboolean  bd_setting_set    (BdDb *db, const BdActor *actor, const char *key, const char *value,
                             GError **error);

/* Known settings and their defaults. */
#define BD_SETTING_LOCKOUT_ATTEMPTS  "lockout.attempts"   /* 5 */
#define BD_SETTING_LOCKOUT_SECONDS   "lockout.seconds"    /* 300 */
/* Nationalities the stay rule applies to: "*" (every foreign national,
 * the default) or a comma-separated list of codes.  Never the post's own. */
#define BD_SETTING_STAY_NATIONALITIES "stay.nationalities"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdPost, bd_post_free)

G_END_DECLS

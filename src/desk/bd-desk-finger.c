/* bd-desk-finger.c: the fingerprint panel's database work and its owned
 * outcome (bd-desk-finger.h). */
#include "config.h"

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "bd-desk-context-private.h"
#include "bd-desk-finger.h"
#include "bd-history.h"
#include "bd-template.h"

/* Outcomes */

BdDeskFinger *
bd_desk_finger_new (const BdFingerOutcome *outcome)
{
  BdDeskFinger *f = g_new0 (BdDeskFinger, 1);

  f->outcome = *outcome;
  f->finger = g_strdup (outcome->finger);
  f->reason = g_strdup (outcome->reason);
  f->other_document = g_strdup (outcome->other_document);
  f->driver = g_strdup (outcome->driver);
  f->quality = g_strdup (outcome->quality);
  f->template = outcome->template != NULL ? g_bytes_ref (outcome->template) : NULL;
  f->outcome.finger = f->finger;
  f->outcome.reason = f->reason;
  f->outcome.other_document = f->other_document;
  f->outcome.driver = f->driver;
  f->outcome.quality = f->quality;
  f->outcome.template = f->template;
  return f;
}

BdDeskFinger *
bd_desk_finger_copy (const BdDeskFinger *finger)
{
  return finger != NULL ? bd_desk_finger_new (&finger->outcome) : NULL;
}

void
bd_desk_finger_free (BdDeskFinger *f)
{
  if (f == NULL)
    return;
  g_free (f->finger);
  g_free (f->reason);
  g_free (f->other_document);
  g_free (f->driver);
  g_free (f->quality);
  g_clear_pointer (&f->template, g_bytes_unref);
  g_free (f);
}

void
bd_finger_plan_free (BdFingerPlan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->template, g_bytes_unref);
  g_clear_pointer (&plan->gallery, g_ptr_array_unref);
  g_free (plan);
}

/* Planning */

typedef struct {
  BdDeskJob job;
  BdActor *actor;
  char *document;
  char *driver;        /* the reader's */
  int finger;          /* the desk's */
} PlanData;

static void
plan_data_free (PlanData *d)
{
  bd_actor_free (d->actor);
  g_free (d->document);
  g_free (d->driver);
  g_free (d);
}

/* The traveller's finger on file, the desk's own first; 0 when none. */
static int
finger_on_file (BdDb *db, gint64 traveller_id, int preferred, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT finger FROM finger_templates "
                                       "WHERE traveller_id = ? ORDER BY finger = ? DESC, id "
                                       "LIMIT 1", error);
  int finger = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, traveller_id);
  sqlite3_bind_text (stmt, 2, bd_finger_to_string (preferred), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bd_finger_from_string ((const char *) sqlite3_column_text (stmt, 0), &finger);
  sqlite3_reset (stmt);
  return finger;
}

/* Keeps only other travellers' prints: a traveller found under their own
 * document is no second identity. */
static void
drop_traveller (GPtrArray *gallery, gint64 traveller_id)
{
  for (guint i = gallery->len; i > 0; i--)
    if (((BdGalleryEntry *) gallery->pdata[i - 1])->traveller_id == traveller_id)
      g_ptr_array_remove_index (gallery, i - 1);
}

static gpointer
plan_work (BdDb *db, gpointer data, GError **error)
{
  PlanData *d = data;
  g_autoptr(BdFingerPlan) plan = g_new0 (BdFingerPlan, 1);
  g_autofree char *state = NULL, *number = NULL, *driver = NULL;
  guint8 key[BD_DATA_KEY_SIZE];
  gint64 traveller_id = 0, document_id = 0;
  GError *local = NULL;
  gboolean ok = TRUE;

  if (!bd_actor_require (d->actor, BD_PERM_FINGERPRINT, error))
    return NULL;
  if (!bd_document_ref_parse (d->document, &state, &number))
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_INVALID,
                   "not a document reference");
      return NULL;
    }
  if (!bd_document_resolve (db, state, number, FALSE, &traveller_id, &document_id, &local))
    {
      if (!g_error_matches (local, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, local);
          return NULL;
        }
      g_clear_error (&local);
      traveller_id = 0;
    }
  /* The first enrolment at a new desk makes the data key. */
  if (!bd_data_key_load (bd_db_path (db), TRUE, key, error))
    return NULL;

  plan->mode = BD_FINGER_PLAN_ENROLL;
  plan->finger = d->finger;
  if (traveller_id > 0)
    {
      int on_file = finger_on_file (db, traveller_id, d->finger, error);

      ok = on_file >= 0;
      if (on_file > 0)
        plan->template = bd_template_load (db, key, traveller_id, bd_finger_to_string (on_file),
                                           &driver, error);
      if (on_file > 0 && plan->template == NULL)
        ok = FALSE;
      /* A print from another reader model does not match here: enrol
       * anew with this one. */
      if (plan->template != NULL && g_strcmp0 (driver, d->driver) == 0)
        {
          plan->mode = BD_FINGER_PLAN_VERIFY;
          plan->finger = on_file;
        }
      else
        g_clear_pointer (&plan->template, g_bytes_unref);
    }
  if (ok && plan->mode == BD_FINGER_PLAN_ENROLL)
    {
      plan->gallery = bd_template_gallery (db, key, d->driver, error);
      ok = plan->gallery != NULL;
      if (ok && traveller_id > 0)
        drop_traveller (plan->gallery, traveller_id);
    }
  OPENSSL_cleanse (key, sizeof key);
  return ok ? g_steal_pointer (&plan) : NULL;
}

void
bd_desk_context_finger_plan_async (BdDeskContext *self, const char *document,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  PlanData *d = g_new0 (PlanData, 1);
  const BdReader *reader = NULL;

  d->job.work = plan_work;
  d->job.result_free = (GDestroyNotify) bd_finger_plan_free;
  d->actor = bd_desk_context_dup_officer (self);
  d->document = g_strdup (document);
  bd_desk_context_get_fingerprint (self, &reader, &d->finger);
  d->driver = g_strdup (reader != NULL ? reader->driver : "");
  bd_desk_context_start_job (self, bd_desk_context_finger_plan_async, d,
                             (GDestroyNotify) plan_data_free, cancellable, callback, user_data);
}

BdFingerPlan *
bd_desk_context_finger_plan_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

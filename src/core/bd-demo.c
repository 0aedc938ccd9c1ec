/* bd-demo.c: the demo seed (bd-demo.h).
 *
 * The seed runs the real registration path under a simulated clock that
 * walks from the past up to now, so shifts, crossings and audit events all
 * carry consistent times, and the stay rule sees a plausible history. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-demo.h"
#include "bd-history.h"
#include "bd-officer.h"
#include "bd-shift.h"

static const char *const surnames[] = {
  "ERIKSSON", "MUELLER", "GARCIA", "NOWAK", "ROSSI", "POPESCU", "KOWALSKI", "DUBOIS",
  "HASSAN", "IVANOVA", "OKAFOR", "TANAKA", "SILVA", "NGUYEN", "SMITH", "KHAN",
  "AL RASHID", "DE LA CRUZ", "O BRIEN", "VAN DER BERG", "PETROV", "MENSAH", "HOXHA", "LEE",
};
static const char *const given_f[] = {
  "ANNA MARIA", "FATIMA", "ELENA", "AMINA", "SOFIA", "MEI", "OLGA", "GRACE", "LEILA", "MARTA",
};
static const char *const given_m[] = {
  "JOHN", "MOHAMMED", "YURI", "CARLOS", "AHMED", "KENJI", "PIOTR", "KWAME", "LUCA", "OMAR",
};
static const char *const nationalities[] = {
  "UTO", "UTO", "UTO", "DEU", "FRA", "POL", "ROU", "ITA", "NGA", "JPN", "BRA", "VNM",
  "GBR", "PAK", "SYR", "UKR", "GHA", "ALB", "KOR", "USA", "ESP", "TUR", "EGY", "IND",
};
static const char *const transports[] = { "car", "foot", "bus", "truck", "train" };
static const char *const purposes[] = { "tourism", "business", "family", "transit", "work" };

static void
put_field (char *line, gsize at, gsize width, const char *value)
{
  gsize n = 0;

  for (const char *p = value; *p != '\0' && n < width; p++, n++)
    line[at + n] = (*p == ' ' || *p == '-' || *p == '\'') ? '<' : *p;
}

char *
bd_demo_make_td3 (const char *issuing_state, const char *surname, const char *given_names,
                  const char *number, const char *nationality, const char *birth_yymmdd,
                  char sex, const char *expiry_yymmdd)
{
  char l1[45], l2[45];
  g_autofree char *name = g_strdup_printf ("%s<<%s", surname, given_names);
  char composite[40];
  int c;

  memset (l1, '<', 44);
  memset (l2, '<', 44);
  l1[44] = l2[44] = '\0';
  l1[0] = 'P';
  put_field (l1, 2, 3, issuing_state);
  put_field (l1, 5, 39, name);
  put_field (l2, 0, 9, number);
  l2[9] = '0' + bd_mrz_check_digit (l2, 9);
  put_field (l2, 10, 3, nationality);
  put_field (l2, 13, 6, birth_yymmdd);
  l2[19] = '0' + bd_mrz_check_digit (l2 + 13, 6);
  l2[20] = sex;
  put_field (l2, 21, 6, expiry_yymmdd);
  l2[27] = '0' + bd_mrz_check_digit (l2 + 21, 6);
  l2[42] = '0' + bd_mrz_check_digit (l2 + 28, 14);
  memcpy (composite, l2, 10);
  memcpy (composite + 10, l2 + 13, 7);
  memcpy (composite + 17, l2 + 21, 22);
  c = bd_mrz_check_digit (composite, 39);
  l2[43] = '0' + c;
  return g_strdup_printf ("%s\n%s", l1, l2);
}

static BdActor *
ensure_officer (BdDb *db, const BdActor *admin, const char *username, const char *name,
                BdRole role, GError **error)
{
  g_autoptr(BdOfficer) o = bd_officer_lookup (db, username, NULL);
  gint64 id;

  if (o != NULL)
    return bd_actor_new (o->id, o->username, o->role);
  if (!bd_officer_add (db, admin, username, name, role, BD_DEMO_PASSWORD, &id, error))
    return NULL;
  return bd_actor_new (id, username, role);
}

/* Deterministic traveller @i of the pool. */
static void
make_traveller (guint32 seed, gint64 i, char **mrz_text)
{
  GRand *r = g_rand_new_with_seed (seed ^ (guint32) (i * 2654435761u));
  const char *nat = nationalities[g_rand_int_range (r, 0, G_N_ELEMENTS (nationalities))];
  gboolean female = g_rand_boolean (r);
  const char *given = female ? given_f[g_rand_int_range (r, 0, G_N_ELEMENTS (given_f))]
                             : given_m[g_rand_int_range (r, 0, G_N_ELEMENTS (given_m))];
  const char *surname = surnames[g_rand_int_range (r, 0, G_N_ELEMENTS (surnames))];
  char number[16], birth[8], expiry[8];

  g_snprintf (number, sizeof number, "D%08" G_GINT64_FORMAT, (i * 7919 + seed) % 100000000);
  g_snprintf (birth, sizeof birth, "%02d%02d%02d", g_rand_int_range (r, 40, 100) % 100,
              g_rand_int_range (r, 1, 13), g_rand_int_range (r, 1, 29));
  g_snprintf (expiry, sizeof expiry, "%02d%02d%02d", g_rand_int_range (r, 30, 36),
              g_rand_int_range (r, 1, 13), g_rand_int_range (r, 1, 29));
  *mrz_text = bd_demo_make_td3 (nat, surname, given, number, nat, birth, female ? 'F' : 'M',
                                expiry);
  g_rand_free (r);
}

/* The latest time anything happened at the desk, 0 for an empty one. */
static gint64
latest_activity (BdDb *db)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT max(t) FROM (SELECT max(time) AS t FROM crossings "
                                       "UNION ALL SELECT max(opened) FROM shifts "
                                       "UNION ALL SELECT max(closed) FROM shifts)", NULL);
  gint64 t = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_type (stmt, 0) != SQLITE_NULL &&
      !bd_time_parse ((const char *) sqlite3_column_text (stmt, 0), &t))
    t = 0;
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return t;
}

gboolean
bd_demo_seed (BdDb *db, const BdActor *actor, const BdDemoOptions *opt, GError **error)
{
  static const struct { const char *u, *n; BdRole r; } staff[] = {
    { "demo.guard1", "Ana Demo", BD_ROLE_GUARD },
    { "demo.guard2", "Ben Demo", BD_ROLE_GUARD },
    { "demo.guard3", "Chioma Demo", BD_ROLE_GUARD },
    { "demo.super", "Dara Demo", BD_ROLE_SUPERVISOR },
  };
  BdActor *officers[G_N_ELEMENTS (staff)] = { NULL, };
  /* traveller index -> inside the country, for plausible directions */
  g_autoptr(GHashTable) inside = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GRand *rand = NULL;
  gint64 per_shift = opt->per_shift > 0 ? opt->per_shift : 150;
  gint64 batch = opt->batch > 0 ? opt->batch : 1;
  gint64 travellers = MAX (opt->travellers, 1);
  gint64 now = bd_clock_now ();
  gint64 step, t, last, in_shift = 0, in_batch = 0;
  BdActor *guard = NULL;
  gboolean ok = FALSE, in_tx = FALSE;

  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    {
      officers[i] = ensure_officer (db, actor, staff[i].u, staff[i].n, staff[i].r, error);
      if (officers[i] == NULL)
        goto out;
    }
  /* A new run continues the desk's timeline: shifts left open are closed
   * at the last thing that happened, and the new crossings come after it
   * (one every 2 minutes ending now, closer together when the last run
   * was recent), so no officer ever has two shifts at once. */
  last = latest_activity (db);
  if (last > 0)
    bd_clock_set_override (last);
  for (guint i = 0; i < 3; i++)
    {
      gint64 open = bd_shift_current (db, officers[i]->officer_id, error);
      if (open != 0 && !bd_shift_close (db, officers[i], open, "closed by demo seed", error))
        goto out;
    }

  rand = g_rand_new_with_seed (opt->seed);
  step = 120;
  t = now - opt->crossings * step;
  if (t <= last)
    {
      /* Squeezed between the last activity and now; several crossings
       * share a second when there is no more room, but none is ever
       * dated after now. */
      t = MIN (last + 1, MAX (now, last));
      step = opt->crossings > 0 ? MAX (now - t, 0) / opt->crossings : 0;
    }

  for (gint64 n = 0; n < opt->crossings; n++, t += step)
    {
      g_autofree char *mrz_text = NULL;
      g_autoptr(BdMrz) mrz = NULL;
      g_autofree char *uuid = NULL;
      g_autoptr(GError) local = NULL;
      BdCrossingRequest req = { 0, };
      gint64 ti = g_rand_int_range (rand, 0, (gint32) MIN (travellers, G_MAXINT32));
      gpointer was_inside;
      int roll = g_rand_int_range (rand, 0, 100);

      bd_clock_set_override (t);
      if (guard == NULL || in_shift == per_shift)
        {
          if (in_tx && !bd_db_commit (db, error))
            goto out;
          in_tx = FALSE;
          in_batch = 0;
          if (guard != NULL &&
              !bd_shift_close (db, guard, bd_shift_current (db, guard->officer_id, NULL),
                               NULL, error))
            goto out;
          guard = officers[(n / per_shift) % 3];
          if (bd_shift_open (db, guard, "1", error) == 0)
            goto out;
          in_shift = 0;
        }
      if (!in_tx)
        {
          if (!bd_db_begin (db, error))
            goto out;
          in_tx = TRUE;
        }

      make_traveller (opt->seed, ti, &mrz_text);
      mrz = bd_mrz_parse (mrz_text);
      bd_identity_from_mrz (&req.identity, mrz, bd_day_from_unix (t));
      req.mrz = mrz;
      req.source = roll < 90 ? BD_SOURCE_MRZ_READER : BD_SOURCE_TYPED_MRZ;
      if (!g_hash_table_lookup_extended (inside, &ti, NULL, &was_inside))
        {
          g_autoptr(GArray) hist = bd_history_stay_events (db, req.identity.issuing_state,
                                                           req.identity.number, NULL);
          was_inside = GINT_TO_POINTER (hist != NULL && hist->len > 0 &&
                                        g_array_index (hist, BdStayEvent, hist->len - 1).is_entry);
        }
      req.direction = was_inside ? BD_DIRECTION_EXIT : BD_DIRECTION_ENTRY;
      req.decision = roll < 3 ? BD_DECISION_REFUSED
                     : roll < 5 ? BD_DECISION_REFERRED : BD_DECISION_ADMITTED;
      req.refusal_reasons = req.decision == BD_DECISION_REFUSED ? (roll == 0 ? "C" : "E") : "";
      req.transport = transports[g_rand_int_range (rand, 0, G_N_ELEMENTS (transports))];
      req.purpose = purposes[g_rand_int_range (rand, 0, G_N_ELEMENTS (purposes))];
      req.vulnerability = roll == 99 ? "elderly" : roll == 98 ? "medical-needs" : "";
      req.override_reason = "demo: supervisor reviewed on the spot";

      uuid = bd_crossing_register (db, guard, officers[3], &req, NULL, &local);
      bd_identity_clear (&req.identity);
      if (uuid == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          goto out;
        }
      if (req.decision == BD_DECISION_ADMITTED)
        {
          g_hash_table_replace (inside, g_memdup2 (&ti, sizeof ti),
                                GINT_TO_POINTER (req.direction == BD_DIRECTION_ENTRY));
        }
      in_shift++;
      if (++in_batch >= batch)
        {
          if (!bd_db_commit (db, error))
            goto out;
          in_tx = FALSE;
          in_batch = 0;
        }
    }
  if (in_tx && !bd_db_commit (db, error))
    goto out;
  in_tx = FALSE;
  ok = TRUE;

out:
  if (in_tx)
    bd_db_rollback (db);
  bd_clock_set_override (0);
  if (rand != NULL)
    g_rand_free (rand);
  for (guint i = 0; i < G_N_ELEMENTS (officers); i++)
    bd_actor_free (officers[i]);
  return ok;
}

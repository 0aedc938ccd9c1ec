/* bd-crossing.c: registering and listing crossings (bd-crossing.h). */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "bd-audit.h"
#include "bd-cleanup.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-shift.h"
#include "bd-template.h"
#include "bd-uuid.h"

G_DEFINE_QUARK (bd-crossing-error-quark, bd_crossing_error)

#define MAX_FREE_TEXT 512

const char *
bd_decision_to_string (BdDecision decision)
{
  switch (decision)
    {
    case BD_DECISION_REFUSED: return "refused";
    case BD_DECISION_REFERRED: return "referred";
    case BD_DECISION_ADMITTED:
    default: return "admitted";
    }
}

gboolean
bd_decision_from_string (const char *text, BdDecision *decision)
{
  if (g_strcmp0 (text, "admitted") == 0)
    *decision = BD_DECISION_ADMITTED;
  else if (g_strcmp0 (text, "refused") == 0)
    *decision = BD_DECISION_REFUSED;
  else if (g_strcmp0 (text, "referred") == 0)
    *decision = BD_DECISION_REFERRED;
  else
    return FALSE;
  return TRUE;
}

const char *
bd_source_to_string (BdSource source)
{
  static const char *const names[] = { "mrz-reader", "typed-mrz", "manual", "chip", "imported" };

  return (guint) source < G_N_ELEMENTS (names) ? names[source] : "manual";
}

char *
bd_refusal_reasons_normalise (const char *reasons)
{
  gboolean seen['I' - 'A' + 1] = { FALSE, };
  GString *out = g_string_new (NULL);

  for (const char *p = reasons != NULL ? reasons : ""; *p != '\0'; p++)
    {
      if (*p < 'A' || *p > 'I')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      seen[*p - 'A'] = TRUE;
    }
  for (char c = 'A'; c <= 'I'; c++)
    if (seen[c - 'A'])
      g_string_append_c (out, c);
  return g_string_free (out, FALSE);
}

static gboolean
step_done (BdDb *db, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      /* sqlite3_reset keeps the error message available. */
      return bd_db_set_error (db, error, what);
    }
  return TRUE;
}

gboolean
bd_traveller_upsert (BdDb *db, const BdIdentity *id, gint64 *traveller_id, gint64 *document_id,
                     GError **error)
{
  g_autofree char *now = bd_time_format (bd_clock_now ());
  sqlite3_stmt *stmt;
  int rc;

  /* Read what is stored first: rewriting identical rows would cost page
   * writes on every registration, the desk's hottest path. */
  stmt = bd_db_stmt (db, "SELECT d.id, d.traveller_id, "
                         "  (d.code IS ?3 AND d.expiry IS ?4), "
                         "  (t.surname IS ?5 AND t.given_names IS ?6 AND t.nationality IS ?7 "
                         "   AND t.birth_date IS ?8 AND t.sex IS ?9) "
                         "FROM documents d JOIN travellers t ON t.id = d.traveller_id "
                         "WHERE d.issuing_state = ?1 AND d.number = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, id->expiry, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, id->surname, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, id->given_names, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, id->nationality, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, id->birth_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, id->sex, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean same_document = sqlite3_column_int (stmt, 2);
      gboolean same_traveller = sqlite3_column_int (stmt, 3);

      *document_id = sqlite3_column_int64 (stmt, 0);
      *traveller_id = sqlite3_column_int64 (stmt, 1);
      sqlite3_reset (stmt);

      /* The newest reading of the document is the best one. */
      if (!same_traveller)
        {
          stmt = bd_db_stmt (db, "UPDATE travellers SET surname = ?, given_names = ?, "
                                 "nationality = ?, birth_date = ?, sex = ? WHERE id = ?", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, id->surname, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, id->given_names, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, id->nationality, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, id->birth_date, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, id->sex, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 6, *traveller_id);
          if (!step_done (db, stmt, "updating a traveller", error))
            return FALSE;
        }
      if (same_document)
        return TRUE;
      stmt = bd_db_stmt (db, "UPDATE documents SET code = ?, expiry = ? WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id->expiry, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, *document_id);
      return step_done (db, stmt, "updating a document", error);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading documents");

  stmt = bd_db_stmt (db, "INSERT INTO travellers (surname, given_names, nationality, birth_date, "
                         "sex, created) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id->surname, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id->given_names, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id->nationality, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, id->birth_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, id->sex, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "adding a traveller", error))
    return FALSE;
  *traveller_id = sqlite3_last_insert_rowid (bd_db_handle (db));

  stmt = bd_db_stmt (db, "INSERT INTO documents (traveller_id, code, issuing_state, number, "
                         "expiry) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *traveller_id);
  sqlite3_bind_text (stmt, 2, id->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, id->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, id->expiry, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "adding a document", error))
    return FALSE;
  *document_id = sqlite3_last_insert_rowid (bd_db_handle (db));
  return TRUE;
}

void
bd_bind_identity (sqlite3_stmt *stmt, int first, const BdIdentity *id)
{
  sqlite3_bind_text (stmt, first, id->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 1, id->expiry, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 2, id->surname, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 3, id->given_names, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 4, id->nationality, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 5, id->birth_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 6, id->sex, -1, SQLITE_STATIC);
}

static gboolean
free_text_ok (const char *text)
{
  if (text == NULL)
    return TRUE;
  if (strlen (text) > MAX_FREE_TEXT || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) && c != '\n' && c != '\t')
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate_request (const BdCrossingRequest *r, char **reasons, GError **error)
{
  const char *texts[] = { r->transport, r->vehicle, r->purpose, r->visa, r->vulnerability,
                          r->note, r->override_reason };

  g_autoptr(GError) local = NULL;

  if (!bd_identity_validate (&r->identity, &local))
    {
      /* Re-homed in our domain so callers see one convention. */
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "invalid traveller data: %s", local->message);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!free_text_ok (texts[i]))
      {
        g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                     "free text fields: at most %d bytes of UTF-8 without control characters",
                     MAX_FREE_TEXT);
        return FALSE;
      }
  *reasons = bd_refusal_reasons_normalise (r->refusal_reasons);
  if (*reasons == NULL)
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "refusal reasons are letters A to I (Schengen Borders Code Annex V Part B)");
      return FALSE;
    }
  if (r->decision == BD_DECISION_REFUSED && **reasons == '\0')
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "a refusal needs at least one reason (A to I)");
      return FALSE;
    }
  if (r->decision != BD_DECISION_REFUSED && **reasons != '\0')
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "refusal reasons go with a refusal only");
      return FALSE;
    }
  return TRUE;
}

static void
bind_nullable (sqlite3_stmt *stmt, int i, const char *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, i);
}

/* What the capture leaves on file with the crossing: the new template of
 * an enrolment, or the exemption.  Inside the crossing's transaction. */
static gboolean
record_finger (BdDb *db, const BdActor *officer, const BdFingerOutcome *finger,
               const guint8 *key, gint64 traveller_id, gint64 document_id, gint64 crossing_id,
               GError **error)
{
  if (finger == NULL)
    return TRUE;
  if (finger->result == BD_FINGER_ENROLLED && finger->template != NULL)
    {
      BdTemplateRecord record = {
        .traveller_id = traveller_id,
        .document_id = document_id,
        .finger = finger->finger,
        .plain = finger->template,
        .driver = finger->driver,
        .quality = finger->quality,
        .crossing_id = crossing_id,
      };

      return bd_template_store (db, officer, key, &record, error);
    }
  if (finger->result == BD_FINGER_EXEMPT)
    return bd_exemption_record (db, officer, traveller_id, finger->exempt_kind, finger->reason,
                                finger->consent, crossing_id, error);
  return TRUE;
}

GPtrArray *
bd_crossing_check (BdDb             *db,
                   const BdActor    *officer,
                   const BdIdentity *identity,
                   const BdMrz      *mrz,
                   BdDirection       direction,
                   GError          **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  if (!bd_actor_require (officer, BD_PERM_REGISTER, error))
    return NULL;
  post = bd_post_load (db, error);
  if (post == NULL)
    return NULL;
  checks = bd_checks_new ();
  if (!bd_checks_run_document (db, post, identity, mrz, direction, bd_today (), checks, error))
    return NULL;
  return g_steal_pointer (&checks);
}

char *
bd_crossing_register (BdDb                    *db,
                      const BdActor           *officer,
                      const BdActor           *override_by,
                      const BdCrossingRequest *r,
                      GPtrArray              **checks_out,
                      GError                 **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(JsonNode) checks_json = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *reasons = NULL;
  g_autofree char *checks_text = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *who = bd_actor_audit_name (officer);
  g_autofree char *object = NULL;
  gint64 when = r->time != 0 ? r->time : bd_clock_now ();
  gint64 shift_id, traveller_id, document_id;
  gboolean overridden = FALSE;
  guint8 key[BD_DATA_KEY_SIZE] = { 0, };
  sqlite3_stmt *stmt;

  if (!bd_actor_require (officer, BD_PERM_REGISTER, error))
    return NULL;
  if (!validate_request (r, &reasons, error))
    return NULL;
  post = bd_post_load (db, error);
  if (post == NULL)
    return NULL;
  shift_id = bd_shift_current (db, officer->officer_id, error);
  if (shift_id == 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_NO_SHIFT,
                     "%s has no open shift: open one first", officer->username);
      return NULL;
    }

  checks = bd_checks_new ();
  if (!bd_checks_run_document_scoped (db, post, &r->identity, r->mrz, r->direction,
                                      bd_day_from_unix (when), r->history, checks, error))
    return NULL;
  bd_checks_add_finger (checks, r->finger);
  if (checks_out != NULL)
    *checks_out = g_ptr_array_ref (checks);

  if (r->decision == BD_DECISION_ADMITTED && bd_checks_blocking (checks))
    {
      if (override_by == NULL)
        {
          g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED,
                       "a blocking check needs a supervisor's override to admit");
          return NULL;
        }
      if (!bd_role_allows (override_by->role, BD_PERM_OVERRIDE))
        {
          g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_OVERRIDE,
                       "%s (%s) may not override blocking checks", override_by->username,
                       bd_role_to_string (override_by->role));
          return NULL;
        }
      if (override_by->officer_id == officer->officer_id)
        {
          g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_OVERRIDE,
                       "an override is given by another officer");
          return NULL;
        }
      overridden = TRUE;
    }

  /* The crossing's own second (the clock may be simulated), with the real
   * clock's milliseconds for order within it. */
  uuid = bd_uuid_v7_new (when * 1000 + (g_get_real_time () / 1000) % 1000);
  time_text = bd_time_format (when);
  checks_json = bd_checks_to_json (checks);
  checks_text = json_to_string (checks_json, FALSE);

  if (r->finger != NULL && r->finger->result == BD_FINGER_ENROLLED
      && !bd_data_key_load (bd_db_path (db), TRUE, key, error))
    return NULL;
  if (!bd_db_begin (db, error))
    return NULL;
  if (!bd_traveller_upsert (db, &r->identity, &traveller_id, &document_id, error))
    goto fail;
  stmt = bd_db_stmt (db,
                     "INSERT INTO crossings (uuid, document_id, traveller_id, shift_id, "
                     "officer_id, post, desk, time, day, direction, decision, refusal_reasons, "
                     "source, transport, vehicle, purpose, visa, vulnerability, note, checks, "
                     "override_by, override_reason, doc_code, doc_expiry, surname, given_names, "
                     "nationality, birth_date, sex) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                     " ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, document_id);
  sqlite3_bind_int64 (stmt, 3, traveller_id);
  sqlite3_bind_int64 (stmt, 4, shift_id);
  sqlite3_bind_int64 (stmt, 5, officer->officer_id);
  sqlite3_bind_text (stmt, 6, post->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, post->desk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, time_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, bd_day_from_unix (when));
  sqlite3_bind_text (stmt, 10, bd_direction_to_string (r->direction), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, bd_decision_to_string (r->decision), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, reasons, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, bd_source_to_string (r->source), -1, SQLITE_STATIC);
  bind_nullable (stmt, 14, r->transport);
  bind_nullable (stmt, 15, r->vehicle);
  bind_nullable (stmt, 16, r->purpose);
  bind_nullable (stmt, 17, r->visa);
  sqlite3_bind_text (stmt, 18, r->vulnerability != NULL ? r->vulnerability : "", -1,
                     SQLITE_STATIC);
  bind_nullable (stmt, 19, r->note);
  sqlite3_bind_text (stmt, 20, checks_text, -1, SQLITE_STATIC);
  if (overridden)
    sqlite3_bind_int64 (stmt, 21, override_by->officer_id);
  bind_nullable (stmt, 22, overridden ? r->override_reason : NULL);
  bd_bind_identity (stmt, 23, &r->identity);
  if (!step_done (db, stmt, "recording the crossing", error))
    goto fail;

  if (!record_finger (db, officer, r->finger, key, traveller_id, document_id,
                      sqlite3_last_insert_rowid (bd_db_handle (db)), error))
    goto fail;
  object = g_strdup_printf ("crossing:%s", uuid);
  json_object_set_int_member (details, "shift", shift_id);
  json_object_set_int_member (details, "traveller", traveller_id);
  json_object_set_string_member (details, "direction", bd_direction_to_string (r->direction));
  json_object_set_string_member (details, "decision", bd_decision_to_string (r->decision));
  if (!bd_audit_append (db, who, "crossing.register", object, details, error))
    goto fail;
  if (overridden)
    {
      g_autofree char *by = bd_actor_audit_name (override_by);
      g_autoptr(JsonObject) od = json_object_new ();
      g_autoptr(JsonArray) blocked = json_array_new ();

      for (guint i = 0; i < checks->len; i++)
        {
          BdCheck *c = checks->pdata[i];
          if (c->state == BD_CHECK_BLOCK)
            json_array_add_string_element (blocked, c->name);
        }
      json_object_set_int_member (od, "officer", officer->officer_id);
      json_object_set_int_member (od, "supervisor", override_by->officer_id);
      json_object_set_array_member (od, "checks", json_array_ref (blocked));
      if (!bd_audit_append (db, by, "crossing.override", object, od, error))
        goto fail;
    }
  OPENSSL_cleanse (key, sizeof key);
  if (!bd_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&uuid);

fail:
  OPENSSL_cleanse (key, sizeof key);
  bd_db_rollback (db);
  return NULL;
}

/* The crossing object of CONTRACT.md from one row of LIST_SELECT. */
#define LIST_SELECT \
  "SELECT c.uuid, c.time, c.direction, c.decision, c.shift_id, o.username, c.post, c.desk, " \
  "       c.doc_code, d.issuing_state, d.number, c.doc_expiry, " \
  "       c.surname, c.given_names, c.nationality, c.birth_date, c.sex, " \
  "       c.refusal_reasons, c.source, c.checks, so.username, c.vulnerability " \
  "FROM crossings c JOIN documents d ON d.id = c.document_id " \
  "LEFT JOIN officers o ON o.id = c.officer_id " \
  "LEFT JOIN officers so ON so.id = c.override_by "

static void
set_text (JsonObject *o, const char *key, sqlite3_stmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (o, key);
  else
    json_object_set_string_member (o, key, (const char *) sqlite3_column_text (stmt, col));
}

static JsonObject *
crossing_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  JsonObject *doc = json_object_new ();
  JsonObject *trav = json_object_new ();
  JsonArray *reasons = json_array_new ();
  const char *letters = (const char *) sqlite3_column_text (stmt, 17);
  g_autoptr(JsonNode) checks = json_from_string ((const char *) sqlite3_column_text (stmt, 19),
                                                 NULL);

  set_text (o, "id", stmt, 0);
  set_text (o, "time", stmt, 1);
  set_text (o, "direction", stmt, 2);
  set_text (o, "decision", stmt, 3);
  if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
    json_object_set_null_member (o, "shift");
  else
    json_object_set_int_member (o, "shift", sqlite3_column_int64 (stmt, 4));
  set_text (o, "officer", stmt, 5);
  set_text (o, "post", stmt, 6);
  set_text (o, "desk", stmt, 7);
  set_text (doc, "code", stmt, 8);
  set_text (doc, "issuing_state", stmt, 9);
  set_text (doc, "number", stmt, 10);
  set_text (doc, "expiry", stmt, 11);
  json_object_set_object_member (o, "document", doc);
  set_text (trav, "surname", stmt, 12);
  set_text (trav, "given_names", stmt, 13);
  set_text (trav, "nationality", stmt, 14);
  set_text (trav, "birth_date", stmt, 15);
  set_text (trav, "sex", stmt, 16);
  json_object_set_object_member (o, "traveller", trav);
  for (const char *p = letters != NULL ? letters : ""; *p != '\0'; p++)
    {
      char letter[2] = { *p, '\0' };
      json_array_add_string_element (reasons, letter);
    }
  json_object_set_array_member (o, "refusal_reasons", reasons);
  set_text (o, "source", stmt, 18);
  json_object_set_boolean_member (o, "imported",
                                  g_strcmp0 ((const char *) sqlite3_column_text (stmt, 18),
                                             "imported") == 0);
  json_object_set_member (o, "checks", checks != NULL ? g_steal_pointer (&checks)
                                                      : json_node_new (JSON_NODE_NULL));
  set_text (o, "override_by", stmt, 20);
  set_text (o, "vulnerability", stmt, 21);
  return o;
}

JsonObject *
bd_crossing_object (BdDb *db, gint64 crossing_id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, LIST_SELECT "WHERE c.id = ?", error);
  JsonObject *o = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, crossing_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    o = crossing_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID, "no crossing %"
                 G_GINT64_FORMAT, crossing_id);
  else
    bd_db_set_error (db, error, "reading a crossing");
  sqlite3_reset (stmt);
  return o;
}

JsonArray *
bd_crossing_list (BdDb *db, const BdActor *actor, const BdCrossingFilter *f, GError **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new (LIST_SELECT "WHERE 1 ");
  gint64 since = 0;
  int rc;

  /* Reviewers list anything; an officer at work sees the history of the
   * one document in front of them. */
  if (!(f->issuing_state != NULL && f->document_number != NULL && actor != NULL &&
        bd_role_allows (actor->role, BD_PERM_REGISTER)) &&
      !bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;
  if (f->since != NULL && !bd_time_parse (f->since, &since))
    {
      guint32 day;
      if (!bd_date_parse (f->since, &day))
        {
          g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                       "--since: an ISO 8601 date or time, such as 2026-03-01 or "
                       "2026-03-01T08:00:00Z");
          return NULL;
        }
      since = ((gint64) day - 719163) * 86400;
    }
  if (f->document_number != NULL)
    g_string_append (sql, "AND d.number = :number ");
  if (f->issuing_state != NULL)
    g_string_append (sql, "AND d.issuing_state = :state ");
  if (f->since != NULL)
    g_string_append (sql, "AND c.time >= :since ");
  if (f->uuid != NULL)
    g_string_append (sql, "AND c.uuid = :uuid ");
  g_string_append (sql, "ORDER BY c.time DESC, c.id DESC LIMIT :limit");

  /* Built per call (the filter varies), but still bound, never spliced. */
  if (sqlite3_prepare_v2 (bd_db_handle (db), sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      bd_db_set_error (db, error, "listing crossings");
      return NULL;
    }
  if (f->document_number != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":number"),
                       f->document_number, -1, SQLITE_TRANSIENT);
  if (f->issuing_state != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":state"),
                       f->issuing_state, -1, SQLITE_TRANSIENT);
  if (f->since != NULL)
    {
      g_autofree char *t = bd_time_format (since);
      sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":since"), t, -1,
                         SQLITE_TRANSIENT);
    }
  if (f->uuid != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":uuid"), f->uuid, -1,
                       SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":limit"),
                      f->limit > 0 ? f->limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (list, crossing_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "listing crossings");
      return NULL;
    }
  return g_steal_pointer (&list);
}

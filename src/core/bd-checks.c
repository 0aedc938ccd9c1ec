/* bd-checks.c: document checks and check lists (bd-checks.h). */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bd-checks.h"
#include "bd-country.h"
#include "bd-date.h"
#include "bd-history.h"
#include "bd-watchlist.h"

#define IDENTITY_ERROR (g_quark_from_static_string ("bd-identity-error-quark"))

void
bd_identity_clear (BdIdentity *id)
{
  g_clear_pointer (&id->code, g_free);
  g_clear_pointer (&id->issuing_state, g_free);
  g_clear_pointer (&id->number, g_free);
  g_clear_pointer (&id->expiry, g_free);
  g_clear_pointer (&id->surname, g_free);
  g_clear_pointer (&id->given_names, g_free);
  g_clear_pointer (&id->nationality, g_free);
  g_clear_pointer (&id->birth_date, g_free);
  g_clear_pointer (&id->sex, g_free);
}

void
bd_identity_from_mrz (BdIdentity *id, const BdMrz *mrz, guint32 today)
{
  char *birth = bd_mrz_birth_date_to_iso (mrz->birth_date, today);
  char *expiry = bd_mrz_expiry_date_to_iso (mrz->expiry_date);

  bd_identity_clear (id);
  id->code = g_strdup (mrz->document_code ? mrz->document_code : "");
  id->issuing_state = g_strdup (mrz->issuing_state ? mrz->issuing_state : "");
  id->number = g_strdup (mrz->document_number ? mrz->document_number : "");
  /* A date that is not a date stays "" here; the MRZ's own errors block. */
  id->expiry = expiry != NULL ? expiry : g_strdup ("");
  id->surname = g_strdup (mrz->surname ? mrz->surname : "");
  id->given_names = g_strdup (mrz->given_names ? mrz->given_names : "");
  id->nationality = g_strdup (mrz->nationality ? mrz->nationality : "");
  id->birth_date = birth != NULL ? birth : g_strdup ("");
  id->sex = g_strdup_printf ("%c", mrz->sex ? mrz->sex : '<');
}

static gboolean
all_of (const char *s, gsize min, gsize max, gboolean (*ok) (char c))
{
  gsize n = s != NULL ? strlen (s) : 0;

  if (n < min || n > max)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!ok (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_upper (char c)
{
  return g_ascii_isupper (c);
}
static gboolean
is_doc_char (char c)
{
  return g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '<';
}

static gboolean
name_valid (const char *s, gboolean allow_empty)
{
  gsize n = s != NULL ? strlen (s) : 0;

  if (s == NULL || (!allow_empty && n == 0) || n > 128 || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) || c == 0xFEFF)
        return FALSE;
    }
  return TRUE;
}

gboolean
bd_identity_validate (const BdIdentity *id, GError **error)
{
  guint32 day;
  const char *what = NULL;

  if (!all_of (id->code, 1, 2, is_doc_char))
    what = "document code: 1 or 2 characters";
  else if (!all_of (id->issuing_state, 1, 3, is_upper))
    what = "issuing state: 1 to 3 letters";
  else if (!all_of (id->number, 1, 32, is_doc_char))
    what = "document number: 1 to 32 of A-Z, 0-9, <";
  else if (id->expiry == NULL || (*id->expiry != '\0' && !bd_date_parse (id->expiry, &day)))
    what = "expiry: YYYY-MM-DD";
  else if (!name_valid (id->surname, FALSE))
    what = "surname: 1 to 128 bytes of UTF-8 without control characters";
  else if (!name_valid (id->given_names, TRUE))
    what = "given names: at most 128 bytes of UTF-8 without control characters";
  else if (!all_of (id->nationality, 1, 3, is_upper))
    what = "nationality: 1 to 3 letters";
  else if (!bd_partial_date_valid (id->birth_date))
    what = "birth date: YYYY-MM-DD, YYYY-MM or YYYY";
  else if (id->sex == NULL || strlen (id->sex) != 1 || strchr ("FMX<", id->sex[0]) == NULL)
    what = "sex: F, M, X or <";
  if (what != NULL)
    {
      g_set_error (error, IDENTITY_ERROR, 0, "%s", what);
      return FALSE;
    }
  return TRUE;
}

static void
check_free (BdCheck *c)
{
  g_free (c->name);
  g_free (c->reason);
  g_free (c);
}

GPtrArray *
bd_checks_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) check_free);
}

void
bd_checks_add (GPtrArray *checks, const char *name, BdCheckState state, const char *format, ...)
{
  BdCheck *c = g_new0 (BdCheck, 1);
  va_list ap;

  c->name = g_strdup (name);
  c->state = state;
  va_start (ap, format);
  c->reason = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (checks, c);
}

gboolean
bd_checks_blocking (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    if (((BdCheck *) checks->pdata[i])->state == BD_CHECK_BLOCK)
      return TRUE;
  return FALSE;
}

const char *
bd_check_state_to_string (BdCheckState state)
{
  switch (state)
    {
    case BD_CHECK_OK: return "ok";
    case BD_CHECK_WARNING: return "warning";
    case BD_CHECK_BLOCK: return "block";
    default: return "?";
    }
}

const char *
bd_direction_to_string (BdDirection direction)
{
  return direction == BD_DIRECTION_EXIT ? "exit" : "entry";
}

JsonNode *
bd_checks_to_json (GPtrArray *checks)
{
  JsonArray *a = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < checks->len; i++)
    {
      BdCheck *c = checks->pdata[i];
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "name", c->name);
      json_object_set_string_member (o, "state", bd_check_state_to_string (c->state));
      json_object_set_string_member (o, "reason", c->reason);
      json_array_add_object_element (a, o);
    }
  json_node_take_array (node, a);
  return node;
}

static void
check_digits (const BdMrz *mrz, GPtrArray *checks)
{
  if (mrz == NULL)
    {
      bd_checks_add (checks, "check-digits", BD_CHECK_WARNING,
                     "keyed by hand: no check digits to verify");
      return;
    }
  if (mrz->valid)
    bd_checks_add (checks, "check-digits", BD_CHECK_OK, "all check digits and fields valid");
  else
    bd_checks_add (checks, "check-digits", BD_CHECK_BLOCK, "%s",
                   mrz->errors->len > 0 ? (const char *) mrz->errors->pdata[0]
                                        : "the machine readable zone is not valid");
}

static void
document_validity (const BdIdentity *id, guint32 day, GPtrArray *checks)
{
  guint32 expiry;

  if (id->expiry == NULL || *id->expiry == '\0')
    bd_checks_add (checks, "document-validity", BD_CHECK_WARNING,
                   "the document states no expiry date");
  else if (!bd_date_parse (id->expiry, &expiry))
    bd_checks_add (checks, "document-validity", BD_CHECK_BLOCK, "the expiry date is not a date");
  else if (expiry < day)
    bd_checks_add (checks, "document-validity", BD_CHECK_BLOCK, "document expired on %s",
                   id->expiry);
  else
    bd_checks_add (checks, "document-validity", BD_CHECK_OK, "valid until %s", id->expiry);
}

static void
country_codes (const BdIdentity *id, GPtrArray *checks)
{
  gboolean state_known = bd_country_is_known (id->issuing_state);
  gboolean nat_known = bd_country_is_known (id->nationality);

  if (state_known && nat_known)
    bd_checks_add (checks, "country-codes", BD_CHECK_OK, "issuing state and nationality known");
  else if (!state_known && !nat_known && strcmp (id->issuing_state, id->nationality) == 0)
    bd_checks_add (checks, "country-codes", BD_CHECK_WARNING,
                   "unknown country code %s", id->issuing_state);
  else if (!state_known && !nat_known)
    bd_checks_add (checks, "country-codes", BD_CHECK_WARNING,
                   "unknown country codes %s and %s", id->issuing_state, id->nationality);
  else
    bd_checks_add (checks, "country-codes", BD_CHECK_WARNING, "unknown country code %s",
                   state_known ? id->nationality : id->issuing_state);
}

/* Whether two stored birth dates can be the same person's: equal where
 * both are known ("1974" is compatible with "1974-08-12"). */
static gboolean
birth_dates_compatible (const char *a, const char *b)
{
  gsize n = MIN (strlen (a), strlen (b));

  return strncmp (a, b, n) == 0;
}

/* One document number, one holder: a document seen before with another
 * birth date or sex is someone else's, or a forgery (a block); another
 * name is a warning (new reading, transliteration, marriage). */
static gboolean
document_holder (BdDb *db, const BdIdentity *id, GPtrArray *checks, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT t.birth_date, t.sex, t.surname, t.given_names "
                                       "FROM documents d JOIN travellers t "
                                       "ON t.id = d.traveller_id "
                                       "WHERE d.issuing_state = ? AND d.number = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id->number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *birth = (const char *) sqlite3_column_text (stmt, 0);
      const char *sex = (const char *) sqlite3_column_text (stmt, 1);
      const char *surname = (const char *) sqlite3_column_text (stmt, 2);
      const char *given = (const char *) sqlite3_column_text (stmt, 3);
      gboolean sex_differs = strchr ("FM", sex[0]) != NULL && strchr ("FM", id->sex[0]) != NULL &&
                             sex[0] != id->sex[0];

      if (!birth_dates_compatible (birth, id->birth_date) || sex_differs)
        bd_checks_add (checks, "document-holder", BD_CHECK_BLOCK,
                       "this document was recorded before for a holder with another %s",
                       sex_differs ? "sex" : "birth date");
      else if (strcmp (surname, id->surname) != 0 || strcmp (given, id->given_names) != 0)
        bd_checks_add (checks, "document-holder", BD_CHECK_WARNING,
                       "this document was recorded before under another name");
      else
        bd_checks_add (checks, "document-holder", BD_CHECK_OK,
                       "same holder as at this document's earlier crossings");
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the document's holder");
  return TRUE;
}

/* Whether the post's stay rule applies to @nationality (DESIGN.md: the
 * nationalities the policy names, never the post's own nationals). */
gboolean
bd_checks_stay_applies (BdDb *db, const BdPost *post, const char *nationality)
{
  g_autofree char *policy = NULL;
  g_auto(GStrv) codes = NULL;

  if (g_strcmp0 (nationality, post->country) == 0)
    return FALSE;
  policy = bd_setting_get (db, BD_SETTING_STAY_NATIONALITIES, "*");
  if (strcmp (policy, "*") == 0)
    return TRUE;
  codes = g_strsplit (policy, ",", -1);
  for (guint i = 0; codes[i] != NULL; i++)
    if (strcmp (g_strstrip (codes[i]), nationality) == 0)
      return TRUE;
  return FALSE;
}

/* Where the history behind a stay figure came from, for the guard. */
static char *
history_source_text (const BdHistorySource *source, BdHistoryScope scope)
{
  if (scope == BD_HISTORY_LOCAL)
    return g_strdup ("this desk's records only, as asked");
  if (source->as_of != NULL)
    return g_strdup_printf ("all posts, as of %s", source->as_of);
  if (source->open_stays_version > 0)
    return g_strdup_printf ("this desk's records and HQ's open-stays feed of %s%s",
                            source->open_stays_published != NULL
                            ? source->open_stays_published : "?",
                            source->open_stay_used ? ", which gave the entry" : "");
  return g_strdup ("this desk's records only");
}

static gboolean
stay_rule (BdDb *db, const BdPost *post, const BdIdentity *id, BdDirection direction,
           guint32 day, BdHistoryScope scope, GPtrArray *checks, GError **error)
{
  BdStayResult r;
  g_auto(BdHistorySource) source = { NULL, };
  g_autofree char *latest = NULL, *from = NULL;

  if (!bd_checks_stay_applies (db, post, id->nationality))
    {
      bd_checks_add (checks, "stay-rule", BD_CHECK_OK, "the stay rule does not apply to %s",
                     id->nationality);
      return TRUE;
    }
  if (!bd_history_stay_scoped (db, post, id->issuing_state, id->number, day, scope, &source, &r,
                               error))
    return FALSE;
  from = history_source_text (&source, scope);
  if (r.has_latest_exit)
    latest = bd_date_format (r.latest_exit);

  if (direction == BD_DIRECTION_EXIT)
    {
      if (r.overstay_days > 0)
        bd_checks_add (checks, "stay-rule", BD_CHECK_BLOCK,
                       "overstay of %d days: %d days used of %d in %d (%s)",
                       r.overstay_days, r.days_used, post->stay.days, post->stay.window, from);
      else
        bd_checks_add (checks, "stay-rule", BD_CHECK_OK,
                       "%d days used of %d in %d (%s)",
                       r.days_used, post->stay.days, post->stay.window, from);
    }
  else if (r.overstay_days > 0 || !r.has_latest_exit)
    bd_checks_add (checks, "stay-rule", BD_CHECK_BLOCK,
                   "no days left: %d days used of %d in %d (%s)",
                   r.days_used, post->stay.days, post->stay.window, from);
  else
    bd_checks_add (checks, "stay-rule", BD_CHECK_OK,
                   "%d days used, %d remaining, latest exit %s (%s)",
                   r.days_used, r.days_remaining, latest, from);
  return TRUE;
}

gboolean
bd_checks_run_document (BdDb             *db,
                        const BdPost     *post,
                        const BdIdentity *identity,
                        const BdMrz      *mrz,
                        BdDirection       direction,
                        guint32           day,
                        GPtrArray        *checks,
                        GError          **error)
{
  return bd_checks_run_document_scoped (db, post, identity, mrz, direction, day,
                                        BD_HISTORY_MERGED, checks, error);
}

gboolean
bd_checks_run_document_scoped (BdDb             *db,
                               const BdPost     *post,
                               const BdIdentity *identity,
                               const BdMrz      *mrz,
                               BdDirection       direction,
                               guint32           day,
                               BdHistoryScope    scope,
                               GPtrArray        *checks,
                               GError          **error)
{
  check_digits (mrz, checks);
  document_validity (identity, day, checks);
  country_codes (identity, checks);
  if (!document_holder (db, identity, checks, error))
    return FALSE;
  if (!bd_watchlist_screen_checks (db, identity, checks, error))
    return FALSE;
  return stay_rule (db, post, identity, direction, day, scope, checks, error);
}

void
bd_checks_add_finger (GPtrArray *checks, const BdFingerOutcome *outcome)
{
  static const char *const exempt_labels[] = {
    "under 12", "finger missing", "finger injured", "temporarily impossible",
  };
  const char *finger;

  if (outcome == NULL)
    {
      bd_checks_add (checks, "fingerprint", BD_CHECK_WARNING, "not captured: no reader");
      return;
    }
  finger = outcome->finger != NULL ? outcome->finger : "finger";
  switch (outcome->result)
    {
    case BD_FINGER_EXEMPT:
      bd_checks_add (checks, "fingerprint",
                     outcome->exempt_kind == 3 ? BD_CHECK_WARNING : BD_CHECK_OK,
                     "exempt (%s): %s%s",
                     exempt_labels[CLAMP (outcome->exempt_kind, 0, 3)],
                     outcome->reason != NULL ? outcome->reason : "",
                     outcome->consent ? "" : " (no consent to the record)");
      break;
    case BD_FINGER_ENROLLED:
      bd_checks_add (checks, "fingerprint", BD_CHECK_OK, "%s enrolled (first prints on file)",
                     finger);
      break;
    case BD_FINGER_VERIFIED:
      if (outcome->score >= 0)
        bd_checks_add (checks, "fingerprint", BD_CHECK_OK, "%s verified, score %d", finger,
                       outcome->score);
      else
        bd_checks_add (checks, "fingerprint", BD_CHECK_OK, "%s verified", finger);
      break;
    case BD_FINGER_MISMATCH:
      bd_checks_add (checks, "fingerprint", BD_CHECK_BLOCK,
                     "%s does not match the prints on file for this traveller", finger);
      break;
    case BD_FINGER_OTHER_IDENTITY:
      bd_checks_add (checks, "fingerprint", BD_CHECK_BLOCK,
                     "one person, two identities: the %s matches the prints enrolled under "
                     "document %s", finger,
                     outcome->other_document != NULL ? outcome->other_document : "another");
      break;
    case BD_FINGER_NOT_CAPTURED:
    default:
      bd_checks_add (checks, "fingerprint", BD_CHECK_WARNING, "not captured: %s",
                     outcome->reason != NULL ? outcome->reason : "no reader");
      break;
    }
}

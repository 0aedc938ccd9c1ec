/* bd-watchlist-csv.c: the watchlist CSV of CONTRACT.md, and entry checks.
 *
 * RFC 4180 read strictly where a mistake would change a row's meaning (a
 * quote inside an unquoted field, text after a closing quote, a bare CR,
 * an unclosed quote) and leniently where it cannot (LF or CRLF, a UTF-8
 * BOM, blank lines, spaces around fields).  Every row is checked before
 * anything is written; the error lists the bad rows by the line they
 * start on.  An unclosed quote swallows the rest of the file, so it ends
 * the reading there.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bd-date.h"
#include "bd-name.h"
#include "bd-watchlist-private.h"

#define N_COLUMNS 9
/* Longer fields are reported, not kept: a hostile file cannot make one
 * row cost more than this. */
#define MAX_FIELD 4096
#define MAX_NAME 128
#define MAX_REFERENCE 64
#define MAX_DOCUMENT 32
#define MAX_REPORTED 20
/* What a row may hold at most before it is refused unread, and how many
 * rows a file may have: a hostile file costs bounded memory. */
#define MAX_FIELDS 64
#define MAX_ROWS 2000000

enum { COL_LIST, COL_SURNAME, COL_GIVEN, COL_BIRTH, COL_NATIONALITY, COL_DOCUMENT, COL_STATE,
       COL_ACTION, COL_REFERENCE };

static const char *const column_names[N_COLUMNS] = {
  "list", "surname", "given_names", "birth_date", "nationality", "document_number",
  "issuing_state", "action", "reference",
};

BdWatchlistEntry *
bd_watchlist_entry_new (void)
{
  BdWatchlistEntry *e = g_new0 (BdWatchlistEntry, 1);

  e->surname = g_strdup ("");
  e->given_names = g_strdup ("");
  e->birth_date = g_strdup ("");
  e->nationality = g_strdup ("");
  e->document_number = g_strdup ("");
  e->issuing_state = g_strdup ("");
  e->reference = g_strdup ("");
  return e;
}

void
bd_watchlist_entry_free (BdWatchlistEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->surname);
  g_free (e->given_names);
  g_free (e->birth_date);
  g_free (e->nationality);
  g_free (e->document_number);
  g_free (e->issuing_state);
  g_free (e->reference);
  g_free (e);
}

static void
replace (char **field, char *value)
{
  g_free (*field);
  *field = value;
}

static gboolean
text_ok (const char *s, gsize max)
{
  if (strlen (s) > max)
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) || c == 0xFEFF || c == 0xFFFD)
        return FALSE;
    }
  return TRUE;
}

static gboolean
code_ok (const char *s)
{
  gsize n = strlen (s);

  if (n > 3)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  g_propagate_error (error, g_error_new_valist (BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID,
                                                format, ap));
  va_end (ap);
  return FALSE;
}

static int
current_year (void)
{
  g_autoptr(GDate) today = g_date_new_julian (bd_today ());

  return g_date_get_year (today);
}

gboolean
bd_watchlist_entry_validate (BdWatchlistEntry *e, GError **error)
{
  g_autofree char *document = NULL;
  int year = 0;

  replace (&e->surname, g_strdup (g_strstrip (e->surname)));
  replace (&e->given_names, g_strdup (g_strstrip (e->given_names)));
  replace (&e->birth_date, g_strdup (g_strstrip (e->birth_date)));
  replace (&e->nationality, g_ascii_strup (g_strstrip (e->nationality), -1));
  replace (&e->issuing_state, g_ascii_strup (g_strstrip (e->issuing_state), -1));
  replace (&e->reference, g_strdup (g_strstrip (e->reference)));
  if (!text_ok (e->document_number, MAX_FIELD))
    return invalid (error, "document_number: letters and digits only");
  document = bd_watchlist_document_clean (e->document_number);
  for (const char *p = document; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
      return invalid (error, "document_number: letters, digits, '<', '-' and spaces only");
  replace (&e->document_number, g_steal_pointer (&document));

  if (!text_ok (e->surname, MAX_NAME))
    return invalid (error, "surname: at most %d bytes of text without control characters",
                    MAX_NAME);
  if (!text_ok (e->given_names, MAX_NAME))
    return invalid (error, "given_names: at most %d bytes of text without control characters",
                    MAX_NAME);
  if (*e->surname != '\0')
    {
      g_autofree char *t = bd_name_transliterate (e->surname, FALSE);
      if (*t == '\0')
        return invalid (error, "surname: no letter that transliterates to A-Z "
                        "(Latin, Cyrillic, Greek and Arabic scripts are known)");
    }
  if (!bd_partial_date_valid (e->birth_date))
    return invalid (error, "birth_date: YYYY-MM-DD, YYYY-MM or YYYY");
  if (*e->birth_date != '\0')
    year = (int) g_ascii_strtoll (e->birth_date, NULL, 10);
  if (year > current_year ())
    return invalid (error, "birth_date: %s is in the future", e->birth_date);
  if (!code_ok (e->nationality))
    return invalid (error, "nationality: a code of 1 to 3 letters");
  if (!code_ok (e->issuing_state))
    return invalid (error, "issuing_state: a code of 1 to 3 letters");
  if (strlen (e->document_number) > MAX_DOCUMENT)
    return invalid (error, "document_number: at most %d characters", MAX_DOCUMENT);
  if (*e->reference == '\0' || !text_ok (e->reference, MAX_REFERENCE))
    return invalid (error, "reference: 1 to %d bytes of text", MAX_REFERENCE);
  if (e->list == BD_WATCHLIST_DOCUMENTS && *e->document_number == '\0')
    return invalid (error, "a documents row needs a document_number");
  if (e->list == BD_WATCHLIST_PERSONS && *e->surname == '\0' && *e->document_number == '\0')
    return invalid (error, "a persons row needs a surname or a document_number");
  return TRUE;
}

/* The reader. */

typedef struct {
  const char *p;
  const char *end;
  guint line;
} Reader;

typedef enum {
  READ_RECORD,
  READ_END,
  READ_BAD,      /* a malformed record, skipped to its line's end */
  READ_FATAL,    /* an unclosed quote: nothing after it can be trusted */
} ReadResult;

static void
skip_line (Reader *r)
{
  while (r->p < r->end && *r->p != '\n')
    r->p++;
  if (r->p < r->end)
    {
      r->p++;
      r->line++;
    }
}

/* One record into @fields (char*, owned).  On READ_BAD and READ_FATAL
 * *message says what is wrong. */
static ReadResult
read_record (Reader *r, GPtrArray *fields, char **message)
{
  g_autoptr(GString) field = g_string_new (NULL);

  g_ptr_array_set_size (fields, 0);
  if (r->p >= r->end)
    return READ_END;
  for (;;)
    {
      gboolean too_long = FALSE;

      g_string_truncate (field, 0);
      if (r->p < r->end && *r->p == '"')
        {
          guint opened = r->line;

          r->p++;
          for (;;)
            {
              char c;

              if (r->p >= r->end)
                {
                  *message = g_strdup_printf ("field %u: the quote opened on line %u is never "
                                              "closed", fields->len + 1, opened);
                  return READ_FATAL;
                }
              c = *r->p++;
              if (c == '"')
                {
                  if (r->p < r->end && *r->p == '"')
                    r->p++;
                  else
                    break;
                }
              else if (c == '\n')
                r->line++;
              if (field->len < MAX_FIELD)
                g_string_append_c (field, c);
              else
                too_long = TRUE;
            }
          if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
              !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))
            {
              *message = g_strdup_printf ("field %u: text after its closing quote",
                                          fields->len + 1);
              skip_line (r);
              return READ_BAD;
            }
        }
      else
        {
          while (r->p < r->end && *r->p != ',' && *r->p != '\n')
            {
              if (*r->p == '"')
                {
                  *message = g_strdup_printf ("field %u: a quote inside an unquoted field "
                                              "(quote the field and double the quote)",
                                              fields->len + 1);
                  skip_line (r);
                  return READ_BAD;
                }
              if (*r->p == '\r' && !(r->p + 1 < r->end && r->p[1] == '\n'))
                {
                  *message = g_strdup_printf ("field %u: a carriage return without a line "
                                              "feed", fields->len + 1);
                  skip_line (r);
                  return READ_BAD;
                }
              if (*r->p == '\r')
                break;
              if (field->len < MAX_FIELD)
                g_string_append_c (field, *r->p);
              else
                too_long = TRUE;
              r->p++;
            }
        }
      if (too_long)
        {
          *message = g_strdup_printf ("field %u is longer than %d bytes", fields->len + 1,
                                      MAX_FIELD);
          skip_line (r);
          return READ_BAD;
        }
      g_ptr_array_add (fields, g_strndup (field->str, field->len));
      if (r->p >= r->end)
        return READ_RECORD;
      if (*r->p == ',')
        {
          r->p++;
          if (fields->len >= MAX_FIELDS)
            {
              *message = g_strdup_printf ("more than %d fields, expected 9", MAX_FIELDS);
              skip_line (r);
              return READ_BAD;
            }
          continue;
        }
      if (*r->p == '\r')
        r->p++;
      r->p++;   /* the '\n' */
      r->line++;
      return READ_RECORD;
    }
}

static gboolean
blank_record (GPtrArray *fields)
{
  if (fields->len != 1)
    return FALSE;
  for (const char *p = fields->pdata[0]; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* Maps the header's columns to ours; FALSE unless it names each exactly once. */
static gboolean
read_header (GPtrArray *fields, int map[N_COLUMNS])
{
  int seen[N_COLUMNS];

  if (fields->len != N_COLUMNS)
    return FALSE;
  for (guint c = 0; c < N_COLUMNS; c++)
    seen[c] = -1;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autofree char *name = g_ascii_strdown (g_strstrip ((char *) fields->pdata[i]), -1);
      guint c;

      for (c = 0; c < N_COLUMNS && strcmp (name, column_names[c]) != 0; c++)
        ;
      if (c == N_COLUMNS || seen[c] >= 0)
        return FALSE;
      seen[c] = (int) i;
    }
  for (guint c = 0; c < N_COLUMNS; c++)
    map[c] = seen[c];
  return TRUE;
}

static BdWatchlistEntry *
row_to_entry (GPtrArray *fields, const int map[N_COLUMNS], guint line, GError **error)
{
  g_autoptr(BdWatchlistEntry) e = bd_watchlist_entry_new ();
  g_autofree char *list = NULL, *action = NULL;

  if (fields->len != N_COLUMNS)
    {
      invalid (error, "%u fields, expected %d", fields->len, N_COLUMNS);
      return NULL;
    }
#define FIELD(c) ((char *) fields->pdata[map[c]])
  list = g_ascii_strdown (g_strstrip (FIELD (COL_LIST)), -1);
  action = g_ascii_strdown (g_strstrip (FIELD (COL_ACTION)), -1);
  if (!bd_watchlist_list_from_string (list, &e->list))
    {
      invalid (error, "list: persons or documents");
      return NULL;
    }
  if (*action == '\0')
    e->action = e->list == BD_WATCHLIST_DOCUMENTS ? BD_WATCHLIST_DENY : BD_WATCHLIST_REFER;
  else if (!bd_watchlist_action_from_string (action, &e->action))
    {
      invalid (error, "action: deny, refer or notify");
      return NULL;
    }
  replace (&e->surname, g_strdup (FIELD (COL_SURNAME)));
  replace (&e->given_names, g_strdup (FIELD (COL_GIVEN)));
  replace (&e->birth_date, g_strdup (FIELD (COL_BIRTH)));
  replace (&e->nationality, g_strdup (FIELD (COL_NATIONALITY)));
  replace (&e->document_number, g_strdup (FIELD (COL_DOCUMENT)));
  replace (&e->issuing_state, g_strdup (FIELD (COL_STATE)));
  replace (&e->reference, g_strdup (FIELD (COL_REFERENCE)));
#undef FIELD
  if (*g_strstrip (e->reference) == '\0')
    replace (&e->reference, g_strdup_printf ("line-%u", line));
  e->line = line;
  if (!bd_watchlist_entry_validate (e, error))
    return NULL;
  return g_steal_pointer (&e);
}

static void
report (GString *problems, guint *n_problems, guint line, const char *message)
{
  if (++*n_problems <= MAX_REPORTED)
    g_string_append_printf (problems, "\nline %u: %s", line, message);
}

GPtrArray *
bd_watchlist_parse_csv (const char *data, gsize length, GError **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_entry_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) references = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) problems = g_string_new (NULL);
  Reader r = { data, data + length, 1 };
  const char *bad_utf8 = NULL;
  gboolean have_header = FALSE;
  int map[N_COLUMNS] = { 0, };
  guint n_problems = 0;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;
  if (!g_utf8_validate_len (data, length, &bad_utf8))
    {
      guint line = 1;

      for (const char *p = data; p < bad_utf8; p++)
        line += *p == '\n';
      invalid (error, "line %u: not UTF-8 text (or a NUL byte): nothing imported", line);
      return NULL;
    }

  for (;;)
    {
      g_autofree char *message = NULL;
      g_autoptr(GError) local = NULL;
      guint line = r.line;
      ReadResult result = read_record (&r, fields, &message);
      BdWatchlistEntry *e;

      if (result == READ_END)
        break;
      if (result == READ_BAD || result == READ_FATAL)
        {
          report (problems, &n_problems, line, message);
          if (result == READ_FATAL)
            break;
          continue;
        }
      if (blank_record (fields))
        continue;
      if (!have_header)
        {
          if (!read_header (fields, map))
            {
              invalid (error, "line %u: the first row must be the header %s,%s,%s,%s,%s,%s,%s,"
                       "%s,%s: nothing imported", line, column_names[0], column_names[1],
                       column_names[2], column_names[3], column_names[4], column_names[5],
                       column_names[6], column_names[7], column_names[8]);
              return NULL;
            }
          have_header = TRUE;
          continue;
        }
      if (entries->len >= MAX_ROWS)
        {
          invalid (error, "line %u: more than %d rows: nothing imported", line, MAX_ROWS);
          return NULL;
        }
      e = row_to_entry (fields, map, line, &local);
      if (e == NULL)
        {
          report (problems, &n_problems, line, local->message);
          continue;
        }
      if (g_hash_table_contains (references, e->reference))
        {
          BdWatchlistEntry *first = g_hash_table_lookup (references, e->reference);
          g_autofree char *text = g_strdup_printf ("reference %s is also on line %u",
                                                   e->reference, first->line);

          report (problems, &n_problems, line, text);
          bd_watchlist_entry_free (e);
          continue;
        }
      g_ptr_array_add (entries, e);
      g_hash_table_insert (references, e->reference, e);
    }
  if (!have_header && n_problems == 0)
    {
      invalid (error, "no header row: the file is empty");
      return NULL;
    }
  if (n_problems > 0)
    {
      if (n_problems > MAX_REPORTED)
        g_string_append_printf (problems, "\n(and %u more)", n_problems - MAX_REPORTED);
      invalid (error, "nothing imported; %u bad row%s:%s", n_problems, n_problems > 1 ? "s" : "",
               problems->str);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/* A flattened JWS is a JSON object with "payload" and "signature"; a
 * compact one three base64url parts joined by dots.  Neither can be a
 * watchlist CSV, whose first line is the header. */
gboolean
bd_watchlist_looks_signed (const char *data, gsize length)
{
  const char *p = data, *end = data + length;
  guint dots = 0;

  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  while (p < end && g_ascii_isspace (*p))
    p++;
  /* A JSON object is never a CSV (whose header starts "list," or a
   * column name): the JWS members come first but the signature after a
   * payload of any size, so only the first ones are looked for. */
  if (p < end && *p == '{')
    {
      g_autofree char *text = g_strndup (p, MIN ((gsize) (end - p), 1u << 16));
      return strstr (text, "\"payload\"") != NULL || strstr (text, "\"protected\"") != NULL;
    }
  for (; p < end && !g_ascii_isspace (*p); p++)
    {
      if (*p == '.')
        dots++;
      else if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }
  while (p < end && g_ascii_isspace (*p))
    p++;
  return dots == 2 && p == end;
}

/* bd-admin-util.c: what the command groups share (bd-admin.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "bd-admin.h"
#include "bd-amendment.h"
#include "bd-template.h"
#include "bd-crossing.h"
#include "bd-db.h"
#include "bd-jws.h"
#include "bd-officer.h"
#include "bd-password.h"
#include "bd-pki.h"
#include "bd-post.h"
#include "bd-role.h"
#include "bd-shift.h"
#include "bd-stats.h"
#include "bd-subject-access.h"
#include "bd-sync.h"

#include <stdarg.h>

#define MAX_LINE 4096
#define MAX_STDIN (64 * 1024 * 1024)

static gboolean json_requested;
static gboolean json_printed;
static BdAdminJson json_shape = BD_ADMIN_JSON_OBJECT;

void
bd_admin_json_requested (void)
{
  json_requested = TRUE;
}

void
bd_admin_json_shape (BdAdminJson shape)
{
  json_shape = shape;
}

/* The failure document, unless the command printed its own already. */
static void
print_failure_json (const char *message)
{
  g_autoptr(JsonNode) node = NULL;

  if (!json_requested || json_printed)
    return;
  if (json_shape == BD_ADMIN_JSON_LIST)
    {
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, json_array_new ());
    }
  else
    {
      JsonObject *o = json_object_new ();

      node = json_node_new (JSON_NODE_OBJECT);
      if (json_shape == BD_ADMIN_JSON_REGISTER)
        {
          json_object_set_null_member (o, "crossing");
          json_object_set_array_member (o, "checks", json_array_new ());
        }
      json_object_set_string_member (o, "error", message);
      json_node_take_object (node, o);
    }
  bd_admin_print_json (node);
}

int
bd_admin_usage (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("borderdesk-admin: %s\n", message);
  print_failure_json (message);
  return BD_EXIT_USAGE;
}

char *
bd_admin_read_line (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    {
      if (line->len >= MAX_LINE)
        {
          OPENSSL_cleanse (line->str, line->len);
          g_string_free (line, TRUE);
          return NULL;
        }
      g_string_append_c (line, (char) c);
    }
  if (c == EOF && line->len == 0)
    {
      g_string_free (line, TRUE);
      return NULL;
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (line, FALSE);
}

char *
bd_admin_read_all (GError **error)
{
  GString *all = g_string_new (NULL);
  char buf[8192];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    {
      if (all->len + n > MAX_STDIN)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "standard input is larger than %d bytes", MAX_STDIN);
          g_string_free (all, TRUE);
          return NULL;
        }
      g_string_append_len (all, buf, n);
    }
  if (ferror (stdin))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read standard input");
      g_string_free (all, TRUE);
      return NULL;
    }
  return g_string_free (all, FALSE);
}

void
bd_admin_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

void
bd_admin_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  json_printed = TRUE;
}

BdDb *
bd_admin_open_db (BdAdmin *admin, GError **error)
{
  if (!bd_sync_check_key_files (admin->db_path, error))
    return NULL;
  return bd_db_open (admin->db_path, BD_DB_OPEN_DEFAULT, error);
}

int
bd_admin_fail (GError *error)
{
  int code = BD_EXIT_FAILURE;

  if (error == NULL)
    return code;
  if (error->domain == G_OPTION_ERROR ||
      g_error_matches (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID) ||
      g_error_matches (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID) ||
      g_error_matches (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_NOT_FOUND) ||
      g_error_matches (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_EXISTS) ||
      g_error_matches (error, BD_POST_ERROR, BD_POST_ERROR_INVALID) ||
      g_error_matches (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_FOUND) ||
      g_error_matches (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID) ||
      error->domain == BD_STATS_ERROR ||
      g_error_matches (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID) ||
      g_error_matches (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_NOT_FOUND) ||
      g_error_matches (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_WEAK) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA) ||
      g_error_matches (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_INVALID) ||
      g_error_matches (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND))
    code = BD_EXIT_USAGE;
  else if (error->domain == BD_ROLE_ERROR ||
           error->domain == BD_SHIFT_ERROR ||
           error->domain == BD_AMENDMENT_ERROR ||
           g_error_matches (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_BAD_CREDENTIALS) ||
           g_error_matches (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_LOCKED) ||
           error->domain == BD_CROSSING_ERROR ||
           error->domain == BD_JWS_ERROR ||
           (error->domain == BD_PKI_ERROR && error->code != BD_PKI_ERROR_PERMISSIONS) ||
           error->domain == BD_SUBJECT_ERROR ||
           (error->domain == BD_SYNC_ERROR && error->code != BD_SYNC_ERROR_NETWORK))
    code = BD_EXIT_NO;
  g_printerr ("borderdesk-admin: %s\n", error->message);
  print_failure_json (error->message);
  g_error_free (error);
  return code;
}

gboolean
bd_admin_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      bd_admin_usage ("%s (see --help)", error->message);
      return FALSE;
    }
  return TRUE;
}

/* A second is what a guard can wait at the desk; the CLI waits as long. */
#define HISTORY_TIMEOUT_MS 1000

char *
bd_admin_fetch_history (BdDb *db, const char *issuing_state, const char *number)
{
  g_autoptr(GError) error = NULL;

  if (bd_sync_fetch_history (db, issuing_state, number, HISTORY_TIMEOUT_MS, &error))
    return NULL;
  return g_strdup (error->message);
}

BdActor *
bd_admin_officer_from_stdin (BdAdmin *admin, const char *username, BdDb **db, int *status)
{
  char *password = bd_admin_read_line ();
  GError *error = NULL;
  BdActor *officer = NULL;

  if (password == NULL)
    {
      *status = bd_admin_usage ("the password is the first line of standard input");
      return NULL;
    }
  *db = bd_admin_open_db (admin, &error);
  if (*db != NULL)
    officer = bd_officer_authenticate (*db, username, password, &error);
  bd_admin_secret_free (password);
  if (officer == NULL)
    *status = bd_admin_fail (error);
  return officer;
}

/* desk issue|revoke|list: desk certificates and the registry behind them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bd-cleanup.h"
#include "bd-hq-commands.h"
#include "bd-hq-dir.h"
#include "bd-hq-pki.h"
#include "bd-hq-store.h"
#include "bd-pki.h"

#define DESK_DAYS (2 * 365)
#define MAX_CSR (64 * 1024)

static gboolean
read_small (const char *path, gsize max, char **data, gsize *length, GError **error)
{
  if (!g_file_get_contents (path, data, length, error))
    return FALSE;
  if (*length > max)
    {
      g_clear_pointer (data, g_free);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: too large", path);
      return FALSE;
    }
  return TRUE;
}

/* Issues a clientAuth certificate for the request's key and name and
 * registers the desk (a new epoch when it exists).  Returns the status. */
static int
issue (const char *dir, const char *csr_path, const char *out, const char *store_url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *cn = NULL;
  g_autofree char *ca_path = g_build_filename (dir, "ca.crt", NULL);
  g_autofree char *ca_key_path = g_build_filename (dir, "ca.key", NULL);
  g_autofree char *key_pem = NULL;
  g_autofree char *now = bd_hq_now ();
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(EVP_PKEY) ca_key = NULL;
  g_autoptr(X509) ca = NULL;
  g_autoptr(X509) cert = NULL;
  g_autoptr(BdHqStore) store = NULL;
  gsize length;
  gint64 epoch;

  if (!read_small (csr_path, MAX_CSR, &pem, &length, &error) ||
      (key = bd_pki_csr_key (pem, length, &cn, &error)) == NULL)
    return bd_hq_fail (BD_HQ_EXIT_USAGE, error);
  if (!bd_hq_desk_id_valid (cn))
    {
      g_printerr ("borderdesk-hq: the request names \"%s\", not a desk id POST/N\n", cn);
      return BD_HQ_EXIT_USAGE;
    }
  /* The same key signs batches, and batches are EdDSA only. */
  if (EVP_PKEY_get_id (key) != EVP_PKEY_ED25519)
    {
      g_printerr ("borderdesk-hq: the request's key is not Ed25519\n");
      return BD_HQ_EXIT_USAGE;
    }
  if ((ca = bd_pki_load_cert (ca_path, &error)) == NULL ||
      (ca_key = bd_pki_load_key (ca_key_path, &error)) == NULL ||
      (store = bd_hq_store_open (dir, store_url, &error)) == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  /* Registered first: the certificate names the epoch it opens
   * (docs/protocol.md, Epochs).  A certificate that then fails to be
   * written leaves an epoch without one; issuing again opens the next. */
  key_pem = bd_hq_public_pem (key);
  if (!bd_hq_store_desk_register (store, cn, key_pem, now, &epoch, &error) ||
      (cert = bd_pki_issue_desk (key, cn, epoch, ca, ca_key, bd_hq_serial (), DESK_DAYS,
                                 &error)) == NULL ||
      !bd_pki_save_cert (cert, out, &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  printf ("issued %s (epoch %" G_GINT64_FORMAT ") to %s\n", cn, epoch, out);
  return BD_HQ_EXIT_OK;
}

static void
print_desks (GPtrArray *desks, gboolean json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      printf ("%-24s %6s %8s %-8s %s\n", "DESK", "EPOCH", "LAST SEQ", "STATE", "ISSUED");
      for (guint i = 0; i < desks->len; i++)
        {
          BdHqDesk *d = g_ptr_array_index (desks, i);

          printf ("%-24s %6" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %-8s %s\n", d->id, d->epoch,
                  d->last_seq, d->revoked ? "revoked" : "active", d->issued);
        }
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < desks->len; i++)
    {
      BdHqDesk *d = g_ptr_array_index (desks, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->id);
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, d->epoch);
      json_builder_set_member_name (b, "revoked");
      json_builder_add_boolean_value (b, d->revoked);
      json_builder_set_member_name (b, "last_seq");
      json_builder_add_int_value (b, d->last_seq);
      json_builder_set_member_name (b, "issued");
      json_builder_add_string_value (b, d->issued);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  bd_hq_print_json (root);
}

int
bd_hq_cmd_desk (const char *dir, int argc, char **argv)
{
  g_autofree char *csr = NULL;
  g_autofree char *out = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *store_url = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GPtrArray) desks = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "csr", 0, 0, G_OPTION_ARG_FILENAME, &csr, "issue: the desk's certificate request", "FILE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "issue: where the certificate goes", "FILE.crt" },
    { "desk", 0, 0, G_OPTION_ARG_STRING, &desk, "revoke: the desk id", "POST/N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "list: a JSON array", NULL },
    BD_HQ_STORE_OPTION (store_url),
    { NULL }
  };
  int status = bd_hq_options ("desk", "issue|revoke|list",
                              "issue --csr FILE --out FILE.crt: certify a desk (re-issuing "
                              "starts a new epoch)\nrevoke --desk ID\nlist [--json]",
                              entries, &argc, &argv);

  if (status >= 0)
    return status;
  if (argc != 2)
    {
      g_printerr ("borderdesk-hq desk: issue, revoke or list?\n");
      return BD_HQ_EXIT_USAGE;
    }
  if (strcmp (argv[1], "issue") == 0)
    {
      if (csr == NULL || out == NULL)
        {
          g_printerr ("borderdesk-hq desk issue: --csr FILE and --out FILE.crt are required\n");
          return BD_HQ_EXIT_USAGE;
        }
      return issue (dir, csr, out, store_url);
    }
  if (strcmp (argv[1], "revoke") != 0 && strcmp (argv[1], "list") != 0)
    {
      g_printerr ("borderdesk-hq desk: unknown command %s\n", argv[1]);
      return BD_HQ_EXIT_USAGE;
    }
  if (strcmp (argv[1], "revoke") == 0 && desk == NULL)
    {
      g_printerr ("borderdesk-hq desk revoke: --desk ID is required\n");
      return BD_HQ_EXIT_USAGE;
    }
  store = bd_hq_store_open (dir, store_url, &error);
  if (store == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (strcmp (argv[1], "revoke") == 0)
    {
      if (!bd_hq_store_desk_revoke (store, desk, &error))
        return bd_hq_fail (g_error_matches (error, BD_HQ_STORE_ERROR,
                                            BD_HQ_STORE_ERROR_NOT_FOUND) ?
                           BD_HQ_EXIT_NO : BD_HQ_EXIT_FAILED, error);
      printf ("revoked %s\n", desk);
      return BD_HQ_EXIT_OK;
    }
  desks = bd_hq_store_desk_list (store, &error);
  if (desks == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  print_desks (desks, json);
  return BD_HQ_EXIT_OK;
}

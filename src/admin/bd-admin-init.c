/* bd-admin-init.c: `borderdesk-admin init`. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include <openssl/crypto.h>

#include "bd-admin.h"
#include "bd-template.h"
#include "bd-db.h"
#include "bd-post.h"
#include "bd-sync.h"

int
bd_admin_init (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *post = NULL, *post_name = NULL, *country = NULL;
  int desk = 0;
  GOptionEntry entries[] = {
    { "post", 0, 0, G_OPTION_ARG_STRING, &post, "Post code, such as UTO-ALP", "CODE" },
    { "post-name", 0, 0, G_OPTION_ARG_STRING, &post_name, "Post name", "NAME" },
    { "desk", 0, 0, G_OPTION_ARG_INT, &desk, "This desk's number at the post", "N" },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country,
      "The post's state (default: the post code's prefix)", "ISO3" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- set up this desk for a post");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;
  gboolean existed;
  guint8 key[BD_DATA_KEY_SIZE];

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (post == NULL || post_name == NULL || desk == 0)
    {
      return bd_admin_usage ("init needs --post, --post-name and --desk");
    }
  if (country == NULL)
    {
      const char *dash = strchr (post, '-');
      country = dash != NULL ? g_strndup (post, dash - post) : g_strdup (post);
    }
  existed = g_file_test (admin->db_path, G_FILE_TEST_EXISTS);
  db = bd_db_open (admin->db_path, BD_DB_OPEN_CREATE, &error);
  /* The desk's Ed25519 key (desk.key) and its data key (data.key), both
   * 0600, are made now, so that enroll-request only has to write the
   * request and the first fingerprint finds its key. */
  if (db != NULL && bd_post_init (db, cli, post, post_name, desk, country, &error) &&
      bd_sync_ensure_key (db, &error) && bd_data_key_load (admin->db_path, TRUE, key, &error))
    {
      OPENSSL_cleanse (key, sizeof key);
      g_print ("desk %s/%d of %s set up in %s\n", post, desk, post_name, admin->db_path);
      return BD_EXIT_OK;
    }
  /* A failed init leaves no half-made database behind. */
  g_clear_pointer (&db, bd_db_close);
  if (!existed)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *path = g_strconcat (admin->db_path, suffixes[i], NULL);
          g_unlink (path);
        }
    }
  return bd_admin_fail (error);
}

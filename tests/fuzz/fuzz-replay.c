/* fuzz-replay.c: runs a fuzz target's LLVMFuzzerTestOneInput on files,
 * without libFuzzer, as a g_test unit in the ordinary builds (gcc, and the
 * ASan/UBSan build).  Its arguments are directories: the target's seed
 * corpus and the inputs that once crashed it (regressions/TARGET), so
 * every crash the fuzzer found stays a test.
 *
 *   fuzz-mrz-replay [--tap] DIR... */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
replay (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, length), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *name = g_path_get_basename (argv[0]);
  guint n = 0;

  g_test_init (&argc, &argv, NULL);
  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *parent = g_path_get_dirname (argv[i]);
      g_autofree char *group = g_path_get_basename (parent);
      const char *entry;

      if (dir == NULL)
        continue;  /* a target without regressions yet */
      while ((entry = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (files, g_strdup (entry));
      g_ptr_array_sort (files, compare_names);
      for (guint j = 0; j < files->len; j++)
        {
          const char *file = files->pdata[j];
          g_autofree char *test = g_strdup_printf ("/%s/%s/%s", name, group, file);
          g_test_add_data_func_full (test, g_build_filename (argv[i], file, NULL), replay,
                                     g_free);
          n++;
        }
    }
  g_assert_cmpuint (n, >, 0);
  return g_test_run ();
}

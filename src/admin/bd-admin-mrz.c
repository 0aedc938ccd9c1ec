/* bd-admin-mrz.c: `borderdesk-admin mrz parse [--json]` (CONTRACT.md).
 *
 * Reads the MRZ lines from stdin and reports what bd_mrz_parse() found.
 * Exit 0 valid, 1 an MRZ that is invalid, 2 not an MRZ at all or bad
 * usage, 3 stdin unreadable.  With --json the object is printed in every
 * one of those cases but the last.
 */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-country.h"
#include "bd-mrz.h"

static const char *
check_word (BdMrzCheckState state)
{
  switch (state)
    {
    case BD_MRZ_CHECK_PASSED:
      return "ok";
    case BD_MRZ_CHECK_FAILED:
      return "FAILED";
    case BD_MRZ_CHECK_ABSENT:
    default:
      return "-";
    }
}

static void
print_field (const char *label, const char *value)
{
  g_print ("  %-17s %s\n", label, value != NULL && *value != '\0' ? value : "-");
}

static void
print_state (const char *label, const char *code)
{
  const char *name = code != NULL ? bd_country_name (code) : NULL;
  g_autofree char *text = NULL;

  if (name != NULL)
    text = g_strdup_printf ("%s (%s)", code, name);
  else if (code != NULL && *code != '\0')
    text = g_strdup_printf ("%s (unknown code)", code);
  print_field (label, text);
}

static void
print_list (const char *title, GPtrArray *list)
{
  if (list->len == 0)
    return;
  g_print ("%s:\n", title);
  for (guint i = 0; i < list->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (list, i));
}

/* The human-readable report: fields, checks, suggestions, problems. */
static void
print_summary (const BdMrz *mrz)
{
  static const char *const check_labels[BD_MRZ_N_CHECKS] = {
    "document number", "birth date", "expiry date", "personal number", "composite",
  };
  char sex[2] = { mrz->sex, '\0' };

  if (mrz->format == BD_MRZ_FORMAT_NONE)
    {
      g_print ("Not a machine readable zone.\n");
      print_list ("Errors", mrz->errors);
      return;
    }

  g_print ("%s machine readable zone: %s\n", bd_mrz_format_to_string (mrz->format),
           mrz->valid ? "valid" : "INVALID");
  print_field ("Document code", mrz->document_code);
  print_state ("Issuing state", mrz->issuing_state);
  print_field ("Document number", mrz->document_number);
  print_field ("Surname", mrz->surname);
  print_field ("Given names", mrz->given_names);
  if (mrz->name_truncated)
    print_field ("", "(the name fills its field and may be truncated)");
  print_state ("Nationality", mrz->nationality);
  print_field ("Birth date", mrz->birth_date);
  print_field ("Sex", sex);
  print_field ("Expiry date", mrz->expiry_date);
  print_field ("Optional data", mrz->optional_data);
  if (mrz->format == BD_MRZ_FORMAT_TD1)
    print_field ("Optional data 2", mrz->optional_data_2);

  g_print ("Check digits:\n");
  for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
    if (mrz->checks[k] != BD_MRZ_CHECK_ABSENT)
      g_print ("  %-17s %s\n", check_labels[k], check_word (mrz->checks[k]));

  if (mrz->corrections->len > 0)
    {
      g_print ("Possible OCR misreads (not applied):\n");
      for (guint i = 0; i < mrz->corrections->len; i++)
        {
          const BdMrzCorrection *c = g_ptr_array_index (mrz->corrections, i);

          g_print ("  line %u, column %u (%s): '%c' may be '%c'\n",
                   c->line, c->column, c->field, c->from, c->to);
        }
    }
  print_list ("Errors", mrz->errors);
  print_list ("Warnings", mrz->warnings);
}

int
bd_admin_mrz (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  gboolean help = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object (CONTRACT.md)", NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("parse - parse an MRZ read from stdin");
  g_auto(GStrv) args = g_strdupv (argv);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(BdMrz) mrz = NULL;

  /* Our own --help: GOption's would exit() from inside the parser. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "The MRZ lines (TD1, TD2, TD3, MRV-A or MRV-B) come on stdin, separated by LF or\n"
    "CRLF, with at most one final line end.\n"
    "Exit status: 0 valid, 1 an MRZ that is not valid, 2 not an MRZ at all or bad usage.");
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("borderdesk-admin: mrz: %s (see borderdesk-admin mrz --help)\n",
                  error->message);
      return BD_EXIT_USAGE;
    }
  if (help)
    {
      g_autofree char *usage = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", usage);
      return BD_EXIT_OK;
    }
  if (g_strv_length (args) != 2 || strcmp (args[1], "parse") != 0)
    {
      return bd_admin_usage ("usage: borderdesk-admin mrz parse [--json] < MRZ");
    }

  text = bd_admin_read_all (&error);
  if (text == NULL)
    return bd_admin_fail (g_steal_pointer (&error));

  mrz = bd_mrz_parse (text);
  if (json)
    {
      g_autoptr(JsonNode) node = bd_mrz_to_json (mrz);

      bd_admin_print_json (node);
    }
  else
    print_summary (mrz);

  if (mrz->format == BD_MRZ_FORMAT_NONE)
    {
      g_printerr ("borderdesk-admin: not an MRZ: %s\n",
                  mrz->errors->len > 0 ? (const char *) g_ptr_array_index (mrz->errors, 0)
                                       : "unrecognised input");
      return BD_EXIT_USAGE;
    }
  return mrz->valid ? BD_EXIT_OK : BD_EXIT_NO;
}

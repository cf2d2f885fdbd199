/* strata-verb-export.c: strata export PROJECT --run NAME (--zip OUT.zip | --pytorch DIR)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-export.h"
#include "strata-export-pytorch.h"
#include "strata-verbs.h"

static void
print_progress (const char *stage,
                guint64     done,
                guint64     total,
                gpointer    user_data)
{
  gboolean json = GPOINTER_TO_INT (user_data);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "progress");
      json_builder_set_member_name (b, "stage");
      json_builder_add_string_value (b, stage);
      json_builder_set_member_name (b, "done");
      json_builder_add_int_value (b, done);
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, total);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      line = json_to_string (root, FALSE);
      printf ("%s\n", line);
    }
  else if (done == 0)
    fprintf (stderr, "%s…\n", stage);
  fflush (stdout);
}

static void
print_json (JsonNode *node)
{
  g_autofree char *line = json_to_string (node, FALSE);

  printf ("%s\n", line);
}

int
strata_verb_export (int    argc,
                    char **argv)
{
  g_autofree char *run = NULL, *weights = NULL, *zip = NULL, *pytorch = NULL, *split = NULL;
  g_autofree char *python = NULL, *backend = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  GError *error = NULL;
  gboolean json = FALSE, no_check = FALSE, require_check = FALSE, full = FALSE;
  int check_images = 0;
  StrataSplit check_split;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("The run to export"), N_("NAME") },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights,
      N_("best or last checkpoint (best when there is one)"), N_("WHICH") },
    { "zip", 0, 0, G_OPTION_ARG_FILENAME, &zip,
      N_("Write a submission zip: Keras model, safetensors, config.json, test.py, README"),
      N_("OUT.zip") },
    { "pytorch", 0, 0, G_OPTION_ARG_FILENAME, &pytorch,
      N_("Write a PyTorch project that trains the run further on many machines"), N_("DIR") },
    { "check-images", 0, 0, G_OPTION_ARG_INT, &check_images,
      N_("Check test.py on this many images of the data (200)"), N_("N") },
    { "check-all", 0, 0, G_OPTION_ARG_NONE, &full,
      N_("Check test.py on the whole split"), NULL },
    { "check-split", 0, 0, G_OPTION_ARG_STRING, &split,
      N_("The split to check on (test, else validation, else train)"), N_("SPLIT") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend,
      N_("What test.py runs on in the check: auto, torch or keras"), N_("NAME") },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check,
      N_("Don't run test.py before writing the zip"), NULL },
    { "require-check", 0, 0, G_OPTION_ARG_NONE, &require_check,
      N_("Fail when test.py can't run here, instead of writing an unchecked zip"), NULL },
    { "python", 0, 0, G_OPTION_ARG_FILENAME, &python,
      N_("The Python interpreter for the check"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per line"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — export a run's model"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project to export from"));
  if (run == NULL)
    return strata_cli_usage_error (context, _("Say which run to export with --run NAME"));
  if ((zip == NULL) == (pytorch == NULL))
    return strata_cli_usage_error (context, _("Say what to write: --zip OUT.zip or --pytorch DIR"));
  if (check_images < 0)
    return strata_cli_usage_error (context, _("--check-images takes a count"));
  if (split && !strata_split_from_string (split, &check_split))
    return strata_cli_usage_error (context, _("The split is train, validation or test"));
  if (backend && !g_strv_contains ((const char *const[]) { "auto", "torch", "keras", NULL },
                                   backend))
    return strata_cli_usage_error (context, _("The backend is auto, torch or keras"));

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);

  if (zip)
    {
      StrataExportOptions options = {
        .weights = weights,
        .check_images = full ? G_MAXUINT : (guint) check_images,
        .check_split = split ? (int) check_split : -1,
        .skip_check = no_check,
        .require_check = require_check,
        .python = python,
        .backend = backend,
        .progress = print_progress,
        .progress_data = GINT_TO_POINTER (json),
      };
      g_autoptr(StrataExportResult) result = strata_export_zip (project, run, zip, &options,
                                                                NULL, &error);

      if (result == NULL)
        return strata_cli_fail (error, json);
      if (json)
        {
          g_autoptr(JsonNode) node = strata_export_result_to_json (result);
          print_json (node);
        }
      else
        {
          printf (_("Wrote %s (%s weights, %.1f MB)\n"), result->path, result->weights,
                  result->zip_bytes / 1e6);
          if (result->checked)
            printf (_("test.py (%s) agreed with Strata on %u images of the %s split; largest "
                      "probability difference %.2g\n"), result->check_backend,
                    result->check_images, strata_split_to_string (result->check_split),
                    result->check_max_difference);
          else
            printf (_("Not checked: %s\n"), result->not_checked_reason);
        }
      return 0;
    }
  else
    {
      StrataPytorchExportOptions options = {
        .weights = weights,
        .progress = print_progress,
        .progress_data = GINT_TO_POINTER (json),
      };

      if (!strata_export_pytorch (project, run, pytorch, &options, NULL, &error))
        return strata_cli_fail (error, json);
      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "event");
          json_builder_add_string_value (b, "exported");
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, pytorch);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          print_json (root);
        }
      else
        printf (_("Wrote the PyTorch project %s; see its README.md\n"), pytorch);
      return 0;
    }
}

/* strata-verb-import-run.c: strata import-run PROJECT FILE_OR_DIR [--name RUN] [--json]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-run-import.h"
#include "strata-verbs.h"

int
strata_verb_import_run (int    argc,
                        char **argv)
{
  g_autofree char *name = NULL, *imported = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The new run's name (default: the run it started from, with “-pytorch”)"),
      N_("RUN") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT FILE_OR_DIR — add a run trained by an exported "
                                    "train.py"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc != 3)
    return strata_cli_usage_error (context, _("Say which project, and train.py's output folder "
                                              "or checkpoint"));

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  imported = strata_import_run (project, argv[2], name, &error);
  if (imported == NULL)
    return strata_cli_fail (error, json);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "imported");
      json_builder_set_member_name (b, "run");
      json_builder_add_string_value (b, imported);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      line = json_to_string (root, FALSE);
      printf ("%s\n", line);
    }
  else
    printf (_("Imported run %s\n"), imported);
  return 0;
}

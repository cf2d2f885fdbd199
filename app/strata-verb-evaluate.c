/* strata-verb-evaluate.c: strata evaluate PROJECT --run NAME [--split test] [--json]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-evaluate.h"
#include "strata-verbs.h"

static void
print_report (const StrataEvaluation *eval)
{
  printf (_("Run %s (%s weights), %s split, %u images\n"), eval->run, eval->weights,
          strata_split_to_string (eval->split), eval->n);
  printf (_("  loss %.4f   accuracy %.2f %%   top-%u accuracy %.2f %%\n\n"), eval->loss,
          100 * eval->accuracy, eval->top_k, 100 * eval->top_k_accuracy);
  printf ("  %-20s %10s %10s %10s %8s\n", _("class"), _("precision"), _("recall"), _("F1"),
          _("support"));
  for (guint c = 0; c < eval->n_classes; c++)
    printf ("  %-20s %10.4f %10.4f %10.4f %8" G_GUINT64_FORMAT "\n", eval->classes[c],
            eval->precision[c], eval->recall[c], eval->f1[c], eval->support[c]);
}

int
strata_verb_evaluate (int    argc,
                      char **argv)
{
  g_autofree char *run = NULL, *split_name = NULL, *weights = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  StrataSplit split = STRATA_SPLIT_TEST;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("The run to evaluate"), N_("NAME") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      N_("train, validation or test (the default)"), N_("SPLIT") },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights,
      N_("best or last checkpoint (best when there is one)"), N_("WHICH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — measure a run on a split of the data"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project to evaluate"));
  if (run == NULL)
    return strata_cli_usage_error (context, _("Say which run to evaluate with --run NAME"));
  if (split_name && !strata_split_from_string (split_name, &split))
    return strata_cli_usage_error (context, _("The split is train, validation or test"));

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  eval = strata_evaluate (project, run, split, weights, NULL, &error);
  if (eval == NULL)
    return strata_cli_fail (error, json);

  if (json)
    {
      g_autoptr(JsonNode) node = strata_evaluation_to_json (eval);
      g_autofree char *line = json_to_string (node, FALSE);
      printf ("%s\n", line);
    }
  else
    print_report (eval);
  return 0;
}

/* strata-verb-lr-find.c: strata lr-find PROJECT [--steps N] [--start LR] [--end LR] [--json]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "strata-lr-finder.h"
#include "strata-verbs.h"

int
strata_verb_lr_find (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataLrFinderResult) result = NULL;
  StrataLrFinderOptions options = { 0 };
  GError *error = NULL;
  gboolean json = FALSE;
  int steps = 0;
  int threads = 0;
  const GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, N_("Training steps to take (100)"), N_("N") },
    { "start", 0, 0, G_OPTION_ARG_DOUBLE, &options.start_lr,
      N_("The first learning rate (1e-7)"), N_("LR") },
    { "end", 0, 0, G_OPTION_ARG_DOUBLE, &options.end_lr, N_("The last learning rate (10)"),
      N_("LR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the curve as JSON"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      N_("Use at most N cores (default: all)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — find a good learning rate with a short run"));
  g_option_context_set_summary (context,
                                _("Trains the project's model from fresh weights for a few "
                                  "steps while the learning rate grows exponentially, and "
                                  "suggests the rate where the loss falls fastest. The "
                                  "project and its runs are not changed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (!strata_cli_set_threads (context, threads))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project to search"));
  if (steps < 0 || (steps > 0 && steps < 2))
    return strata_cli_usage_error (context, _("--steps takes at least 2"));
  options.steps = steps;

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  result = strata_lr_find (project, &options, NULL, &error);
  if (result == NULL)
    return strata_cli_fail (error, json);

  if (json)
    {
      g_autoptr(JsonNode) node = strata_lr_finder_result_to_json (result);
      g_autofree char *line = json_to_string (node, FALSE);

      printf ("%s\n", line);
      return 0;
    }
  printf ("  %12s %10s %10s\n", _("rate"), _("loss"), _("smoothed"));
  for (guint i = 0; i < result->n; i += MAX (1, result->n / 20))
    printf ("  %12.3g %10.4f %10.4f\n", result->lr[i], result->loss[i], result->smoothed[i]);
  if (result->diverged)
    printf (_("The loss exploded at a learning rate of %.3g; the search stopped there.\n"),
            result->lr[result->n - 1]);
  if (isfinite (result->suggested_lr))
    printf (_("Suggested learning rate for %s: %.3g (the loss falls fastest there; it is "
              "lowest at %.3g)\n"), result->optimizer, result->suggested_lr,
            result->min_loss_lr);
  else
    printf (_("The loss did not fall over this range; try other --start and --end values.\n"));
  return 0;
}

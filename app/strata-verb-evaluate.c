/* strata-verb-evaluate.c: strata evaluate PROJECT --run NAME [--split test] [--tta MODE] [--json]
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
print_tta (const StrataEvaluation *eval)
{
  if (eval->tta == STRATA_TTA_NONE)
    return;
  printf (_("\n  Test-time augmentation (%s, %u views per image):\n"),
          strata_tta_to_string (eval->tta), eval->tta_views);
  printf (_("  loss %.4f (%+.4f)   accuracy %.2f %% (%+.2f points)   top-%u accuracy %.2f %%\n"),
          eval->tta_loss, eval->tta_loss - eval->loss, 100 * eval->tta_accuracy,
          100 * (eval->tta_accuracy - eval->accuracy), eval->top_k,
          100 * eval->tta_top_k_accuracy);
  printf (_("  it corrects %u images and gets %u others wrong\n"), eval->tta_fixed,
          eval->tta_broken);
}

static void
print_misclassified (const StrataEvaluation *eval,
                     guint                   max)
{
  guint n = MIN (max, eval->n_misclassified);

  if (n == 0)
    return;
  printf (_("\n  Misclassified images with the highest loss (%u of %u):\n"), n,
          eval->n_misclassified);
  for (guint i = 0; i < n; i++)
    {
      const StrataPrediction *pred = &eval->predictions[eval->misclassified[i]];
      g_autoptr(GString) top = g_string_new (NULL);

      for (guint j = 0; j < STRATA_EVALUATION_TOP && pred->top_class[j] >= 0; j++)
        g_string_append_printf (top, "%s%s %.3f", j ? ", " : "",
                                eval->classes[pred->top_class[j]], pred->top_probability[j]);
      /* Translators: image, its true class, the predicted one, the loss, the top classes */
      printf (_("  %-28s %s → %s  loss %.3f  (%s)\n"), eval->names[eval->misclassified[i]],
              eval->classes[pred->label], eval->classes[pred->predicted], pred->loss, top->str);
    }
}

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
  print_tta (eval);
}

int
strata_verb_evaluate (int    argc,
                      char **argv)
{
  g_autofree char *run = NULL, *split_name = NULL, *weights = NULL, *tta_name = NULL;
  int show = 10;
  StrataEvaluateOptions options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  GError *error = NULL;
  g_autoptr(GError) save_error = NULL;
  gboolean json = FALSE;
  StrataSplit split = STRATA_SPLIT_TEST;
  int threads = 0;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("The run to evaluate"), N_("NAME") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      N_("train, validation or test (the default)"), N_("SPLIT") },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights,
      N_("best or last checkpoint (best when there is one)"), N_("WHICH") },
    { "tta", 0, 0, G_OPTION_ARG_STRING, &tta_name,
      N_("Test-time augmentation: none, flip, crops or flip+crops"), N_("MODE") },
    { "misclassified", 0, 0, G_OPTION_ARG_INT, &show,
      N_("How many misclassified images to list (default 10; 0 for all)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      N_("Use at most N cores (default: all)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — measure a run on a split of the data"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (!strata_cli_set_threads (context, threads))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project to evaluate"));
  if (run == NULL)
    return strata_cli_usage_error (context, _("Say which run to evaluate with --run NAME"));
  if (split_name && !strata_split_from_string (split_name, &split))
    return strata_cli_usage_error (context, _("The split is train, validation or test"));
  if (tta_name && !strata_tta_from_string (tta_name, &options.tta))
    return strata_cli_usage_error (context,
                                   _("Test-time augmentation is none, flip, crops or flip+crops"));
  if (show < 0)
    return strata_cli_usage_error (context, _("--misclassified takes a count"));
  options.weights = weights;
  options.max_misclassified = show;
  options.save_error = &save_error;

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  eval = strata_evaluate_full (project, run, split, &options, NULL, &error);
  if (eval == NULL)
    return strata_cli_fail (error, json);

  if (json)
    {
      g_autoptr(JsonNode) node = strata_evaluation_to_json (eval);
      g_autofree char *line = json_to_string (node, FALSE);
      printf ("%s\n", line);
    }
  else
    {
      print_report (eval);
      print_misclassified (eval, show ? (guint) show : G_MAXUINT);
    }
  /* The figures are shown above; what could not be kept is the run's copy of them. */
  if (save_error != NULL)
    {
      g_autoptr(GError) failure = NULL;

      fflush (stdout);
      failure = g_error_new (save_error->domain, save_error->code,
                             _("The evaluation was not saved in the run, so the Results page "
                               "won't show it: %s"), save_error->message);
      return strata_cli_fail (g_steal_pointer (&failure), json);
    }
  return 0;
}

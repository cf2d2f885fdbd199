/* strata-verb-dataset.c: strata dataset inspect PROJECT [--json]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-dataset-inspect.h"
#include "strata-project.h"
#include "strata-verbs.h"

static void
print_report (const StrataDatasetReport *report)
{
  printf ("  %-24s %8s %8s %8s\n", _("class"), _("train"), _("val"), _("test"));
  for (guint c = 0; c < report->n_classes; c++)
    printf ("  %-24s %8u %8u %8u\n", report->class_names[c],
            strata_dataset_report_count (report, c, STRATA_SPLIT_TRAIN),
            strata_dataset_report_count (report, c, STRATA_SPLIT_VALIDATION),
            strata_dataset_report_count (report, c, STRATA_SPLIT_TEST));
  printf ("  %-24s %8u %8u %8u\n", _("all"), report->totals[STRATA_SPLIT_TRAIN],
          report->totals[STRATA_SPLIT_VALIDATION], report->totals[STRATA_SPLIT_TEST]);
  /* apart from the classes: training skips them */
  printf ("  %-24s %8u %8u %8u\n\n", _("unreadable"), report->n_unreadable[STRATA_SPLIT_TRAIN],
          report->n_unreadable[STRATA_SPLIT_VALIDATION], report->n_unreadable[STRATA_SPLIT_TEST]);
  if (report->imbalance > 0)
    printf (_("Class imbalance: the largest class has %.1f× the training images of the "
              "smallest\n"), report->imbalance);
  for (guint i = 0; report->problems && report->problems[i]; i++)
    printf (_("Left out: %s\n"), report->problems[i]);
  for (guint i = 0; i < report->unreadable->len; i++)
    {
      const StrataUnreadableImage *bad = g_ptr_array_index (report->unreadable, i);
      printf (_("Unreadable: %s: %s\n"), bad->name, bad->message);
    }
  if (report->duplicates->len > 0)
    {
      guint exact = 0, straddling = 0;

      for (guint i = 0; i < report->duplicates->len; i++)
        {
          const StrataDuplicateGroup *group = g_ptr_array_index (report->duplicates, i);
          exact += group->exact;
          straddling += group->straddles_splits;
        }
      printf (_("Duplicates: %u groups of identical images, %u of near-identical ones; %u "
                "groups straddle splits (--json lists them)\n"),
              exact, report->duplicates->len - exact, straddling);
    }
}

static int
inspect (int    argc,
         char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDatasetReport) report = NULL;
  g_autofree char *base_dir = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — images per class and split, problems, "
                                    "duplicates"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project's data to inspect"));

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  base_dir = strata_project_dup_base_dir (project);
  dataset = strata_dataset_open (strata_project_get_dataset (project), base_dir, NULL, &error);
  if (dataset == NULL)
    return strata_cli_fail (error, json);
  report = strata_dataset_inspect (dataset, NULL, NULL, NULL, &error);
  if (report == NULL)
    return strata_cli_fail (error, json);

  if (json)
    {
      g_autoptr(JsonNode) node = strata_dataset_report_to_json (report);
      g_autofree char *line = json_to_string (node, FALSE);
      printf ("%s\n", line);
    }
  else
    print_report (report);
  return 0;
}

int
strata_verb_dataset (int    argc,
                     char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "inspect"))
    return inspect (argc - 1, argv + 1);
  fprintf (stderr, "%s\n  strata dataset inspect PROJECT [--json]\n", _("Usage:"));
  return 2;
}

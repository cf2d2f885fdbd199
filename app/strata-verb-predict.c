/* strata-verb-predict.c: strata predict PROJECT --run NAME IMAGE_OR_FOLDER… [--top K] [--json]
 *                        [--csv OUT] [--split test]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "strata-predict.h"
#include "strata-verbs.h"

static void
print_prediction (const StrataImagePrediction *item,
                  const char *const           *classes,
                  guint                        top_k)
{
  g_autofree gint32 *top = g_new0 (gint32, top_k);
  g_autofree float *top_p = g_new0 (float, top_k);
  guint n = strata_image_prediction_get_top (item, top_k, top, top_p);

  if (item->error)
    {
      /* Translators: an image that could not be read, and why */
      printf (_("%s: skipped: %s\n"), item->name, item->error);
      return;
    }
  printf ("%s:", item->name);
  for (guint j = 0; j < n; j++)
    printf ("%s %s %.4f", j ? "," : "", classes[top[j]], top_p[j]);
  if (item->label >= 0)
    /* Translators: the true class of an image, after its predictions */
    printf (_("  (true: %s)"), classes[item->label]);
  printf ("\n");
}

int
strata_verb_predict (int    argc,
                     char **argv)
{
  g_autofree char *run = NULL, *weights = NULL, *csv = NULL, *split_name = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(GPtrArray) predictions = NULL;
  const char *const *classes;
  GError *error = NULL;
  gboolean json = FALSE;
  int top_k = 3;
  guint failed = 0, correct = 0, labelled = 0;
  StrataSplit split = STRATA_SPLIT_TEST;
  int threads = 0;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("The run whose model predicts"), N_("NAME") },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights,
      N_("best or last checkpoint (best when there is one)"), N_("WHICH") },
    { "top", 0, 0, G_OPTION_ARG_INT, &top_k, N_("How many classes to show per image (3)"),
      N_("K") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      N_("Predict a whole split of the project's data (train, validation or test) instead "
         "of files"), N_("SPLIT") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
      N_("Also write the predictions as Filename,Label rows"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per line"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      N_("Use at most N cores (default: all)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT IMAGE_OR_FOLDER… — classify images with a run's "
                                    "model"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (!strata_cli_set_threads (context, threads))
    return 2;
  if (argc < 2)
    return strata_cli_usage_error (context, _("Say which project to predict with"));
  if (run == NULL)
    return strata_cli_usage_error (context, _("Say which run predicts with --run NAME"));
  if (split_name == NULL && argc < 3)
    return strata_cli_usage_error (context, _("Name the images or folders to classify, or a "
                                              "split with --split"));
  if (split_name && argc > 2)
    return strata_cli_usage_error (context, _("Give either images or --split, not both"));
  if (split_name && !strata_split_from_string (split_name, &split))
    return strata_cli_usage_error (context, _("The split is train, validation or test"));
  if (top_k < 1)
    return strata_cli_usage_error (context, _("--top takes a count of at least 1"));

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  predictor = strata_predictor_new (project, run, weights, &error);
  if (predictor == NULL)
    return strata_cli_fail (error, json);
  if (split_name)
    predictions = strata_predictor_predict_split (predictor, split, NULL, NULL, NULL, &error);
  else
    predictions = strata_predictor_predict_files (predictor, (const char *const *) argv + 2,
                                                  NULL, NULL, NULL, &error);
  if (predictions == NULL)
    return strata_cli_fail (error, json);
  if (csv && !strata_predictions_write_csv (predictions, strata_predictor_get_classes (predictor),
                                            csv, &error))
    return strata_cli_fail (error, json);

  classes = strata_predictor_get_classes (predictor);
  for (guint i = 0; i < predictions->len; i++)
    {
      const StrataImagePrediction *item = g_ptr_array_index (predictions, i);

      failed += item->error != NULL;
      if (item->label >= 0)
        {
          labelled++;
          correct += item->predicted == item->label;
        }
      if (json)
        {
          g_autoptr(JsonNode) node = strata_image_prediction_to_json (item, classes, top_k);
          g_autofree char *line = json_to_string (node, FALSE);

          printf ("%s\n", line);
        }
      else
        print_prediction (item, classes, top_k);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "summary");
      json_builder_set_member_name (b, "run");
      json_builder_add_string_value (b, run);
      json_builder_set_member_name (b, "weights");
      json_builder_add_string_value (b, strata_predictor_get_weights (predictor));
      json_builder_set_member_name (b, "images");
      json_builder_add_int_value (b, predictions->len);
      json_builder_set_member_name (b, "failed");
      json_builder_add_int_value (b, failed);
      if (labelled > 0)
        {
          json_builder_set_member_name (b, "accuracy");
          json_builder_add_double_value (b, (double) correct / labelled);
        }
      if (csv)
        {
          json_builder_set_member_name (b, "csv");
          json_builder_add_string_value (b, csv);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      line = json_to_string (root, FALSE);
      printf ("%s\n", line);
    }
  else
    {
      printf (g_dngettext (GETTEXT_PACKAGE, "%u image classified", "%u images classified",
                           predictions->len - failed), predictions->len - failed);
      if (failed)
        printf (g_dngettext (GETTEXT_PACKAGE, ", %u skipped", ", %u skipped", failed), failed);
      if (labelled)
        printf (_(", accuracy %.2f %%"), 100.0 * correct / labelled);
      if (csv)
        printf (_("; written to %s"), csv);
      printf ("\n");
    }
  return 0;
}

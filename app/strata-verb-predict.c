/* strata-verb-predict.c: strata predict PROJECT --run NAME IMAGE_OR_FOLDER… [--json]
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

static gboolean
is_image_name (const char *name)
{
  static const char *const suffixes[] = {
    ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* A folder stands for the images directly in it, in name order. */
static void
add_path (GPtrArray  *paths,
          const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || !(dir = g_dir_open (path, 0, NULL)))
    {
      g_ptr_array_add (paths, g_strdup (path));
      return;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)))
    if (is_image_name (name))
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (paths, g_strdup (g_ptr_array_index (names, i)));
}

int
strata_verb_predict (int    argc,
                     char **argv)
{
  g_autofree char *run = NULL, *weights = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataPredictions) predictions = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  gboolean json = FALSE;
  int top = 3;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("The run whose model classifies the images"),
      N_("NAME") },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &weights,
      N_("best or last checkpoint (best when there is one)"), N_("WHICH") },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, N_("How many of the most likely classes to give"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT IMAGE_OR_FOLDER… — classify images with a run"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc < 3)
    return strata_cli_usage_error (context, _("Say which project, and which images to classify"));
  if (run == NULL)
    return strata_cli_usage_error (context, _("Say which run to use with --run NAME"));
  if (top < 1 || top > STRATA_PREDICT_MAX_TOP)
    return strata_cli_usage_error (context, _("--top is a number from 1 to 10"));

  for (int i = 2; i < argc; i++)
    add_path (paths, argv[i]);
  g_ptr_array_add (paths, NULL);

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);
  predictions = strata_predict_images (project, run, weights, (const char *const *) paths->pdata,
                                       top, NULL, &error);
  if (predictions == NULL)
    return strata_cli_fail (error, json);

  if (json)
    {
      g_autoptr(JsonNode) node = strata_predictions_to_json (predictions);
      g_autofree char *line = json_to_string (node, FALSE);
      printf ("%s\n", line);
      return 0;
    }
  for (guint i = 0; i < predictions->n; i++)
    {
      const StrataImagePrediction *item = &predictions->items[i];

      printf ("%s\n", item->path);
      if (item->error)
        printf ("  %s\n", item->error->message);
      for (guint j = 0; !item->error && j < predictions->top_k && item->top_class[j] >= 0; j++)
        printf ("  %-24s %6.2f %%\n", predictions->classes[item->top_class[j]],
                100 * item->top_probability[j]);
    }
  return 0;
}

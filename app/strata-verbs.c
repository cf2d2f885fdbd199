/* strata-verbs.c: the table of verbs and what they share
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "strata-threads.h"
#include "strata-verbs.h"
#include "strata-zoo.h"

static const StrataVerb verbs[] = {
  { "new", N_("Write a new project, from an example or a folder of images"), strata_verb_new },
  { "train", N_("Train a project's model, or resume a run"), strata_verb_train, TRUE },
  { "evaluate", N_("Measure a run on a split of the data"), strata_verb_evaluate, TRUE },
  { "predict", N_("Classify image files with a run's model"), strata_verb_predict, TRUE },
  { "dataset", N_("Inspect a project's data: counts, problems, duplicates"),
    strata_verb_dataset },
  { "import-run", N_("Add a run trained elsewhere by an exported train.py"),
    strata_verb_import_run },
  { "lr-find", N_("Suggest a learning rate from a short run"), strata_verb_lr_find, TRUE },
  { "export", N_("Export a run's model as a submission zip or a PyTorch project"),
    strata_verb_export },
  { "embed", N_("Write a pretrained backbone's features of images to a NumPy file"),
    strata_verb_embed, TRUE },
};

const StrataVerb *
strata_verbs_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_strcmp0 (verbs[i].name, name) == 0)
      return &verbs[i];
  return NULL;
}

void
strata_verbs_print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  strata [PROJECT.strata]\n  strata VERB [OPTION…]\n\n%s\n",
           _("Usage:"), _("Verbs:"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    fprintf (stream, "  %-10s %s\n", verbs[i].name, _(verbs[i].summary));
  fprintf (stream, "\n%s\n", _("Run “strata VERB --help” for a verb's options."));
}

/* Prints @error (as a JSON line with --json) and returns the failure status. */
int
strata_cli_fail (GError  *error,
                 gboolean json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "error");
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      line = json_to_string (root, FALSE);
      printf ("%s\n", line);
      fflush (stdout);
    }
  /* Translators: shown before an error message on the command line */
  fprintf (stderr, "%s %s\n", _("strata: error:"), error->message);
  g_error_free (error);
  return 1;
}

int
strata_cli_usage_error (GOptionContext *context,
                        const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "%s %s\n\n%s", _("strata: error:"), message, help);
  return 2;
}

gboolean
strata_cli_parse (GOptionContext *context,
                  int            *argc,
                  char         ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "%s %s\n", _("strata: error:"), error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * strata_cli_download_progress:
 * @user_data: GINT_TO_POINTER (TRUE) for JSON lines on stdout
 *
 * A StrataZooProgress for downloads of pretrained weights: a line on stderr that updates in
 * place, or {"event": "download", …} objects with --json.
 */
void
strata_cli_download_progress (gint64   bytes,
                              gint64   total,
                              double   bytes_per_second,
                              gpointer user_data)
{
  g_autofree char *progress = NULL, *line = NULL;

  if (GPOINTER_TO_INT (user_data))
    {
      printf ("{\"event\": \"download\", \"bytes\": %" G_GINT64_FORMAT ", \"total\": %"
              G_GINT64_FORMAT ", \"bytes_per_second\": %.0f}\n", bytes, total,
              bytes_per_second);
      fflush (stdout);
      return;
    }
  progress = strata_zoo_format_progress (bytes, total, bytes_per_second);
  /* Translators: download progress on the command line: "Weights: 41.2 of 94.8 MB, 5.1 MB/s" */
  line = g_strdup_printf (_("Weights: %s"), progress);
  fprintf (stderr, "\r%s   ", line);
  if (total > 0 && bytes >= total)
    fputc ('\n', stderr);
}

/* --threads N: the job uses at most N cores (0, the option's absence: all it is given). */
gboolean
strata_cli_set_threads (GOptionContext *context,
                        int             threads)
{
  if (threads < 0)
    {
      strata_cli_usage_error (context, _("--threads takes a number of cores, 1 or more"));
      return FALSE;
    }
  strata_threads_set_limit ((guint) threads);
  return TRUE;
}

/* fuzz-run.c: a run folder: settings.json, run.json and metrics.jsonl as opening a run reads
 * them, the settings parsed as training or prediction would, compared with a project's, and
 * the metrics cut back as resuming does
 *
 * Input: the three files, in that order, between FUZZ_SEPARATOR lines.
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-project.h"
#include "strata-run.h"
#include "strata-runs.h"

static const char *const files[] = { "settings.json", "run.json", "metrics.jsonl" };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GPtrArray) parts = fuzz_split (data, size, G_N_ELEMENTS (files));
  g_autofree char *runs_dir = g_build_filename (fuzz_tmpdir (), "runs", NULL);
  g_autoptr(StrataProject) project = strata_project_new ();
  g_autoptr(JsonNode) project_settings = strata_project_dup_settings_json (project);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonNode) changes_json = NULL;
  g_autoptr(StrataDatasetSettings) dataset = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hyperparams = NULL;
  g_autoptr(GError) parse_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = g_build_filename ("runs/fuzz", files[i], NULL);
      gsize length = 0;
      const guint8 *contents = g_bytes_get_data (g_ptr_array_index (parts, i), &length);

      g_free (fuzz_write_file (name, contents, length));
    }

  run = strata_run_open (runs_dir, "fuzz", &error);
  g_assert ((run == NULL) == (error != NULL));
  if (run == NULL)
    return 0;
  g_assert (strata_run_get_info (run) != NULL);

  records = strata_run_read_metrics (run, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    g_assert (JSON_NODE_HOLDS_OBJECT (g_ptr_array_index (records, i)));

  if (!strata_settings_parse (strata_run_get_settings (run), &dataset, &graph, &hyperparams,
                              &parse_error))
    g_assert (parse_error != NULL);

  changes = strata_settings_diff (project_settings, strata_run_get_settings (run));
  changes_json = strata_settings_diff_to_json (changes);

  if (!strata_run_truncate_metrics (run, 1, &error))
    g_error ("Could not cut the metrics back: %s", error->message);
  return 0;
}

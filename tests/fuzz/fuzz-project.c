/* fuzz-project.c: a .strata project file: the JSON, the dataset, model and hyperparameter
 * sections, the graph's analysis, and a save that must load again
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-project.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProject) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GError) validate_error = NULL;
  StrataGraph *graph;
  gint64 trainable, frozen;
  gsize length = 0;

  fuzz_init ();
  project = strata_project_load_from_data ((const char *) data, size, "/fuzz/project.strata",
                                           &error);
  g_assert ((project == NULL) == (error != NULL));
  if (project == NULL)
    return 0;

  graph = strata_project_get_graph (project);
  if (!strata_graph_validate (graph, &validate_error))
    g_assert (validate_error != NULL);
  strata_graph_get_total_params (graph, &trainable, &frozen);
  summary = strata_graph_dup_summary (graph);

  /* what Strata saves of a project it opened, it opens again */
  saved = strata_project_to_data (project, &length);
  again = strata_project_load_from_data (saved, length, "/fuzz/project.strata", &error);
  if (again == NULL)
    g_error ("A loaded project does not load after saving: %s\n%s", error->message, saved);
  return 0;
}

/* strata-test-project.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata-test-project.h"
#include "strata-trainer.h"

/**
 * test_write_small_project:
 *
 * The Fashion-MNIST example with a network small enough to train in seconds: two 4-filter
 * stride-2 convolutions and a 16-unit Dense layer.
 *
 * Returns: the project file's path
 */
char *
test_write_small_project (const char *dir,
                          const char *name)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  StrataGraph *graph = strata_project_get_graph (project);
  g_autoptr(GError) error = NULL;
  const gint32 stride2[] = { 2, 2 };
  g_autofree char *file = g_strconcat (name, ".strata", NULL);
  char *path = g_build_filename (dir, file, NULL);

  g_assert_nonnull (project);
  for (guint i = 0; i < 2; i++)
    {
      const char *id = i ? "conv2d_1" : "conv2d";
      g_assert_true (strata_graph_set_param (graph, id, "filters", g_variant_new_int32 (4),
                                             &error));
      g_assert_true (strata_graph_set_param (graph, id, "strides",
                                             g_variant_new_fixed_array (G_VARIANT_TYPE_INT32,
                                                                        stride2, 2, 4), &error));
    }
  g_assert_true (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (16),
                                         &error));
  g_assert_true (strata_graph_validate (graph, &error));
  g_object_set (strata_project_get_hyperparams (project), "epochs", 1, "batch-size", 64, NULL);
  g_assert_true (strata_project_save_as (project, path, &error));
  g_assert_no_error (error);
  return path;
}

/* Trains a new run for @max_batches batches (it stops, resumable, with a last checkpoint). */
void
test_train_run (const char *project_path,
                const char *run,
                guint64     max_batches)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { .run_name = run, .max_batches = max_batches };

  g_assert_nonnull (project);
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  /* the trainer lists the new run; saving is the caller's, as the CLI does */
  g_assert_true (strata_project_save (project, &error));
  g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/**
 * test_python:
 *
 * Returns: (nullable): Debian's python3 when it has numpy, torch and h5py, else %NULL
 */
char *
test_python (void)
{
  const char *argv[] = { "/usr/bin/python3", "-c", "import numpy, torch, h5py", NULL };
  int status = -1;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_strdup (argv[0]);
}

/* Runs a command; returns its exit status, stdout and stderr merged into @output. */
int
test_run_python (const char *const  *argv,
                 char              **output)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  if (g_test_verbose () || !g_subprocess_get_successful (process))
    g_test_message ("%s: %s", argv[1], out);
  if (output)
    *output = g_steal_pointer (&out);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* A file of the source tree, e.g. "engine/io/export/test.py". */
char *
test_source_path (const char *relative)
{
  const char *tests = g_getenv ("STRATA_TEST_SRCDIR");

  g_assert_nonnull (tests);
  return g_build_filename (tests, "..", relative, NULL);
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

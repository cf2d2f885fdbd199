/* test-project.c: the project file: round trip, atomic save, and a clear message for each
 * kind of bad file
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata-project.h"
#include "strata-remove-tree.h"

static char *tmpdir;

static void
test_example_roundtrip (void)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "example.strata", NULL);
  g_autofree char *a = NULL, *b = NULL, *runs_dir = NULL, *name = NULL;

  project = strata_project_new_example ("fashion-mnist", &error);
  g_assert_no_error (error);
  g_assert_true (strata_graph_validate (strata_project_get_graph (project), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_hyperparams_get_optimizer (strata_project_get_hyperparams (project)),
                   ==, "adam");
  g_assert_cmpuint (strata_hyperparams_get_batch_size (strata_project_get_hyperparams (project)),
                    ==, 64);

  g_assert_true (strata_project_save_as (project, path, &error));
  g_assert_no_error (error);
  g_assert_false (strata_project_get_modified (project));
  strata_project_add_run (project, "run-1");
  g_assert_true (strata_project_get_modified (project));
  g_assert_true (strata_project_save (project, &error));

  loaded = strata_project_load (path, &error);
  g_assert_no_error (error);
  a = strata_project_to_data (project, NULL);
  b = strata_project_to_data (loaded, NULL);
  g_assert_cmpstr (a, ==, b);
  g_assert_false (strata_project_get_modified (loaded));

  name = strata_project_dup_name (loaded);
  g_assert_cmpstr (name, ==, "example");
  runs_dir = strata_project_dup_runs_dir (loaded);
  g_assert_true (g_str_has_suffix (runs_dir, "/example.runs"));
  {
    g_autofree char *next = strata_project_dup_new_run_name (loaded);
    g_assert_cmpstr (next, ==, "run-2");
  }

  /* Editing the model or a hyperparameter marks the project modified. */
  g_object_set (strata_project_get_hyperparams (loaded), "learning-rate", 0.01, NULL);
  g_assert_true (strata_project_get_modified (loaded));
}

static void
test_hyperparams_optimizer_defaults (void)
{
  g_autoptr(StrataHyperparams) hp = strata_hyperparams_new ();
  double lr, rho;

  strata_hyperparams_set_optimizer (hp, "sgd");
  g_object_get (hp, "learning-rate", &lr, NULL);
  g_assert_cmpfloat (lr, ==, 0.01);
  strata_hyperparams_set_optimizer (hp, "adadelta");
  g_object_get (hp, "rho", &rho, NULL);
  g_assert_cmpfloat (rho, ==, 0.95);
}

/* Each kind of damage gets its own message, and loading never crashes. */
static void
test_bad_files (void)
{
  g_autoptr(StrataProject) example = strata_project_new_example ("fashion-mnist", NULL);
  g_autofree char *good = strata_project_to_data (example, NULL);
  g_autofree char *path = g_build_filename (tmpdir, "bad.strata", NULL);
  g_autofree char *no_model = NULL, *newer = NULL, *bad_type = NULL, *bad_hp = NULL;
  g_autofree char *bad_range = NULL, *unknown_key = NULL, *bad_optimizer = NULL;
  g_autofree char *bad_runs = NULL;
  GRegex *re;

  re = g_regex_new ("\"model\"", 0, 0, NULL);
  no_model = g_regex_replace_literal (re, good, -1, 0, "\"modell\"", 0, NULL);
  g_regex_unref (re);
  re = g_regex_new ("\"format_version\" : 1", 0, 0, NULL);
  newer = g_regex_replace_literal (re, good, -1, 0, "\"format_version\" : 7", 0, NULL);
  g_regex_unref (re);
  re = g_regex_new ("\"MaxPooling2D\"", 0, 0, NULL);
  bad_type = g_regex_replace_literal (re, good, -1, 0, "\"MaxPooling3D\"", 0, NULL);
  g_regex_unref (re);
  re = g_regex_new ("\"batch_size\" : 64", 0, 0, NULL);
  bad_hp = g_regex_replace_literal (re, good, -1, 0, "\"batch_size\" : \"64\"", 0, NULL);
  bad_range = g_regex_replace_literal (re, good, -1, 0, "\"batch_size\" : -3", 0, NULL);
  unknown_key = g_regex_replace_literal (re, good, -1, 0, "\"batch_size\" : 64, \"turbo\" : 1",
                                         0, NULL);
  g_regex_unref (re);
  re = g_regex_new ("\"optimizer\" : \"adam\"", 0, 0, NULL);
  bad_optimizer = g_regex_replace_literal (re, good, -1, 0, "\"optimizer\" : \"lion\"", 0, NULL);
  g_regex_unref (re);
  re = g_regex_new ("\"runs\" : \\[\\]", 0, 0, NULL);
  bad_runs = g_regex_replace_literal (re, good, -1, 0, "\"runs\" : [1]", 0, NULL);
  g_regex_unref (re);

  {
    const struct { const char *data; int code; const char *expect; } cases[] = {
      { "", STRATA_PROJECT_ERROR_MALFORMED, "" },
      { "{\"format_version\": 1", STRATA_PROJECT_ERROR_MALFORMED, "" },
      { "[]", STRATA_PROJECT_ERROR_MALFORMED, "not a JSON object" },
      { "{}", STRATA_PROJECT_ERROR_MALFORMED, "format_version" },
      { newer, STRATA_PROJECT_ERROR_TOO_NEW, "newer version" },
      { no_model, STRATA_PROJECT_ERROR_MALFORMED, "“model” section is missing" },
      { bad_type, STRATA_PROJECT_ERROR_MALFORMED, "MaxPooling3D" },
      { bad_hp, STRATA_PROJECT_ERROR_MALFORMED, "batch_size" },
      { bad_range, STRATA_PROJECT_ERROR_MALFORMED, "out of range" },
      { unknown_key, STRATA_PROJECT_ERROR_MALFORMED, "turbo" },
      { bad_optimizer, STRATA_PROJECT_ERROR_MALFORMED, "lion" },
      { bad_runs, STRATA_PROJECT_ERROR_MALFORMED, "runs" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(StrataProject) project = NULL;

        g_assert_nonnull (cases[i].data);
        g_assert_true (g_file_set_contents (path, cases[i].data, -1, NULL));
        project = strata_project_load (path, &error);
        g_assert_null (project);
        g_assert_error (error, STRATA_PROJECT_ERROR, cases[i].code);
        if (strstr (error->message, cases[i].expect) == NULL)
          g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].expect);
      }
  }

  {
    g_autoptr(GError) error = NULL;
    g_assert_null (strata_project_load ("/nonexistent/x.strata", &error));
    g_assert_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_test_add_func ("/project/example-roundtrip", test_example_roundtrip);
  g_test_add_func ("/project/optimizer-defaults", test_hyperparams_optimizer_defaults);
  g_test_add_func ("/project/bad-files", test_bad_files);
  ret = g_test_run ();
  strata_remove_tree (tmpdir, NULL);
  return ret;
}

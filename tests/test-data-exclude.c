/* test-data-exclude.c: images the settings exclude are in no split, round-trip in the project,
 * and a run records every image it skipped, with the reason
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "strata-dataset-inspect.h"
#include "strata-project.h"
#include "strata-run.h"
#include "strata-test-images.h"
#include "strata-trainer.h"

static char *tmpdir;
static char *data_dir;

/* Two classes of six patterns each and, in "dog", a JPEG cut off after its first bytes. */
static void
write_folder (void)
{
  g_autoptr(GdkPixbuf) whole = test_pixbuf_pattern (16, 16, 99);
  g_autofree char *jpeg = g_build_filename (tmpdir, "whole.jpg", NULL);
  g_autofree char *broken = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  data_dir = g_build_filename (tmpdir, "data", NULL);
  for (guint c = 0; c < 2; c++)
    {
      const char *class_name = c ? "dog" : "cat";
      g_autofree char *dir = g_build_filename (data_dir, class_name, NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      for (guint i = 0; i < 6; i++)
        {
          g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (16, 16, c * 100 + i);
          g_autofree char *file = g_strdup_printf ("%u.png", i);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          test_save_pixbuf (pixbuf, path, "png");
        }
    }
  test_save_pixbuf (whole, jpeg, "jpeg");
  g_assert_true (g_file_get_contents (jpeg, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 200);
  broken = g_build_filename (data_dir, "dog", "broken.jpg", NULL);
  g_assert_true (g_file_set_contents (broken, contents, 200, NULL));
}

static guint
n_images (StrataDataset *dataset)
{
  guint n = 0;

  for (guint s = 0; s < STRATA_N_SPLITS; s++)
    n += strata_dataset_get_n_items (dataset, s);
  return n;
}

/* The report names the truncated file; excluding that name takes it out of every split and
 * out of the next report, and the list survives the project file. */
static void
test_exclude (void)
{
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDatasetSettings) copy = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDatasetReport) report = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) exclude = NULL;
  const StrataUnreadableImage *bad;
  guint before;

  settings = strata_dataset_settings_new_for_path (data_dir, &error);
  g_assert_no_error (error);
  dataset = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_no_error (error);
  before = n_images (dataset);
  g_assert_cmpuint (before, ==, 13);
  report = strata_dataset_inspect (dataset, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->unreadable->len, ==, 1);
  bad = g_ptr_array_index (report->unreadable, 0);
  g_assert_nonnull (strstr (bad->name, "broken.jpg"));

  {
    const char *names[] = { bad->name, NULL };
    g_object_set (settings, "exclude", names, NULL);
  }
  json = strata_dataset_settings_to_json (settings);
  copy = strata_dataset_settings_new_from_json (json, &error);
  g_assert_no_error (error);
  g_object_get (copy, "exclude", &exclude, NULL);
  g_assert_cmpuint (g_strv_length (exclude), ==, 1);
  g_assert_cmpstr (exclude[0], ==, bad->name);

  g_clear_object (&dataset);
  g_clear_pointer (&report, strata_dataset_report_free);
  dataset = strata_dataset_open (copy, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_images (dataset), ==, before - 1);
  report = strata_dataset_inspect (dataset, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->unreadable->len, ==, 0);
  for (guint s = 0; s < STRATA_N_SPLITS; s++)
    g_assert_cmpuint (report->n_unreadable[s], ==, 0);
}

typedef struct
{
  guint n_finished;
  guint n_skipped;
} Finished;

static void
on_event (const StrataTrainEvent *event,
          gpointer                user_data)
{
  Finished *finished = user_data;

  if (event->type == STRATA_TRAIN_EVENT_FINISHED)
    {
      finished->n_finished++;
      finished->n_skipped = event->n_skipped;
    }
}

/* One epoch on the folder: run.json lists the truncated image with its reason, and the
 * summary event counts it; excluded, it is no longer skipped. */
static void
train_once (gboolean     exclude_broken,
            const char  *run_name,
            guint       *n_skipped,
            char       **first)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { .run_name = run_name };
  Finished finished = { 0 };
  JsonObject *info;
  JsonArray *skipped;

  project = strata_project_new_for_dataset (data_dir, tmpdir, &error);
  g_assert_no_error (error);
  g_object_set (strata_project_get_hyperparams (project), "epochs", 1, "batch-size", 4, NULL);
  if (exclude_broken)
    {
      const char *names[] = { "dog/broken.jpg", NULL };
      g_object_set (strata_project_get_dataset (project), "exclude", names, NULL);
    }
  {
    g_autofree char *path = g_build_filename (tmpdir, "folder.strata", NULL);
    g_assert_true (strata_project_save_as (project, path, &error));
    g_assert_no_error (error);
  }
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, on_event, &finished, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (finished.n_finished, ==, 1);

  info = strata_run_get_info (strata_trainer_get_run (trainer));
  g_assert_true (json_object_has_member (info, "skipped"));
  skipped = json_object_get_array_member (info, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, finished.n_skipped);
  *n_skipped = finished.n_skipped;
  *first = finished.n_skipped ? g_strdup (json_array_get_string_element (skipped, 0)) : NULL;

  /* and it is on disk, for the Results page of a later session */
  {
    g_autofree char *runs = strata_project_dup_runs_dir (project);
    g_autofree char *path = g_build_filename (runs, run_name, "run.json", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"skipped\""));
    if (finished.n_skipped)
      g_assert_nonnull (strstr (text, "broken.jpg"));
  }
}

static void
test_skipped_recorded (void)
{
  g_autofree char *first = NULL;
  g_autofree char *none = NULL;
  guint n = 0;

  train_once (FALSE, "with-broken", &n, &first);
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (strstr (first, "broken.jpg"));

  train_once (TRUE, "excluded", &n, &none);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (none);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_make_tmp_dir ();
  write_folder ();
  g_test_add_func ("/data-exclude/exclude", test_exclude);
  g_test_add_func ("/data-exclude/skipped-recorded", test_skipped_recorded);
  status = g_test_run ();
  test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (data_dir);
  return status;
}

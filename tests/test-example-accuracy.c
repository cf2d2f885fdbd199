/* test-example-accuracy.c: the Fashion-MNIST example reaches 90 % test accuracy with its
 * default settings, trained on all of the data (the slow suite)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "strata-evaluate.h"
#include "strata-trainer.h"

static void
print_epoch (const StrataTrainEvent *event,
             gpointer                user_data)
{
  if (event->type == STRATA_TRAIN_EVENT_EPOCH)
    g_test_message ("epoch %d: loss %.4f acc %.4f val_loss %.4f val_acc %.4f, %.0f img/s",
                    event->epoch, event->loss, event->accuracy, event->val_loss,
                    event->val_accuracy, event->images_per_second);
}

static void
test_example_reaches_90 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-example-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fashion-mnist.strata", NULL);
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { 0 };
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", dir);

  g_assert_true (strata_project_save_as (project, path, &error));
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, print_epoch, NULL, &error));
  g_assert_no_error (error);

  eval = strata_evaluate (project, strata_run_get_name (strata_trainer_get_run (trainer)),
                          STRATA_SPLIT_TEST, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("test accuracy %.4f, loss %.4f", eval->accuracy, eval->loss);
  g_assert_cmpfloat (eval->accuracy, >=, 0.90);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/example/reaches-90-percent", test_example_reaches_90);
  return g_test_run ();
}

/* test-early-stopping.c: Keras' EarlyStopping logic, best-epoch reports and resumable state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-early-stopping.h"

static StrataEarlyStopping *
make (const char *monitor,
      int         patience,
      double      min_delta)
{
  g_autoptr(GError) error = NULL;
  StrataEarlyStoppingConfig config;
  StrataEarlyStopping *stopping;

  strata_early_stopping_config_init (&config, monitor);
  config.patience = patience;
  config.min_delta = min_delta;
  stopping = strata_early_stopping_new (&config, &error);
  g_assert_no_error (error);

  return stopping;
}

static void
test_mode (void)
{
  StrataEarlyStoppingConfig config;

  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_AUTO, "val_loss"), ==,
                   STRATA_MONITOR_MIN);
  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_AUTO, "loss"), ==,
                   STRATA_MONITOR_MIN);
  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_AUTO, "val_accuracy"), ==,
                   STRATA_MONITOR_MAX);
  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_AUTO, "acc"), ==,
                   STRATA_MONITOR_MAX);
  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_AUTO, "val_auc"), ==,
                   STRATA_MONITOR_MAX);
  g_assert_cmpint (strata_monitor_mode_resolve (STRATA_MONITOR_MAX, "val_loss"), ==,
                   STRATA_MONITOR_MAX);

  /* Keras' defaults */
  strata_early_stopping_config_init (&config, "val_loss");
  g_assert_cmpint (config.mode, ==, STRATA_MONITOR_AUTO);
  g_assert_cmpint (config.patience, ==, 0);
  g_assert_cmpfloat (config.min_delta, ==, 0.0);
  g_assert_false (config.has_baseline);
  g_assert_cmpint (config.start_from_epoch, ==, 0);
}

/*
 * Keras' EarlyStopping.on_epoch_end (callbacks.py, Keras 2.13), patience 2, min_delta 0.1
 * on a loss: the wait grows every epoch, an improvement (value + 0.1 < best) resets it and
 * makes a new best, and the run stops when the wait reaches patience.
 */
static void
test_keras_trace (void)
{
  g_autoptr(StrataEarlyStopping) stopping = make ("val_loss", 2, 0.1);
  static const struct {
    double loss;
    StrataEarlyStoppingResult result;
    int wait;
  } trace[] = {
    { 1.0, STRATA_EARLY_STOPPING_NEW_BEST, 0 },
    { 0.95, STRATA_EARLY_STOPPING_CONTINUE, 1 },   /* better by less than min_delta */
    { 0.85, STRATA_EARLY_STOPPING_NEW_BEST, 0 },
    { 0.8, STRATA_EARLY_STOPPING_CONTINUE, 1 },
    { 0.84, STRATA_EARLY_STOPPING_STOP, 2 },
  };

  g_assert_cmpint (strata_early_stopping_get_mode (stopping), ==, STRATA_MONITOR_MIN);
  g_assert_false (strata_early_stopping_has_best (stopping));
  g_assert_true (isnan (strata_early_stopping_get_best (stopping)));

  for (guint e = 0; e < G_N_ELEMENTS (trace); e++)
    {
      g_assert_cmpint (strata_early_stopping_epoch_end (stopping, (int) e, trace[e].loss), ==,
                       trace[e].result);
      g_assert_cmpint (strata_early_stopping_get_wait (stopping), ==, trace[e].wait);
    }

  g_assert_true (strata_early_stopping_get_stopped (stopping));
  g_assert_cmpint (strata_early_stopping_get_stopped_epoch (stopping), ==, 4);
  g_assert_cmpfloat (strata_early_stopping_get_best (stopping), ==, 0.85);
  g_assert_cmpint (strata_early_stopping_get_best_epoch (stopping), ==, 2);

  /* Rearmed for a resumed run: the best stays, the wait starts over. */
  strata_early_stopping_rearm (stopping);
  g_assert_false (strata_early_stopping_get_stopped (stopping));
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 5, 0.9), ==,
                   STRATA_EARLY_STOPPING_CONTINUE);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 6, 0.7), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  g_assert_cmpint (strata_early_stopping_get_best_epoch (stopping), ==, 6);

  /* An epoch end replayed changes nothing. */
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 6, 0.1), ==,
                   STRATA_EARLY_STOPPING_CONTINUE);
  g_assert_cmpfloat (strata_early_stopping_get_best (stopping), ==, 0.7);
}

static void
test_accuracy_and_defaults (void)
{
  g_autoptr(StrataEarlyStopping) stopping = make ("val_accuracy", 0, 0.0);

  /* Keras' default patience 0: the first epoch without improvement stops, but never epoch 0 */
  g_assert_cmpint (strata_early_stopping_get_mode (stopping), ==, STRATA_MONITOR_MAX);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 0, 0.5), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 1, 0.6), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  /* Equal is not better */
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 2, 0.6), ==,
                   STRATA_EARLY_STOPPING_STOP);
}

static void
test_baseline_and_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataEarlyStopping) stopping = NULL;
  g_autoptr(StrataEarlyStopping) late = NULL;
  StrataEarlyStoppingConfig config;

  /* With a baseline, a new best that does not beat it leaves the wait growing; Keras returns
   * right after a new best, so the stop comes at the next epoch that is no best. */
  strata_early_stopping_config_init (&config, "val_accuracy");
  config.patience = 1;
  config.has_baseline = TRUE;
  config.baseline = 0.9;
  stopping = strata_early_stopping_new (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 0, 0.5), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 1, 0.6), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  g_assert_cmpint (strata_early_stopping_get_wait (stopping), ==, 2);
  g_assert_cmpint (strata_early_stopping_epoch_end (stopping, 2, 0.55), ==,
                   STRATA_EARLY_STOPPING_STOP);

  /* start_from_epoch: the first epochs are not looked at */
  strata_early_stopping_config_init (&config, "val_loss");
  config.patience = 1;
  config.start_from_epoch = 2;
  late = strata_early_stopping_new (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_early_stopping_epoch_end (late, 0, 0.1), ==,
                   STRATA_EARLY_STOPPING_CONTINUE);
  g_assert_cmpint (strata_early_stopping_epoch_end (late, 1, 5.0), ==,
                   STRATA_EARLY_STOPPING_CONTINUE);
  g_assert_cmpint (strata_early_stopping_epoch_end (late, 2, 1.0), ==,
                   STRATA_EARLY_STOPPING_NEW_BEST);
  g_assert_cmpint (strata_early_stopping_get_best_epoch (late), ==, 2);
}

static void
test_track_only (void)
{
  g_autoptr(StrataEarlyStopping) tracker = make ("val_loss", -1, 0.0);
  static const double loss[] = { 1.0, 2.0, 3.0, NAN, INFINITY, 0.5, 4.0, 4.0, 4.0 };
  int n_best = 0;

  for (guint e = 0; e < G_N_ELEMENTS (loss); e++)
    {
      StrataEarlyStoppingResult result = strata_early_stopping_epoch_end (tracker, (int) e,
                                                                          loss[e]);

      g_assert_false (result & STRATA_EARLY_STOPPING_STOP);
      if (result & STRATA_EARLY_STOPPING_NEW_BEST)
        n_best++;
    }

  /* Only 1.0 and 0.5 were new bests; NaN and ∞ never are. */
  g_assert_cmpint (n_best, ==, 2);
  g_assert_cmpint (strata_early_stopping_get_best_epoch (tracker), ==, 5);
  g_assert_false (strata_early_stopping_get_stopped (tracker));
}

static char *
state_text (StrataEarlyStopping *stopping)
{
  g_autoptr(JsonNode) state = strata_early_stopping_save_state (stopping);

  return json_to_string (state, FALSE);
}

static void
test_state (void)
{
  g_autoptr(StrataEarlyStopping) original = make ("val_loss", 3, 0.001);
  g_autoptr(StrataEarlyStopping) resumed = make ("val_loss", 3, 0.001);
  g_autoptr(StrataEarlyStopping) other = make ("val_accuracy", 3, 0.001);
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GError) error = NULL;
  static const double loss[] = { 0.9, 0.7, 0.71, 0.69, 0.695, 0.7, 0.72, 0.73 };

  for (int e = 0; e < 4; e++)
    strata_early_stopping_epoch_end (original, e, loss[e] / 3.0);

  {
    g_autofree char *text = state_text (original);

    saved = json_from_string (text, &error);
    g_assert_no_error (error);
  }
  g_assert_true (strata_early_stopping_load_state (resumed, saved, &error));
  g_assert_no_error (error);

  for (int e = 4; e < (int) G_N_ELEMENTS (loss); e++)
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_assert_cmpint (strata_early_stopping_epoch_end (original, e, loss[e] / 3.0), ==,
                       strata_early_stopping_epoch_end (resumed, e, loss[e] / 3.0));
      a = state_text (original);
      b = state_text (resumed);
      g_assert_cmpstr (a, ==, b);
    }
  g_assert_true (strata_early_stopping_get_stopped (resumed));
  g_assert_cmpfloat (strata_early_stopping_get_best (resumed), ==, 0.69 / 3.0);

  /* The state of another metric does not load, and nothing changes. */
  {
    g_autofree char *before = state_text (other);
    g_autofree char *after = NULL;

    g_assert_false (strata_early_stopping_load_state (other, saved, &error));
    g_assert_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_STATE);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    after = state_text (other);
    g_assert_cmpstr (before, ==, after);
  }
}

static void
expect_bad_state (StrataEarlyStopping *stopping,
                  const char          *json)
{
  g_autofree char *before = state_text (stopping);
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_early_stopping_load_state (stopping, node, &error));
  g_assert_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_STATE);
  g_test_message ("%s", error->message);
  after = state_text (stopping);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_state (void)
{
  g_autoptr(StrataEarlyStopping) stopping = make ("val_loss", 3, 0.0);
  g_autoptr(GError) error = NULL;
  StrataEarlyStoppingConfig config;

  strata_early_stopping_epoch_end (stopping, 0, 1.0);

  expect_bad_state (stopping, "\"val_loss\"");
  expect_bad_state (stopping, "{\"monitor\": \"val_loss\"}");
  expect_bad_state (stopping, "{\"monitor\": \"val_loss\", \"mode\": \"min\", \"version\": 9}");
  expect_bad_state (stopping, "{\"monitor\": \"val_loss\", \"mode\": \"max\", \"version\": 1}");
  expect_bad_state (stopping, "{\"monitor\": \"val_loss\", \"mode\": \"min\", \"version\": 1, "
                    "\"best\": 0.5, \"best_epoch\": -1, \"wait\": 0, \"stopped\": false, "
                    "\"stopped_epoch\": -1, \"last_epoch\": 2}");
  expect_bad_state (stopping, "{\"monitor\": \"val_loss\", \"mode\": \"min\", \"version\": 1, "
                    "\"best\": 0.5, \"best_epoch\": 1, \"wait\": 0, \"stopped\": 0, "
                    "\"stopped_epoch\": -1, \"last_epoch\": 2}");

  /* And the settings are checked. */
  strata_early_stopping_config_init (&config, "");
  g_assert_null (strata_early_stopping_new (&config, &error));
  g_assert_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_INVALID);
  g_clear_error (&error);

  strata_early_stopping_config_init (&config, "val_loss");
  config.min_delta = NAN;
  g_assert_null (strata_early_stopping_new (&config, &error));
  g_assert_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/early-stopping/mode", test_mode);
  g_test_add_func ("/early-stopping/keras-trace", test_keras_trace);
  g_test_add_func ("/early-stopping/accuracy-defaults", test_accuracy_and_defaults);
  g_test_add_func ("/early-stopping/baseline-start", test_baseline_and_start);
  g_test_add_func ("/early-stopping/track-only", test_track_only);
  g_test_add_func ("/early-stopping/state", test_state);
  g_test_add_func ("/early-stopping/bad-state", test_bad_state);

  return g_test_run ();
}

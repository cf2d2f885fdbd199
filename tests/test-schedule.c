/* test-schedule.c: learning-rate schedules against closed forms, Keras' plateau logic, state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-schedule.h"
#include "strata-test-util.h"

/* The curves are double-precision formulas: compare to 1e-12 relative. */
#define assert_lr(actual, expected) \
  g_assert_cmpfloat_with_epsilon ((actual), (expected), 1e-12 * fabs (expected) + 1e-300)

static StrataSchedule *
make (const char *name,
      double      base_lr,
      void      (*tweak) (StrataScheduleConfig *config))
{
  g_autoptr(GError) error = NULL;
  StrataScheduleConfig config;
  StrataSchedule *schedule;

  strata_schedule_config_init (&config, name, base_lr);
  if (tweak != NULL)
    tweak (&config);
  schedule = strata_schedule_new (&config, &error);
  g_assert_no_error (error);

  return schedule;
}

static void
test_defaults (void)
{
  const char *const *names = strata_schedule_names ();
  StrataScheduleConfig config;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 6);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(StrataSchedule) schedule = make (names[i], 0.01, NULL);

      /* Every schedule starts at a sensible rate (one-cycle at its floor, peak/25). */
      g_assert_cmpfloat (strata_schedule_get_lr (schedule, 0, 100, 10), >, 0.0);
      g_assert_cmpfloat (strata_schedule_get_lr (schedule, 0, 100, 10), <=, 0.01);
    }

  /* Keras' ReduceLROnPlateau defaults */
  strata_schedule_config_init (&config, "reduce_on_plateau", 0.01);
  g_assert_cmpfloat (config.factor, ==, 0.1);
  g_assert_cmpint (config.patience, ==, 10);
  g_assert_cmpfloat (config.min_delta, ==, 1e-4);
  g_assert_cmpint (config.cooldown, ==, 0);
  g_assert_cmpfloat (config.min_lr, ==, 0.0);
  g_assert_false (config.monitor_higher_is_better);

  strata_schedule_config_init (&config, "exponential", 0.01);
  g_assert_cmpfloat (config.factor, ==, 0.95);
}

static void
tweak_step (StrataScheduleConfig *config)
{
  config->factor = 0.5;
  config->step_epochs = 3;
}

static void
test_constant_step_exponential (void)
{
  g_autoptr(StrataSchedule) constant = make ("constant", 0.1, NULL);
  g_autoptr(StrataSchedule) step = make ("step", 0.1, tweak_step);
  g_autoptr(StrataSchedule) exponential = make ("exponential", 0.1, NULL);

  g_assert_cmpfloat (strata_schedule_get_lr (constant, 12345, 10, 3), ==, 0.1);

  /* ×0.5 every 3 epochs of 10 steps */
  assert_lr (strata_schedule_get_lr (step, 0, 10, 100), 0.1);
  assert_lr (strata_schedule_get_lr (step, 29, 10, 100), 0.1);
  assert_lr (strata_schedule_get_lr (step, 30, 10, 100), 0.05);
  assert_lr (strata_schedule_get_lr (step, 59, 10, 100), 0.05);
  assert_lr (strata_schedule_get_lr (step, 60, 10, 100), 0.025);
  assert_lr (strata_schedule_get_lr (step, 95, 10, 100), 0.1 * 0.125);

  /* ×0.95 per epoch of 4 steps, smooth within the epoch */
  assert_lr (strata_schedule_get_lr (exponential, 0, 4, 10), 0.1);
  assert_lr (strata_schedule_get_lr (exponential, 8, 4, 10), 0.1 * 0.95 * 0.95);
  assert_lr (strata_schedule_get_lr (exponential, 2, 4, 10), 0.1 * sqrt (0.95));
  assert_lr (strata_schedule_get_lr (exponential, 5, 4, 10), 0.1 * pow (0.95, 1.25));
}

static void
tweak_cosine (StrataScheduleConfig *config)
{
  config->warmup_epochs = 2;
  config->min_lr = 0.001;
}

static void
tweak_half_epoch_warmup (StrataScheduleConfig *config)
{
  config->warmup_epochs = 0.5;
}

static void
test_cosine (void)
{
  g_autoptr(StrataSchedule) cosine = make ("cosine", 0.1, tweak_cosine);
  g_autoptr(StrataSchedule) plain = make ("cosine", 0.1, NULL);
  g_autoptr(StrataSchedule) half = make ("cosine", 0.1, tweak_half_epoch_warmup);
  const double base = 0.1, min = 0.001;

  /* 5 steps per epoch, 10 epochs: W = 10 warm-up steps, T = 50 */
  assert_lr (strata_schedule_get_lr (cosine, 0, 5, 10), base / 10);
  assert_lr (strata_schedule_get_lr (cosine, 4, 5, 10), base * 5 / 10);
  assert_lr (strata_schedule_get_lr (cosine, 9, 5, 10), base);
  assert_lr (strata_schedule_get_lr (cosine, 10, 5, 10), base);
  /* a quarter, half and all of the way down */
  assert_lr (strata_schedule_get_lr (cosine, 20, 5, 10),
             min + (base - min) * 0.5 * (1 + cos (G_PI / 4)));
  assert_lr (strata_schedule_get_lr (cosine, 30, 5, 10), min + (base - min) / 2);
  assert_lr (strata_schedule_get_lr (cosine, 50, 5, 10), min);
  assert_lr (strata_schedule_get_lr (cosine, 80, 5, 10), min);
  assert_lr (strata_schedule_get_lr (cosine, 49, 5, 10),
             min + (base - min) * 0.5 * (1 + cos (G_PI * 39 / 40)));

  /* More epochs on resume stretch the rest of the curve. */
  assert_lr (strata_schedule_get_lr (cosine, 50, 5, 18), min + (base - min) / 2);

  /* Without warm-up it starts at the base, and ends at 0 */
  assert_lr (strata_schedule_get_lr (plain, 0, 5, 10), base);
  assert_lr (strata_schedule_get_lr (plain, 25, 5, 10), base / 2);
  g_assert_cmpfloat (strata_schedule_get_lr (plain, 50, 5, 10), ==, 0.0);

  /* Half an epoch of 5 steps rounds to 3 warm-up steps */
  assert_lr (strata_schedule_get_lr (half, 0, 5, 10), base / 3);
  assert_lr (strata_schedule_get_lr (half, 2, 5, 10), base);
  assert_lr (strata_schedule_get_lr (half, 3, 5, 10), base);
}

static void
tweak_max_lr (StrataScheduleConfig *config)
{
  config->max_lr = 0.5;
}

static void
tweak_floor (StrataScheduleConfig *config)
{
  config->min_lr = 1e-5;
}

static void
test_one_cycle (void)
{
  g_autoptr(StrataSchedule) cycle = make ("one_cycle", 0.01, NULL);
  g_autoptr(StrataSchedule) explicit_peak = make ("one_cycle", 0.01, tweak_max_lr);
  g_autoptr(StrataSchedule) floored = make ("one_cycle", 0.01, tweak_floor);
  const double peak = 0.01, start = peak / 25, end = peak / 2.5e5;
  double previous = 0.0;

  /* 10 epochs of 10 steps: rises over steps 0…29 (0.3 × 100 − 1), falls over 29…99. */
  assert_lr (strata_schedule_get_lr (cycle, 0, 10, 10), start);
  assert_lr (strata_schedule_get_lr (cycle, 29, 10, 10), peak);
  assert_lr (strata_schedule_get_lr (cycle, 99, 10, 10), end);
  assert_lr (strata_schedule_get_lr (cycle, 120, 10, 10), end);
  /* the middle of each half-cosine is the mean of its ends */
  assert_lr (strata_schedule_get_lr (cycle, 64, 10, 10), (peak + end) / 2);
  /* 10 epochs of 6 steps: the rise ends at step 17 (0.3 × 60 − 1), its middle is 8.5, and
   * a half-cosine is point-symmetric about its middle */
  assert_lr ((strata_schedule_get_lr (cycle, 8, 6, 10) + strata_schedule_get_lr (cycle, 9, 6, 10))
             / 2, (start + peak) / 2);

  for (gint64 s = 0; s < 100; s++)
    {
      double lr = strata_schedule_get_lr (cycle, s, 10, 10);

      g_assert_cmpfloat (lr, >, 0.0);
      if (s <= 29)
        g_assert_cmpfloat (lr, >, previous);
      else
        g_assert_cmpfloat (lr, <, previous);
      previous = lr;
    }

  assert_lr (strata_schedule_get_lr (explicit_peak, 29, 10, 10), 0.5);
  assert_lr (strata_schedule_get_lr (explicit_peak, 0, 10, 10), 0.5 / 25);
  assert_lr (strata_schedule_get_lr (floored, 99, 10, 10), 1e-5);

  /* Runs too short for a warm-up phase still give finite rates. */
  for (gint64 s = 0; s < 3; s++)
    g_assert_true (isfinite (strata_schedule_get_lr (cycle, s, 1, 3)));
}

/* The same curve as torch.optim.lr_scheduler.OneCycleLR with its defaults. */
static void
test_one_cycle_torch (void)
{
  static const char script[] =
    "import sys\n"
    "try:\n"
    "    import torch\n"
    "except ImportError:\n"
    "    sys.exit(77)\n"
    "T, peak = int(sys.argv[1]), float(sys.argv[2])\n"
    "p = torch.nn.Parameter(torch.zeros(1))\n"
    "opt = torch.optim.SGD([p], lr=peak)\n"
    "sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=peak, total_steps=T,\n"
    "                                            cycle_momentum=False)\n"
    "for i in range(T):\n"
    "    print(repr(opt.param_groups[0]['lr']))\n"
    "    opt.step()\n"
    "    if i + 1 < T:\n"
    "        sched.step()\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, "137", "0.003", NULL };
  g_autoptr(StrataSchedule) cycle = make ("one_cycle", 0.003, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      test_skip_missing ("/usr/bin/python3");
      return;
    }

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    {
      if (g_error_matches (error, G_SPAWN_EXIT_ERROR, 77))
        {
          test_skip_missing ("python3-torch");
          return;
        }
      g_assert_no_error (error);
    }

  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 137);
  for (gint64 s = 0; s < 137; s++)
    assert_lr (strata_schedule_get_lr (cycle, s, 137, 1), g_ascii_strtod (lines[s], NULL));
}

/* Reduce on plateau ---------------------------------------------------------------------------- */

static void
tweak_plateau (StrataScheduleConfig *config)
{
  config->patience = 2;
  config->factor = 0.5;
  config->min_delta = 0.01;
  config->cooldown = 1;
  config->min_lr = 0.02;
}

/*
 * A trace of Keras' ReduceLROnPlateau.on_epoch_end (callbacks.py, Keras 2.13) with
 * patience 2, factor 0.5, min_delta 0.01, cooldown 1, min_lr 0.02 on a loss: the cooldown
 * counter goes down first, an improvement resets the wait, else outside cooldown the wait
 * grows and at patience the rate drops (unless already at min_lr).
 */
static const struct {
  double loss;
  double lr_after;
  int wait_after;
} plateau_trace[] = {
  { 1.0, 0.1, 0 },       /* 0: first value is the best */
  { 0.995, 0.1, 1 },     /* 1: better, but by less than min_delta */
  { 0.999, 0.05, 0 },    /* 2: wait reaches 2: drop, cooldown 1 */
  { 0.999, 0.05, 1 },    /* 3: cooldown ends this epoch (counter 1 → 0), then the wait counts */
  { 0.999, 0.025, 0 },   /* 4: drop again */
  { 0.5, 0.025, 0 },     /* 5: improvement */
  { 0.5, 0.025, 1 },     /* 6 */
  { 0.5, 0.02, 0 },      /* 7: drop to max(0.0125, min_lr) */
  { 0.5, 0.02, 1 },      /* 8 */
  { 0.5, 0.02, 2 },      /* 9: at min_lr: no drop, the wait keeps growing */
  { NAN, 0.02, 3 },      /* 10: NaN never improves */
};

static void
test_plateau_keras_trace (void)
{
  g_autoptr(StrataSchedule) plateau = make ("reduce_on_plateau", 0.1, tweak_plateau);

  for (guint e = 0; e < G_N_ELEMENTS (plateau_trace); e++)
    {
      g_autoptr(JsonNode) state = NULL;

      strata_schedule_epoch_end (plateau, (int) e, plateau_trace[e].loss);
      assert_lr (strata_schedule_get_lr (plateau, 1000 * e, 100, 10), plateau_trace[e].lr_after);
      state = strata_schedule_save_state (plateau);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (state), "wait"), ==,
                       plateau_trace[e].wait_after);
    }

  /* An epoch end seen twice (a replay after resume) changes nothing. */
  strata_schedule_epoch_end (plateau, 10, 0.1);
  assert_lr (strata_schedule_get_lr (plateau, 0, 100, 10), 0.02);
}

static void
tweak_accuracy (StrataScheduleConfig *config)
{
  config->patience = 1;
  config->monitor_higher_is_better = TRUE;
}

static void
test_plateau_accuracy (void)
{
  g_autoptr(StrataSchedule) plateau = make ("reduce_on_plateau", 0.1, tweak_accuracy);
  static const double accuracy[] = { 0.5, 0.6, 0.7, 0.7 };

  for (guint e = 0; e < 3; e++)
    {
      strata_schedule_epoch_end (plateau, (int) e, accuracy[e]);
      assert_lr (strata_schedule_get_lr (plateau, 0, 1, 1), 0.1);
    }
  strata_schedule_epoch_end (plateau, 3, accuracy[3]);
  assert_lr (strata_schedule_get_lr (plateau, 0, 1, 1), 0.01);

  /* Other schedules ignore epoch ends. */
  {
    g_autoptr(StrataSchedule) constant = make ("constant", 0.1, NULL);

    for (int e = 0; e < 30; e++)
      strata_schedule_epoch_end (constant, e, 1.0);
    g_assert_cmpfloat (strata_schedule_get_lr (constant, 0, 1, 1), ==, 0.1);
  }
}

/* State ---------------------------------------------------------------------------------------- */

static JsonNode *
reparse (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *copy = json_from_string (text, &error);

  g_assert_no_error (error);
  return copy;
}

static char *
state_text (StrataSchedule *schedule)
{
  g_autoptr(JsonNode) state = strata_schedule_save_state (schedule);

  return json_to_string (state, FALSE);
}

static void
test_state_round_trip (void)
{
  g_autoptr(StrataSchedule) original = make ("reduce_on_plateau", 0.1, tweak_plateau);
  g_autoptr(StrataSchedule) resumed = make ("reduce_on_plateau", 0.1, tweak_plateau);
  g_autoptr(StrataSchedule) new_base = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) fresh_state = NULL;
  g_autoptr(GError) error = NULL;
  StrataScheduleConfig config;

  /* A fresh plateau saves "no best yet" as null. */
  fresh_state = strata_schedule_save_state (original);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (fresh_state),
                                                                "best")));

  /* Losses that are not round in binary, so an inexact save would show. */
  for (int e = 0; e < 5; e++)
    strata_schedule_epoch_end (original, e, plateau_trace[e].loss / 3.0);

  {
    g_autoptr(JsonNode) state = strata_schedule_save_state (original);

    saved = reparse (state);
  }
  g_assert_true (strata_schedule_load_state (resumed, saved, &error));
  g_assert_no_error (error);

  for (guint e = 5; e < G_N_ELEMENTS (plateau_trace); e++)
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      strata_schedule_epoch_end (original, (int) e, plateau_trace[e].loss / 3.0);
      strata_schedule_epoch_end (resumed, (int) e, plateau_trace[e].loss / 3.0);
      g_assert_cmpfloat (strata_schedule_get_lr (original, 0, 1, 1), ==,
                         strata_schedule_get_lr (resumed, 0, 1, 1));
      a = state_text (original);
      b = state_text (resumed);
      g_assert_cmpstr (a, ==, b);
    }

  /* A resumed run with another base rate: the saved multiplier (×0.25 after two drops)
   * applies to the new base. */
  strata_schedule_config_init (&config, "reduce_on_plateau", 0.4);
  tweak_plateau (&config);
  new_base = strata_schedule_new (&config, &error);
  g_assert_no_error (error);
  g_assert_true (strata_schedule_load_state (new_base, saved, &error));
  g_assert_no_error (error);
  assert_lr (strata_schedule_get_lr (new_base, 0, 1, 1), 0.4 * 0.25);

  /* Stateless schedules save their name and load it back. */
  {
    g_autoptr(StrataSchedule) cosine = make ("cosine", 0.1, NULL);
    g_autoptr(JsonNode) state = strata_schedule_save_state (cosine);

    g_assert_true (strata_schedule_load_state (cosine, state, &error));
    g_assert_no_error (error);
  }
}

static void
expect_bad_state (StrataSchedule *schedule,
                  const char     *json)
{
  g_autofree char *before = state_text (schedule);
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_schedule_load_state (schedule, node, &error));
  g_assert_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_STATE);
  g_test_message ("%s → %s", json, error->message);

  after = state_text (schedule);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_state (void)
{
  g_autoptr(StrataSchedule) plateau = make ("reduce_on_plateau", 0.1, tweak_plateau);
  g_autoptr(GError) error = NULL;

  strata_schedule_epoch_end (plateau, 0, 1.0);

  g_assert_false (strata_schedule_load_state (plateau, NULL, &error));
  g_assert_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_STATE);
  g_clear_error (&error);

  expect_bad_state (plateau, "[1, 2]");
  expect_bad_state (plateau, "{}");
  expect_bad_state (plateau, "{\"schedule\": 3, \"version\": 1}");
  expect_bad_state (plateau, "{\"schedule\": \"cosine\", \"version\": 1}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 2}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 1}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 1, "
                    "\"scale\": 0.5, \"best\": \"low\", \"wait\": 0, \"cooldown_counter\": 0, "
                    "\"last_epoch\": 3}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 1, "
                    "\"scale\": 0.5, \"best\": 0.2, \"wait\": -1, \"cooldown_counter\": 0, "
                    "\"last_epoch\": 3}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 1, "
                    "\"scale\": 0, \"best\": 0.2, \"wait\": 1, \"cooldown_counter\": 0, "
                    "\"last_epoch\": 3}");
  expect_bad_state (plateau, "{\"schedule\": \"reduce_on_plateau\", \"version\": 1, "
                    "\"scale\": 0.5, \"best\": 0.2, \"wait\": 1.5, \"cooldown_counter\": 0, "
                    "\"last_epoch\": 3}");

  /* A well-formed one is accepted. */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"schedule\": \"reduce_on_plateau\", "
                                                 "\"version\": 1, \"scale\": 0.5, "
                                                 "\"best\": 1, \"wait\": 1, "
                                                 "\"cooldown_counter\": 0, \"last_epoch\": 3}",
                                                 NULL);

    g_assert_true (strata_schedule_load_state (plateau, node, &error));
    g_assert_no_error (error);
    assert_lr (strata_schedule_get_lr (plateau, 0, 1, 1), 0.05);
  }
}

static void
expect_bad_config (const char *name,
                   void      (*tweak) (StrataScheduleConfig *config),
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchedule) schedule = NULL;
  StrataScheduleConfig config;

  strata_schedule_config_init (&config, name, 0.01);
  if (tweak != NULL)
    tweak (&config);
  schedule = strata_schedule_new (&config, &error);
  g_assert_null (schedule);
  g_assert_error (error, STRATA_SCHEDULE_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
factor_one (StrataScheduleConfig *config)
{
  config->factor = 1.0;
}

static void
zero_step_epochs (StrataScheduleConfig *config)
{
  config->step_epochs = 0;
}

static void
nan_base (StrataScheduleConfig *config)
{
  config->base_lr = NAN;
}

static void
negative_warmup (StrataScheduleConfig *config)
{
  config->warmup_epochs = -1;
}

static void
test_bad_config (void)
{
  expect_bad_config ("linear", NULL, STRATA_SCHEDULE_ERROR_UNKNOWN);
  expect_bad_config ("reduce_on_plateau", factor_one, STRATA_SCHEDULE_ERROR_INVALID);
  expect_bad_config ("step", zero_step_epochs, STRATA_SCHEDULE_ERROR_INVALID);
  expect_bad_config ("constant", nan_base, STRATA_SCHEDULE_ERROR_INVALID);
  expect_bad_config ("cosine", negative_warmup, STRATA_SCHEDULE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule/defaults", test_defaults);
  g_test_add_func ("/schedule/constant-step-exponential", test_constant_step_exponential);
  g_test_add_func ("/schedule/cosine", test_cosine);
  g_test_add_func ("/schedule/one-cycle", test_one_cycle);
  g_test_add_func ("/schedule/one-cycle-torch", test_one_cycle_torch);
  g_test_add_func ("/schedule/plateau-keras-trace", test_plateau_keras_trace);
  g_test_add_func ("/schedule/plateau-accuracy", test_plateau_accuracy);
  g_test_add_func ("/schedule/state-round-trip", test_state_round_trip);
  g_test_add_func ("/schedule/bad-state", test_bad_state);
  g_test_add_func ("/schedule/bad-config", test_bad_config);

  return g_test_run ();
}

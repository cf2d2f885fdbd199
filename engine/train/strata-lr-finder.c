/* strata-lr-finder.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-lr-finder.h"
#include "strata-optimizer.h"
#include "strata-plan.h"
#include "strata-random.h"
#include "strata-session.h"
#include "strata-threads.h"
#include "strata-trainer.h"

/*
 * Leslie Smith's learning-rate range test, as fastai's lr_find runs it: train from fresh
 * weights with the project's model, data, optimizer and batch size, multiplying the
 * learning rate by the same factor after every step, and watch the loss. It works on a
 * private copy of everything: no run is created and the project is not touched.
 */

#define DEFAULT_START 1e-7
#define DEFAULT_END 10.0
#define DEFAULT_STEPS 100
#define DEFAULT_SMOOTHING 0.98
#define DEFAULT_DIVERGE 4.0

void
strata_lr_finder_result_free (StrataLrFinderResult *self)
{
  if (self == NULL)
    return;
  g_free (self->lr);
  g_free (self->loss);
  g_free (self->smoothed);
  g_free (self->optimizer);
  g_free (self);
}

/**
 * strata_lr_finder_suggest:
 * @lr: (array length=n): learning rates, increasing
 * @smoothed: (array length=n): the smoothed loss at each
 * @min_loss_lr: (out) (optional): the learning rate of the lowest loss
 *
 * The steepest descent of the curve: the point before the lowest loss where the loss falls
 * fastest per log-unit of learning rate (central differences). The first tenth of the
 * points, where the moving average is still settling, is not considered.
 *
 * Returns: the suggested learning rate, or NAN when the loss never falls
 */
double
strata_lr_finder_suggest (const double *lr,
                          const double *smoothed,
                          guint         n,
                          double       *min_loss_lr)
{
  guint lowest = 0, first = MAX (1, n / 10), best = 0;
  double steepest = 0;

  for (guint i = 1; i < n; i++)
    if (smoothed[i] < smoothed[lowest])
      lowest = i;
  if (min_loss_lr)
    *min_loss_lr = n ? lr[lowest] : NAN;
  for (guint i = first; i + 1 < n && i <= lowest; i++)
    {
      double slope = (smoothed[i + 1] - smoothed[i - 1]) / (log (lr[i + 1]) - log (lr[i - 1]));

      if (slope < steepest)
        {
          steepest = slope;
          best = i;
        }
    }
  return steepest < 0 ? lr[best] : NAN;
}

/**
 * strata_lr_find:
 * @project: the project whose current settings to try
 * @options: (nullable): the range and the number of steps
 * @cancellable: (nullable): stops after the current step; what was measured is returned
 *
 * Runs the learning-rate range test on the project's current model, data and
 * hyperparameters. Blocks: call it from a worker thread under a GUI.
 *
 * Returns: (transfer full) (nullable): the curve and the suggestion
 */
StrataLrFinderResult *
strata_lr_find (StrataProject                *project,
                const StrataLrFinderOptions  *options,
                GCancellable                 *cancellable,
                GError                      **error)
{
  static const StrataLrFinderOptions defaults = { 0 };
  g_autoptr(JsonNode) settings = NULL;
  g_autofree char *base_dir = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataOptimizer) optimizer = NULL;
  g_autoptr(StrataLoader) loader = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataLrFinderResult) self = NULL;
  g_autofree gint32 *labels = NULL;
  StrataHyperparams *hp;
  StrataOptimizerConfig optimizer_config;
  StrataLoaderOptions loader_options = { 0 };
  StrataPlanOptions plan_options = { .mode = STRATA_PLAN_TRAIN };
  double start, end, beta, diverge, average = 0, best = INFINITY;
  guint steps, batch_size;
  int epoch = 0;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  if (options == NULL)
    options = &defaults;
  start = options->start_lr > 0 ? options->start_lr : DEFAULT_START;
  end = options->end_lr > 0 ? options->end_lr : DEFAULT_END;
  steps = options->steps >= 2 ? options->steps : DEFAULT_STEPS;
  beta = options->smoothing > 0 && options->smoothing < 1 ? options->smoothing
                                                           : DEFAULT_SMOOTHING;
  diverge = options->diverge_factor > 1 ? options->diverge_factor : DEFAULT_DIVERGE;
  if (!(end > start))
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("The learning rate range must grow: %g to %g"), start, end);
      return NULL;
    }

  settings = strata_project_dup_settings_json (project);
  base_dir = strata_project_dup_base_dir (project);
  session = strata_session_new (settings, base_dir, error);
  if (session == NULL)
    return NULL;
  hp = strata_session_get_hyperparams (session);
  batch_size = strata_hyperparams_get_batch_size (hp);
  strata_model_init_weights (strata_session_get_model (session), strata_hyperparams_get_seed (hp));
  strata_hyperparams_get_optimizer_config (hp, &optimizer_config);
  /* the range test sweeps the rate itself: no time decay on top */
  optimizer_config.decay = 0;
  optimizer = strata_optimizer_new (&optimizer_config, strata_session_get_model (session), error);
  if (optimizer == NULL)
    return NULL;

  loader_options.batch = batch_size;
  loader_options.shuffle = TRUE;
  loader_options.augment = TRUE;
  loader_options.seed = strata_hyperparams_get_seed (hp);
  loader = strata_loader_new (strata_session_get_dataset (session), STRATA_SPLIT_TRAIN,
                              &loader_options, error);
  if (loader == NULL)
    return NULL;
  plan_options.batch = batch_size;
  /* the cores available now, no more than the user allows (see strata-threads.c) */
  strata_threads_use (strata_threads_get_default ());
  plan = strata_plan_new (strata_session_get_model (session), &plan_options, error);
  if (plan == NULL)
    return NULL;

  self = g_new0 (StrataLrFinderResult, 1);
  self->lr = g_new0 (double, steps);
  self->loss = g_new0 (double, steps);
  self->smoothed = g_new0 (double, steps);
  self->optimizer = g_strdup (optimizer_config.name);
  self->batch_size = batch_size;
  labels = g_new0 (gint32, batch_size);

  strata_loader_start_epoch (loader, epoch, 0);
  while (self->n < steps && !g_cancellable_is_cancelled (cancellable))
    {
      double lr = start * pow (end / start, (double) self->n / (steps - 1));
      double loss, smoothed;
      guint n;

      if (!strata_loader_next (loader, strata_plan_get_input (plan), labels, &n, error))
        {
          if (error && *error)
            return NULL;
          strata_loader_start_epoch (loader, ++epoch, 0);
          continue;
        }
      if (n != batch_size)
        continue;   /* the short last batch would need a plan of its own; skip it */
      if (!strata_plan_forward (plan, n, strata_random_key (loader_options.seed, self->n), error))
        return NULL;
      loss = strata_plan_compute_loss (plan, labels, n, NULL, NULL);
      average = beta * average + (1 - beta) * loss;
      smoothed = average / (1 - pow (beta, self->n + 1));
      self->lr[self->n] = lr;
      self->loss[self->n] = loss;
      self->smoothed[self->n] = smoothed;
      self->n++;
      if (options->progress)
        options->progress (_("Finding the learning rate"), self->n, steps,
                           options->progress_data);
      if (!isfinite (loss) || (self->n > 1 && smoothed > diverge * best))
        {
          self->diverged = TRUE;
          break;
        }
      best = MIN (best, smoothed);
      if (!strata_plan_backward (plan, error))
        return NULL;
      strata_optimizer_step (optimizer, lr);
      strata_model_weights_changed (strata_session_get_model (session));
    }
  if (self->n == 0)
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("The learning rate search took no step: the training split needs at "
                     "least one full batch of %u images"), batch_size);
      return NULL;
    }
  /* a diverged last point is left out of the suggestion */
  self->suggested_lr = strata_lr_finder_suggest (self->lr, self->smoothed,
                                                 self->diverged ? self->n - 1 : self->n,
                                                 &self->min_loss_lr);
  return g_steal_pointer (&self);
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  if (name)
    json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

/**
 * strata_lr_finder_result_to_json:
 *
 * Returns: (transfer full): {"event": "lr_find", "suggested_lr", "min_loss_lr", "diverged",
 *   "points": [{"lr", "loss", "smoothed"}, …]}
 */
JsonNode *
strata_lr_finder_result_to_json (const StrataLrFinderResult *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "lr_find");
  add_number (b, "suggested_lr", self->suggested_lr);
  add_number (b, "min_loss_lr", self->min_loss_lr);
  json_builder_set_member_name (b, "diverged");
  json_builder_add_boolean_value (b, self->diverged);
  json_builder_set_member_name (b, "optimizer");
  json_builder_add_string_value (b, self->optimizer);
  json_builder_set_member_name (b, "batch_size");
  json_builder_add_int_value (b, self->batch_size);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, self->n);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n; i++)
    {
      json_builder_begin_object (b);
      add_number (b, "lr", self->lr[i]);
      add_number (b, "loss", self->loss[i]);
      add_number (b, "smoothed", self->smoothed[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

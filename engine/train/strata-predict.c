/* strata-predict.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-checkpoint.h"
#include "strata-plan.h"
#include "strata-predict.h"
#include "strata-run.h"
#include "strata-session.h"

/*
 * An image from outside the dataset goes through what the run's images went through
 * (strata_preprocess_image_file(): decoded, turned upright, resized with the run's mode and
 * filter, normalised with its constants; no augmentation). Then an INFER plan (moving
 * statistics, no dropout) gives the class probabilities. An image that can't be read gets its own error; the others
 * are still classified.
 */

#define PREDICT_BATCH 16

void
strata_predictions_free (StrataPredictions *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n; i++)
    {
      g_free (self->items[i].path);
      g_clear_error (&self->items[i].error);
    }
  g_free (self->items);
  g_free (self->run);
  g_free (self->weights);
  g_strfreev (self->classes);
  g_free (self);
}

static void
top_classes (const float           *p,
             guint                  n,
             guint                  k,
             StrataImagePrediction *out)
{
  for (guint j = 0; j < STRATA_PREDICT_MAX_TOP; j++)
    {
      out->top_class[j] = -1;
      out->top_probability[j] = 0;
    }
  for (guint c = 0; c < n; c++)
    for (guint j = 0; j < k; j++)
      if (out->top_class[j] < 0 || p[c] > out->top_probability[j])
        {
          memmove (&out->top_class[j + 1], &out->top_class[j],
                   (k - j - 1) * sizeof out->top_class[0]);
          memmove (&out->top_probability[j + 1], &out->top_probability[j],
                   (k - j - 1) * sizeof out->top_probability[0]);
          out->top_class[j] = c;
          out->top_probability[j] = p[c];
          break;
        }
}

/**
 * strata_predict_images:
 * @run: the run whose weights to use
 * @weights: (nullable): "best" or "last"; %NULL picks best when the run has it
 * @paths: (array zero-terminated=1): image files
 * @top_k: how many of the most likely classes to give, 1 to %STRATA_PREDICT_MAX_TOP (and no
 *   more than the model has)
 *
 * Classifies image files with a run's model, preprocessed as the run's dataset settings say.
 *
 * Returns: one prediction per path, or %NULL when the run can't be used
 */
StrataPredictions *
strata_predict_images (StrataProject       *project,
                       const char          *run_name,
                       const char          *weights,
                       const char * const  *paths,
                       guint                top_k,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autofree char *runs_dir = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *checkpoint = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataPredictions) self = NULL;
  StrataPlanOptions plan_options = { .mode = STRATA_PLAN_INFER, .batch = PREDICT_BATCH };
  StrataModel *model;
  gsize image_floats;
  guint next = 0;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (run_name != NULL && paths != NULL, NULL);

  runs_dir = strata_project_dup_runs_dir (project);
  base_dir = strata_project_dup_base_dir (project);
  run = strata_run_open (runs_dir, run_name, error);
  if (run == NULL)
    return NULL;
  if (weights == NULL)
    weights = strata_run_has_checkpoint (run, "best") ? "best" : "last";
  if (!strata_run_has_checkpoint (run, weights))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Run “%s” has no %s checkpoint yet; train it first"), run_name, weights);
      return NULL;
    }
  session = strata_session_new (strata_run_get_settings (run), base_dir, error);
  if (session == NULL)
    return NULL;
  model = strata_session_get_model (session);
  checkpoint = strata_run_dup_checkpoint_path (run, weights);
  if (!strata_checkpoint_load (checkpoint, model, NULL, NULL, error))
    return NULL;
  plan = strata_plan_new (model, &plan_options, error);
  if (plan == NULL)
    return NULL;

  self = g_new0 (StrataPredictions, 1);
  self->run = g_strdup (run_name);
  self->weights = g_strdup (weights);
  self->n_classes = strata_model_get_n_classes (model);
  self->classes = g_strdupv ((char **) strata_dataset_get_class_names (
                                strata_session_get_dataset (session)));
  self->top_k = CLAMP (top_k, 1, MIN (self->n_classes, STRATA_PREDICT_MAX_TOP));
  self->n = g_strv_length ((char **) paths);
  self->items = g_new0 (StrataImagePrediction, MAX (self->n, 1));
  image_floats = strata_dataset_get_image_n_floats (strata_session_get_dataset (session));

  while (next < self->n)
    {
      float *input = strata_plan_get_input (plan);
      guint slot[PREDICT_BATCH];
      guint n = 0;
      const float *p;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* fill a batch with the next readable images */
      for (; next < self->n && n < PREDICT_BATCH; next++)
        {
          StrataImagePrediction *item = &self->items[next];

          item->path = g_strdup (paths[next]);
          if (strata_preprocess_image_file (strata_session_get_dataset_settings (session),
                                            paths[next], input + n * image_floats, &item->error))
            slot[n++] = next;
          else
            for (guint j = 0; j < STRATA_PREDICT_MAX_TOP; j++)
              item->top_class[j] = -1;
        }
      if (n == 0)
        continue;
      if (!strata_plan_forward (plan, n, 0, error))
        return NULL;
      p = strata_plan_get_probabilities (plan);
      for (guint i = 0; i < n; i++)
        top_classes (p + (gsize) i * self->n_classes, self->n_classes, self->top_k,
                     &self->items[slot[i]]);
    }
  return g_steal_pointer (&self);
}

/**
 * strata_predictions_to_json:
 *
 * Returns: {"run", "weights", "images": [{"path", "top": [{"class", "probability"}]} or
 *   {"path", "error"}]}
 */
JsonNode *
strata_predictions_to_json (const StrataPredictions *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "run");
  json_builder_add_string_value (b, self->run);
  json_builder_set_member_name (b, "weights");
  json_builder_add_string_value (b, self->weights);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n; i++)
    {
      const StrataImagePrediction *item = &self->items[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, item->path);
      if (item->error)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, item->error->message);
        }
      else
        {
          json_builder_set_member_name (b, "top");
          json_builder_begin_array (b);
          for (guint j = 0; j < self->top_k && item->top_class[j] >= 0; j++)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "class");
              json_builder_add_string_value (b, self->classes[item->top_class[j]]);
              json_builder_set_member_name (b, "probability");
              json_builder_add_double_value (b, item->top_probability[j]);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

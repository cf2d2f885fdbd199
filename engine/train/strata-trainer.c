/* strata-trainer.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-atomic-file.h"
#include "strata-batch-history.h"
#include "strata-checkpoint.h"
#include "strata-dataset.h"
#include "strata-early-stopping.h"
#include "strata-feature-cache.h"
#include "strata-optimizer.h"
#include "strata-plan.h"
#include "strata-schedule.h"
#include "strata-session.h"
#include "strata-random.h"
#include "strata-thread-governor.h"
#include "strata-threads.h"
#include "strata-trainer.h"
#include "strata-json.h"

/*
 * One session trains one run from its current checkpoint up to the last epoch, on the thread
 * that calls strata_trainer_run(). Randomness is a pure function of (seed, epoch, step), so
 * a run stopped at any batch boundary and resumed draws exactly what it would have drawn.
 */

#define DEFAULT_CHECKPOINT_INTERVAL 300.0

struct _StrataTrainer
{
  StrataProject *project;
  StrataRun *run;
  StrataSession *session;        /* dataset, model and hyperparameters of the run */
  StrataTrainOptions options;
  int epochs;

  StrataOptimizer *optimizer;
  StrataSchedule *schedule;
  StrataEarlyStopping *early_stopping;
  StrataLoader *train_loader;
  StrataLoader *val_loader;
  StrataPlan *train_plan;
  GHashTable *short_plans;       /* batch size → StrataPlan, for batches short of a full one */
  StrataPlan *eval_plan;
  gint32 *labels;

  /* the frozen-feature cache: the frozen prefix's outputs per image, while not augmenting */
  StrataFeatureCache *train_cache;
  StrataFeatureCache *val_cache;
  float *features;               /* a batch of them */
  gboolean cache_epoch;          /* this epoch's images are not augmented */
  gboolean restart;              /* resumed with no checkpoint: trains from the start */

  StrataTrainState state;
  char *monitor;
  guint64 batches_run;           /* in this session, for max_batches */
  double rate;                   /* images/s, smoothed over batches */
  double checkpoint_interval;    /* seconds between mid-epoch checkpoints */
  double last_checkpoint;
  StrataBatchHistory *batches;   /* the per-batch curve, written with the last checkpoint */

  guint threads;                   /* the plans were built for this many */
  StrataThreadGovernor *governor;  /* NULL: a fixed thread count */
  guint alternate_threads;         /* STRATA_THREADS_ALTERNATE: 1 and this many, in turn */
};

G_DEFINE_QUARK (strata-train-error-quark, strata_train_error)

void
strata_trainer_free (StrataTrainer *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->project);
  g_clear_object (&self->run);
  g_clear_pointer (&self->session, strata_session_free);
  g_clear_pointer (&self->optimizer, strata_optimizer_free);
  g_clear_pointer (&self->schedule, strata_schedule_free);
  g_clear_pointer (&self->early_stopping, strata_early_stopping_free);
  g_clear_pointer (&self->train_loader, strata_loader_free);
  g_clear_pointer (&self->val_loader, strata_loader_free);
  g_clear_pointer (&self->train_plan, strata_plan_free);
  g_clear_pointer (&self->short_plans, g_hash_table_unref);
  g_clear_pointer (&self->eval_plan, strata_plan_free);
  g_clear_pointer (&self->labels, g_free);
  g_clear_pointer (&self->train_cache, strata_feature_cache_free);
  g_clear_pointer (&self->val_cache, strata_feature_cache_free);
  g_clear_pointer (&self->features, g_free);
  g_clear_pointer (&self->monitor, g_free);
  g_clear_pointer (&self->batches, strata_batch_history_free);
  g_clear_pointer (&self->governor, strata_thread_governor_free);
  strata_train_state_clear (&self->state);
  g_free (self);
}

StrataRun *
strata_trainer_get_run (StrataTrainer *self)
{
  return self->run;
}

/* The per-batch curve of a resumed run, up to its checkpoint. Only a plot depends on it: a
 * damaged file starts it afresh rather than keep the run from resuming. */
static void
load_batch_history (StrataTrainer *self)
{
  g_autofree char *path = strata_run_dup_path (self->run, STRATA_BATCH_HISTORY_FILE);
  g_autoptr(GError) error = NULL;

  self->batches = strata_batch_history_load (path, 0, &error);
  if (self->batches == NULL)
    {
      g_warning ("%s", error->message);
      self->batches = strata_batch_history_new (0);
    }
  strata_batch_history_truncate (self->batches, self->state.step);
}

/* Weights to start a new run from: "RUN", "RUN:last" or "RUN:best". */
static gboolean
load_initial_weights (StrataTrainer *self,
                      GError       **error)
{
  g_auto(GStrv) parts = g_strsplit (self->options.init_from, ":", 2);
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
  g_autoptr(StrataRun) source = strata_run_open (runs_dir, parts[0], error);
  const char *which = parts[1] ? parts[1] : "last";
  g_autofree char *path = NULL;

  if (source == NULL)
    return FALSE;
  if (!g_str_equal (which, "last") && !g_str_equal (which, "best"))
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("“%s”: say “%s:last” or “%s:best”"), self->options.init_from, parts[0],
                   parts[0]);
      return FALSE;
    }
  path = strata_run_dup_checkpoint_path (source, which);
  return strata_checkpoint_load_matching (path, strata_session_get_model (self->session), NULL,
                                          NULL, error);
}

/*
 * A resumed run keeps its model, data, optimizer, batch size and seed (the weights and the
 * optimizer state depend on them) and takes the rest of the hyperparameters (learning rate,
 * schedule, epochs, early stopping) from the project as it is now, so a user can stop,
 * change the learning rate and resume.
 */
static JsonNode *
settings_for_resume (StrataTrainer *self,
                     JsonNode      *run_settings)
{
  static const char *const kept[] = {
    "optimizer", "momentum", "nesterov", "rho", "beta_1", "beta_2", "epsilon",
    "initial_accumulator", "batch_size", "seed", "precision",
  };
  g_autoptr(JsonNode) now = strata_hyperparams_to_json (strata_project_get_hyperparams (self->project));
  JsonNode *settings = json_node_copy (run_settings);
  JsonObject *old_hp = json_object_get_object_member (json_node_get_object (settings),
                                                      "hyperparameters");
  JsonObject *new_hp = json_node_get_object (now);

  for (guint i = 0; old_hp && i < G_N_ELEMENTS (kept); i++)
    if (json_object_has_member (old_hp, kept[i]))
      json_object_set_member (new_hp, kept[i],
                              json_node_copy (json_object_get_member (old_hp, kept[i])));
  json_object_set_member (json_node_get_object (settings), "hyperparameters",
                          json_node_copy (now));
  return settings;
}

/* The settings the session trains with: the project's, or a resumed run's brought up to date. */
static JsonNode *
dup_settings (StrataTrainer *self,
              GError       **error)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
  gboolean interrupted;

  if (self->options.resume == NULL)
    return strata_project_dup_settings_json (self->project);

  self->run = strata_run_open (runs_dir, self->options.resume, error);
  if (self->run == NULL)
    return NULL;
  /* before the lock, which would make it read as running; a run still "created" was killed
   * between recording its settings and its first batch (the lock says nobody trains it) */
  interrupted = g_str_equal (strata_run_get_status (self->run), "interrupted") ||
                g_str_equal (strata_run_get_status (self->run), "created");
  if (!strata_run_lock (self->run, error))
    return NULL;
  /* A process killed while writing a checkpoint left its temporary file, as large as the
   * checkpoint; a write that changed in the last seconds may be another process's. */
  strata_atomic_file_sweep (strata_run_get_dir (self->run), STRATA_ATOMIC_FILE_STALE_SECONDS);
  /* killed before its first checkpoint: it trains again from the start, in the same run */
  if (!strata_run_has_checkpoint (self->run, "last") && interrupted)
    self->restart = TRUE;
  else if (!strata_run_has_checkpoint (self->run, "last"))
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("Run “%s” has no checkpoint to resume from yet"), self->options.resume);
      return NULL;
    }
  return settings_for_resume (self, strata_run_get_settings (self->run));
}

/* Records the settings in the run, making a new run's folder: only once they are known to
 * train, so a model with an error leaves no empty run behind. */
static gboolean
commit_run (StrataTrainer *self,
            JsonNode      *settings,
            GError       **error)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
  g_autofree char *name = NULL;

  if (self->run != NULL)
    return strata_run_set_settings (self->run, settings, error);

  name = self->options.run_name ? g_strdup (self->options.run_name)
                                : strata_project_dup_new_run_name (self->project);
  self->run = strata_run_create (runs_dir, name, settings, error);
  if (self->run == NULL || !strata_run_lock (self->run, error))
    return FALSE;
  if (self->options.init_from)
    json_object_set_string_member (strata_run_get_info (self->run), "init_from",
                                   self->options.init_from);
  strata_project_add_run (self->project, name);
  return TRUE;
}

/* The training and inference plans, for the thread count now set. */
static gboolean
build_plans (StrataTrainer *self,
             GError       **error)
{
  StrataHyperparams *hp = strata_session_get_hyperparams (self->session);
  StrataModel *model = strata_session_get_model (self->session);
  StrataPlanOptions options = {
    .mode = STRATA_PLAN_TRAIN,
    .batch = strata_hyperparams_get_batch_size (hp),
    .precision = g_str_equal (strata_hyperparams_get_precision (hp), "bf16")
                 ? STRATA_PRECISION_BF16 : STRATA_PRECISION_FP32,
    .feature_cache = TRUE,
  };

  self->train_plan = strata_plan_new (model, &options, error);
  if (self->train_plan == NULL)
    return FALSE;
  options.mode = STRATA_PLAN_INFER;
  self->eval_plan = strata_plan_new (model, &options, error);
  return self->eval_plan != NULL;
}

static gboolean
make_plans (StrataTrainer *self,
            GError       **error)
{
  StrataDataset *dataset = strata_session_get_dataset (self->session);
  guint n_train = strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN);
  guint n_val = strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION);
  guint batch = strata_hyperparams_get_batch_size (strata_session_get_hyperparams (self->session));
  gsize floats;

  /* OMP_NUM_THREADS is the user's fixed choice (the tests set it, for reproducible
   * figures); otherwise the count follows the cores the machine gives us */
  self->threads = strata_threads_use (strata_threads_get_default ());
  if (self->threads > 1 && g_getenv ("OMP_NUM_THREADS") == NULL)
    self->governor = strata_thread_governor_new (self->threads);
  /* for the tests of changing the count: every batch, on plans built again */
  if (g_strcmp0 (g_getenv ("STRATA_THREADS_ALTERNATE"), "1") == 0 && self->threads > 1)
    self->alternate_threads = self->threads;
  if (!build_plans (self, error))
    return FALSE;
  self->labels = g_new0 (gint32, batch);

  /* a frozen, deterministic bottom (a pretrained backbone's frozen layers) is computed once
   * per image while the data is not augmented, if its outputs fit in memory */
  floats = strata_plan_get_feature_size (self->train_plan);
  if (floats > 0 && (guint64) (n_train + n_val) * floats * sizeof (float) <=
                    strata_feature_cache_limit ())
    {
      self->train_cache = strata_feature_cache_new (n_train, floats);
      self->val_cache = strata_feature_cache_new (n_val, floats);
      self->features = g_new (float, floats * batch);
    }
  else if (floats > 0 && strata_feature_cache_limit () > 0)
    g_message ("The frozen features of %u images would take %.0f MiB: not cached",
               n_train + n_val, (double) (n_train + n_val) * floats * 4 / (1 << 20));
  self->short_plans = g_hash_table_new_full (NULL, NULL, NULL,
                                             (GDestroyNotify) strata_plan_free);
  return TRUE;
}

/*
 * The checkpoint's progress record against the run's settings, which fix the batch size and
 * the training split: a batch past the epoch's end would finish the epoch untrained, and
 * figures of more images than the batches hold would be shown as the epoch's loss and
 * accuracy. (strata_checkpoint_load() has checked types and what holds for any run.)
 */
static gboolean
check_resumed_state (StrataTrainer *self,
                     GError       **error)
{
  guint n_batches = strata_loader_get_n_batches (self->train_loader);
  StrataHyperparams *hp = strata_session_get_hyperparams (self->session);
  guint64 batch_size = strata_hyperparams_get_batch_size (hp);
  guint64 n_train = strata_dataset_get_n_items (strata_session_get_dataset (self->session),
                                                STRATA_SPLIT_TRAIN);
  const StrataTrainState *state = &self->state;

  if (state->batch <= n_batches &&
      state->seen <= MIN (n_train, (guint64) state->batch * batch_size) &&
      state->correct <= state->seen &&
      (state->seen > 0 || state->loss_sum == 0) &&
      state->step >= (gint64) state->batch)
    return TRUE;
  g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
               _("Run “%s” can't be resumed: its checkpoint's progress (batch %u of %u, %llu "
                 "images) does not fit its settings (%llu training images in batches of %llu)"),
               strata_run_get_name (self->run), state->batch, n_batches,
               (unsigned long long) state->seen, (unsigned long long) n_train,
               (unsigned long long) batch_size);
  return FALSE;
}

StrataTrainer *
strata_trainer_new (StrataProject            *project,
                    const StrataTrainOptions *options,
                    GError                  **error)
{
  g_autoptr(StrataTrainer) self = g_new0 (StrataTrainer, 1);
  StrataHyperparams *hp;
  StrataOptimizerConfig optimizer_config;
  StrataScheduleConfig schedule_config;
  StrataLoaderOptions loader_options = { 0 };
  g_autofree char *base_dir = NULL;
  g_autoptr(JsonNode) settings = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  self->project = g_object_ref (project);
  self->options = *options;
  self->checkpoint_interval = options->checkpoint_interval > 0 ? options->checkpoint_interval
                                                               : DEFAULT_CHECKPOINT_INTERVAL;

  if (options->resume && options->init_from)
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("A resumed run continues from its own weights; it can't also start from "
                     "another run's"));
      return NULL;
    }
  settings = dup_settings (self, error);
  if (settings == NULL)
    return NULL;
  /* in the settings, so that the run records the rate it trained with */
  if (options->learning_rate > 0)
    json_object_set_double_member (
      json_object_get_object_member (json_node_get_object (settings), "hyperparameters"),
      "learning_rate", options->learning_rate);
  base_dir = strata_project_dup_base_dir (project);
  self->session = strata_session_new (settings, base_dir, error);
  if (self->session == NULL || (options->resume && !commit_run (self, settings, error)))
    return NULL;
  hp = strata_session_get_hyperparams (self->session);

  self->epochs = options->epochs > 0 ? options->epochs : (int) strata_hyperparams_get_epochs (hp);
  self->monitor = g_strdup (strata_hyperparams_get_monitor (hp));

  strata_hyperparams_get_optimizer_config (hp, &optimizer_config);
  self->optimizer = strata_optimizer_new (&optimizer_config,
                                          strata_session_get_model (self->session), error);
  if (self->optimizer == NULL)
    return NULL;
  strata_hyperparams_get_schedule_config (hp, &schedule_config);
  self->schedule = strata_schedule_new (&schedule_config, error);
  if (self->schedule == NULL)
    return NULL;
  {
    StrataEarlyStoppingConfig config;

    /* Without early stopping the tracker still picks the best checkpoint (patience < 0). */
    strata_early_stopping_config_init (&config, self->monitor);
    config.min_delta = strata_hyperparams_get_min_delta (hp);
    config.patience = strata_hyperparams_get_early_stopping (hp)
                      ? (int) strata_hyperparams_get_patience (hp) : -1;
    self->early_stopping = strata_early_stopping_new (&config, error);
    if (self->early_stopping == NULL)
      return NULL;
  }

  self->state.seed = strata_hyperparams_get_seed (hp);
  self->state.optimizer = g_strdup (strata_hyperparams_get_optimizer (hp));
  if (options->resume && !self->restart)
    {
      g_autofree char *path = strata_run_dup_checkpoint_path (self->run, "last");
      StrataTrainState loaded = { 0 };

      if (!strata_checkpoint_load (path, strata_session_get_model (self->session),
                                   self->optimizer, &loaded, error))
        return NULL;
      strata_train_state_clear (&self->state);
      self->state = loaded;
      if (self->state.schedule &&
          !strata_schedule_load_state (self->schedule, self->state.schedule, error))
        return NULL;
      if (self->state.early_stopping &&
          !strata_early_stopping_load_state (self->early_stopping, self->state.early_stopping,
                                             error))
        return NULL;
      /* A run that stopped early may be resumed on purpose: don't stop it again at once. */
      strata_early_stopping_rearm (self->early_stopping);
      if (!strata_run_truncate_metrics (self->run, self->state.epoch, error))
        return NULL;
      load_batch_history (self);
    }
  else
    {
      /* random weights, then the pretrained backbones' own, then another run's */
      strata_model_init_weights (strata_session_get_model (self->session), self->state.seed);
      if (!strata_zoo_load_weights (strata_session_get_model (self->session),
                                    options->weights_progress, options->weights_progress_data,
                                    options->weights_cancellable, error))
        return NULL;
      if (self->restart)
        {
          JsonNode *init_from = json_object_get_member (strata_run_get_info (self->run),
                                                        "init_from");

          /* the run started from another's weights: so it starts again */
          if (init_from && JSON_NODE_HOLDS_VALUE (init_from) &&
              json_node_get_value_type (init_from) == G_TYPE_STRING)
            self->options.init_from = json_node_get_string (init_from);
        }
      if (self->options.init_from && !load_initial_weights (self, error))
        return NULL;
      /* weights that can't be had (offline, a damaged file) leave no run either */
      if (!self->restart && !commit_run (self, settings, error))
        return NULL;
      if (self->restart && !strata_run_truncate_metrics (self->run, 0, error))
        return NULL;
    }

  if (self->batches == NULL)
    self->batches = strata_batch_history_new (0);
  loader_options.batch = strata_hyperparams_get_batch_size (hp);
  loader_options.seed = self->state.seed;
  loader_options.shuffle = TRUE;
  loader_options.augment = TRUE;
  self->train_loader = strata_loader_new (strata_session_get_dataset (self->session),
                                          STRATA_SPLIT_TRAIN, &loader_options, error);
  if (self->train_loader == NULL)
    return NULL;
  if (strata_dataset_get_n_items (strata_session_get_dataset (self->session),
                                  STRATA_SPLIT_VALIDATION) > 0)
    {
      loader_options.shuffle = FALSE;
      loader_options.augment = FALSE;
      self->val_loader = strata_loader_new (strata_session_get_dataset (self->session),
                                            STRATA_SPLIT_VALIDATION, &loader_options, error);
      if (self->val_loader == NULL)
        return NULL;
    }
  if (options->resume && !check_resumed_state (self, error))
    return NULL;
  if (!make_plans (self, error))
    return NULL;
  /* The options' strings are borrowed for the duration of this call only. */
  self->options.run_name = self->options.resume = self->options.init_from = NULL;
  return g_steal_pointer (&self);
}

static gboolean
save_checkpoint (StrataTrainer *self,
                 const char    *which,
                 GError       **error)
{
  g_autofree char *path = strata_run_dup_checkpoint_path (self->run, which);

  g_clear_pointer (&self->state.schedule, json_node_unref);
  g_clear_pointer (&self->state.early_stopping, json_node_unref);
  self->state.schedule = strata_schedule_save_state (self->schedule);
  self->state.early_stopping = strata_early_stopping_save_state (self->early_stopping);
  /* before the checkpoint: a history ahead of it is cut back on resume, one behind would
   * leave a gap in the curve */
  if (g_str_equal (which, "last"))
    {
      g_autofree char *history = strata_run_dup_path (self->run, STRATA_BATCH_HISTORY_FILE);

      if (!strata_batch_history_save (self->batches, history, error))
        return FALSE;
    }
  return strata_checkpoint_save (path, strata_session_get_model (self->session),
                                 self->optimizer, &self->state, error);
}

/*
 * A forward pass, through the frozen-feature cache when it has every image of the batch;
 * otherwise a full one whose frozen features go into the cache.
 */
static gboolean
forward (StrataTrainer      *self,
         StrataPlan         *plan,
         guint               n,
         StrataLoader       *loader,
         StrataFeatureCache *cache,
         guint64             seed,
         GError            **error)
{
  const guint *items = strata_loader_get_batch_items (loader);

  if (cache && strata_feature_cache_has_all (cache, items, n))
    {
      strata_feature_cache_gather (cache, items, n, self->features);
      return strata_plan_forward_features (plan, n, self->features, seed, error);
    }
  if (cache == NULL)
    return strata_plan_forward (plan, n, seed, error);
  if (!strata_plan_forward_saving_features (plan, n, seed, self->features, error))
    return FALSE;
  strata_feature_cache_scatter (cache, items, n, self->features);
  return TRUE;
}

/* Validation loss and accuracy with the inference plan. */
static gboolean
validate (StrataTrainer *self,
          double        *loss,
          double        *accuracy,
          GError       **error)
{
  double loss_sum = 0;
  guint64 correct = 0, seen = 0;
  guint n;

  *loss = *accuracy = NAN;
  if (self->val_loader == NULL)
    return TRUE;
  /* once every validation image's features are cached, none is decoded */
  strata_loader_set_skip_images (self->val_loader,
                                 self->val_cache && strata_feature_cache_is_complete (self->val_cache));
  strata_loader_start_epoch (self->val_loader, 0, 0);
  while (strata_loader_next (self->val_loader, strata_plan_get_input (self->eval_plan),
                             self->labels, &n, error))
    {
      guint batch_correct = 0;

      if (!forward (self, self->eval_plan, n, self->val_loader, self->val_cache, 0, error))
        return FALSE;
      loss_sum += strata_plan_compute_loss (self->eval_plan, self->labels, n, &batch_correct,
                                            NULL) * n;
      correct += batch_correct;
      seen += n;
    }
  if (error && *error)
    return FALSE;
  if (seen > 0)
    {
      *loss = loss_sum / seen;
      *accuracy = (double) correct / seen;
    }
  return TRUE;
}

static StrataPlan *
plan_for_batch (StrataTrainer *self,
                guint          n,
                GError       **error)
{
  StrataPlanOptions options = { .mode = STRATA_PLAN_TRAIN, .batch = n, .feature_cache = TRUE };
  StrataPlan *plan;

  if (n == strata_plan_get_batch (self->train_plan))
    return self->train_plan;
  plan = g_hash_table_lookup (self->short_plans, GUINT_TO_POINTER (n));
  if (plan == NULL)
    {
      options.precision = g_str_equal (strata_hyperparams_get_precision (
                                         strata_session_get_hyperparams (self->session)), "bf16")
                          ? STRATA_PRECISION_BF16 : STRATA_PRECISION_FP32;
      plan = strata_plan_new (strata_session_get_model (self->session), &options, error);
      if (plan != NULL)
        g_hash_table_insert (self->short_plans, GUINT_TO_POINTER (n), plan);
    }
  return plan;
}

static void
emit (StrataTrainer       *self,
      StrataTrainEvent    *event,
      StrataTrainCallback  callback,
      gpointer             user_data)
{
  event->run = strata_run_get_name (self->run);
  event->epochs = self->epochs;
  event->step = self->state.step;
  event->elapsed = self->state.elapsed;
  event->monitor = self->monitor;
  event->best_value = strata_early_stopping_get_best (self->early_stopping);
  event->best_epoch = strata_early_stopping_get_best_epoch (self->early_stopping);
  if (callback)
    callback (event, user_data);
}

/* Training never drops an image silently: each image the source left out or the loader could
 * not decode is recorded in run.json with its reason (the messages name the file), so the
 * Training and Results pages and `strata train` can say how many and which. */
static void
set_skipped (StrataTrainer *self,
             JsonObject    *info)
{
  StrataDataset *dataset = strata_session_get_dataset (self->session);
  g_auto(GStrv) problems = strata_dataset_dup_problems (dataset);
  JsonArray *array = json_array_new ();

  for (guint i = 0; problems[i] != NULL; i++)
    json_array_add_string_element (array, problems[i]);
  json_object_set_array_member (info, "skipped", array);
}

static void
set_status (StrataTrainer *self,
            const char    *status)
{
  JsonObject *info = strata_run_get_info (self->run);

  json_object_set_string_member (info, "status", status);
  json_object_set_int_member (info, "epochs_done", self->state.epoch);
  json_object_set_int_member (info, "epochs", self->epochs);
  json_object_set_double_member (info, "elapsed", self->state.elapsed);
  json_object_set_string_member (info, "monitor", self->monitor);
  json_object_set_int_member (info, "best_epoch",
                              strata_early_stopping_get_best_epoch (self->early_stopping));
  if (strata_early_stopping_get_best_epoch (self->early_stopping) > 0)
    json_object_set_double_member (info, "best_value",
                                   strata_early_stopping_get_best (self->early_stopping));
  set_skipped (self, info);
}

static JsonNode *
epoch_record (const StrataTrainEvent *event)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, event->epoch);
  json_builder_set_member_name (b, "loss");
  json_builder_add_double_value (b, event->loss);
  json_builder_set_member_name (b, "accuracy");
  json_builder_add_double_value (b, event->accuracy);
  if (!isnan (event->val_loss))
    {
      json_builder_set_member_name (b, "val_loss");
      json_builder_add_double_value (b, event->val_loss);
      json_builder_set_member_name (b, "val_accuracy");
      json_builder_add_double_value (b, event->val_accuracy);
    }
  json_builder_set_member_name (b, "lr");
  json_builder_add_double_value (b, event->lr);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, event->epoch_seconds);
  json_builder_set_member_name (b, "images_per_second");
  json_builder_add_double_value (b, event->images_per_second);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static double
monitored_value (const char             *monitor,
                 const StrataTrainEvent *event)
{
  if (g_str_equal (monitor, "val_loss"))
    return event->val_loss;
  if (g_str_equal (monitor, "val_accuracy"))
    return event->val_accuracy;
  if (g_str_equal (monitor, "loss"))
    return event->loss;
  return event->accuracy;
}

static gboolean
finish_epoch (StrataTrainer       *self,
              int                  epoch,
              double               epoch_seconds,
              double               lr,
              gboolean            *stop,
              StrataTrainCallback  callback,
              gpointer             user_data,
              GError             **error)
{
  StrataTrainEvent event = { .type = STRATA_TRAIN_EVENT_EPOCH, .epoch = epoch };
  g_autoptr(JsonNode) record = NULL;
  StrataEarlyStoppingResult result;
  double monitored;

  event.n_batches = event.batch = strata_loader_get_n_batches (self->train_loader);
  event.loss = self->state.seen ? self->state.loss_sum / self->state.seen : NAN;
  event.accuracy = self->state.seen ? (double) self->state.correct / self->state.seen : NAN;
  event.lr = lr;
  event.epoch_seconds = epoch_seconds;
  event.images_per_second = epoch_seconds > 0 ? self->state.seen / epoch_seconds : 0;
  if (!validate (self, &event.val_loss, &event.val_accuracy, error))
    return FALSE;

  /* Without a validation split the training metric stands in for the monitored one. */
  monitored = monitored_value (self->monitor, &event);
  if (isnan (monitored) && g_str_has_prefix (self->monitor, "val_"))
    monitored = monitored_value (self->monitor + 4, &event);
  strata_schedule_epoch_end (self->schedule, epoch, monitored);
  result = strata_early_stopping_epoch_end (self->early_stopping, epoch, monitored);
  event.is_best = (result & STRATA_EARLY_STOPPING_NEW_BEST) != 0;
  *stop = (result & STRATA_EARLY_STOPPING_STOP) != 0;
  event.eta = (self->epochs - epoch) * epoch_seconds;

  self->state.epoch = epoch;
  self->state.batch = 0;
  self->state.loss_sum = 0;
  self->state.correct = self->state.seen = 0;

  record = epoch_record (&event);
  if (!strata_run_append_metrics (self->run, record, error))
    return FALSE;
  /* last before best: a crash in between leaves a resumable run */
  if (!save_checkpoint (self, "last", error))
    return FALSE;
  if (event.is_best && !save_checkpoint (self, "best", error))
    return FALSE;
  json_object_set_object_member (strata_run_get_info (self->run), "last",
                                 json_object_ref (json_node_get_object (record)));
  set_status (self, "running");
  if (!strata_run_save_info (self->run, error))
    return FALSE;
  emit (self, &event, callback, user_data);
  return TRUE;
}

/*
 * A oneDNN primitive divides its work for the thread count it was created with, whatever the
 * count is when it runs: a new count needs new plans. They are built between batches, from
 * the model's weights, so training goes on where it was; the freed plans' memory is reused.
 */
static gboolean
set_threads (StrataTrainer *self,
             guint          threads,
             GError       **error)
{
  double start = g_get_monotonic_time () / 1e6;

  g_clear_pointer (&self->train_plan, strata_plan_free);
  g_clear_pointer (&self->eval_plan, strata_plan_free);
  g_hash_table_remove_all (self->short_plans);
  self->threads = strata_threads_use (threads);
  g_debug ("Training on %u threads", threads);
  if (!build_plans (self, error))
    return FALSE;
  if (self->governor != NULL)
    strata_thread_governor_add_switch_cost (self->governor,
                                            g_get_monotonic_time () / 1e6 - start);
  return TRUE;
}

/* The plan for the next batch, its input filled by the loader; NULL at the end of the epoch. */
static StrataPlan *
next_batch (StrataTrainer *self,
            guint         *n,
            GError       **error)
{
  guint batch_size = strata_plan_get_batch (self->train_plan);
  guint64 n_train = strata_dataset_get_n_items (strata_session_get_dataset (self->session),
                                                STRATA_SPLIT_TRAIN);
  guint expected = MIN (batch_size, n_train - (guint64) self->state.batch * batch_size);
  StrataPlan *plan = expected > 0 ? plan_for_batch (self, expected, error) : self->train_plan;
  StrataPlan *fitting;
  gsize sample;

  /* The loader fills the plan's input in place; a short last batch has a plan of its own. */
  if (plan == NULL ||
      !strata_loader_next (self->train_loader, strata_plan_get_input (plan), self->labels, n,
                           error))
    return NULL;
  if (*n == expected)
    return plan;

  /* The loader left out unreadable images: run the batch on a plan of its size. */
  fitting = plan_for_batch (self, *n, error);
  if (fitting == NULL)
    return NULL;
  sample = strata_shape_n_elements ((const StrataShape[]) {
                                      strata_model_get_input_shape (
                                        strata_session_get_model (self->session)) });
  memmove (strata_plan_get_input (fitting), strata_plan_get_input (plan),
           sample * *n * sizeof (float));
  return fitting;
}

/* One optimizer step; fills in the batch's figures. */
static gboolean
train_batch (StrataTrainer    *self,
             StrataPlan       *plan,
             guint             n,
             int               epoch,
             StrataTrainEvent *event,
             GError          **error)
{
  guint correct = 0;
  double loss;

  event->lr = strata_schedule_get_lr (self->schedule, self->state.step,
                                      strata_loader_get_n_batches (self->train_loader),
                                      self->epochs);
  if (!forward (self, plan, n, self->train_loader, self->cache_epoch ? self->train_cache : NULL,
                strata_random_key (self->state.seed, self->state.step), error))
    return FALSE;
  loss = strata_plan_compute_loss (plan, self->labels, n, &correct, NULL);
  if (!isfinite (loss))
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_DIVERGED,
                   _("Training diverged at epoch %d (the loss is not a number); try a lower "
                     "learning rate. The last checkpoint is kept."), epoch);
      return FALSE;
    }
  if (!strata_plan_backward (plan, error))
    return FALSE;
  strata_optimizer_step (self->optimizer, event->lr);
  strata_model_weights_changed (strata_session_get_model (self->session));

  self->state.step++;
  self->state.batch++;
  self->state.loss_sum += loss * n;
  self->state.correct += correct;
  self->state.seen += n;
  strata_batch_history_add (self->batches, self->state.step,
                            (epoch - 1) + (double) self->state.batch /
                                          MAX (strata_loader_get_n_batches (self->train_loader), 1),
                            loss, (double) correct / MAX (n, 1));

  event->type = STRATA_TRAIN_EVENT_BATCH;
  event->epoch = epoch;
  event->batch = self->state.batch;
  event->n_batches = strata_loader_get_n_batches (self->train_loader);
  event->loss = self->state.loss_sum / self->state.seen;
  event->accuracy = (double) self->state.correct / self->state.seen;
  event->batch_loss = loss;
  event->batch_accuracy = (double) correct / MAX (n, 1);
  event->val_loss = event->val_accuracy = NAN;
  return TRUE;
}

/* Trains the rest of @epoch; *stopped when cancelled or out of batches. */
static gboolean
train_epoch (StrataTrainer       *self,
             int                  epoch,
             GCancellable        *cancellable,
             gboolean            *stopped,
             double              *lr,
             StrataTrainCallback  callback,
             gpointer             user_data,
             GError             **error)
{
  guint n_batches = strata_loader_get_n_batches (self->train_loader);
  guint batch_size = strata_plan_get_batch (self->train_plan);

  /* without augmentation the frozen features of an image repeat: from the second such
   * epoch on the images need not even be decoded */
  self->cache_epoch = self->train_cache != NULL &&
                      !strata_dataset_has_augmentation (strata_session_get_dataset (self->session),
                                                        epoch - 1);
  strata_loader_set_skip_images (self->train_loader,
                                 self->cache_epoch &&
                                 strata_feature_cache_is_complete (self->train_cache));
  strata_loader_start_epoch (self->train_loader, epoch - 1, self->state.batch);
  for (;;)
    {
      double t0 = g_get_monotonic_time () / 1e6, t1, t_compute, images_left;
      StrataTrainEvent event = { 0 };
      StrataPlan *plan;
      guint n;

      if (g_cancellable_is_cancelled (cancellable) ||
          (self->options.max_batches && self->batches_run >= self->options.max_batches))
        {
          *stopped = TRUE;
          return TRUE;
        }
      plan = next_batch (self, &n, error);
      if (plan == NULL)
        return error == NULL || *error == NULL;   /* no error: the epoch is done */
      t_compute = g_get_monotonic_time () / 1e6;
      if (!train_batch (self, plan, n, epoch, &event, error))
        return FALSE;
      self->batches_run++;
      *lr = event.lr;

      t1 = g_get_monotonic_time () / 1e6;
      /* the loader's time does not depend on the plans' threads: only the step counts */
      if (self->governor != NULL || self->alternate_threads > 0)
        {
          guint threads = self->alternate_threads == 0
                          ? strata_thread_governor_record (self->governor, t1 - t_compute, n)
                          : self->threads == 1 ? self->alternate_threads : 1;
          if (threads != self->threads && !set_threads (self, threads, error))
            return FALSE;
        }
      self->state.elapsed += t1 - t0;
      self->rate = self->rate > 0 ? 0.9 * self->rate + 0.1 * n / (t1 - t0) : n / (t1 - t0);
      event.images_per_second = self->rate;
      images_left = (double) (n_batches - self->state.batch +
                              (gint64) (self->epochs - epoch) * n_batches) * batch_size;
      event.eta = images_left / self->rate;
      emit (self, &event, callback, user_data);

      /* Against a killed process: a long epoch is not lost entirely. */
      if (t1 - self->last_checkpoint > self->checkpoint_interval)
        {
          if (!save_checkpoint (self, "last", error))
            return FALSE;
          self->last_checkpoint = t1;
        }
    }
}

static void
emit_summary (StrataTrainer       *self,
              const char          *status,
              StrataTrainCallback  callback,
              gpointer             user_data)
{
  JsonObject *info = strata_run_get_info (self->run);
  JsonObject *last = json_object_has_member (info, "last")
                     ? json_object_get_object_member (info, "last") : NULL;
  StrataTrainEvent event = {
    .type = STRATA_TRAIN_EVENT_FINISHED,
    .epoch = self->state.epoch,
    .batch = self->state.batch,
    .n_batches = strata_loader_get_n_batches (self->train_loader),
    .loss = NAN,
    .accuracy = NAN,
    .val_loss = NAN,
    .val_accuracy = NAN,
    .status = status,
    .n_skipped = strata_dataset_get_n_problems (strata_session_get_dataset (self->session)),
  };

  if (last)
    {
      event.loss = strata_json_get_double (last, "loss", NAN);
      event.accuracy = strata_json_get_double (last, "accuracy", NAN);
      event.val_loss = strata_json_get_double (last, "val_loss", NAN);
      event.val_accuracy = strata_json_get_double (last, "val_accuracy",
                                                                       NAN);
      event.lr = strata_json_get_double (last, "lr", NAN);
      event.images_per_second = strata_json_get_double (last,
                                                                            "images_per_second",
                                                                            0);
    }
  emit (self, &event, callback, user_data);
}

static gboolean
train_epochs (StrataTrainer       *self,
              GCancellable        *cancellable,
              const char         **status,
              StrataTrainCallback  callback,
              gpointer             user_data,
              GError             **error)
{
  StrataTrainEvent event = { .type = STRATA_TRAIN_EVENT_STARTED };
  gboolean stopped = FALSE, early = FALSE;
  double lr = 0;

  event.epoch = self->state.epoch + 1;
  event.batch = self->state.batch;
  event.n_batches = strata_loader_get_n_batches (self->train_loader);
  /* the run says what its plan computes in: bf16 asked of a processor without it is fp32 */
  event.precision_requested = strata_hyperparams_get_precision (
                                strata_session_get_hyperparams (self->session));
  event.precision = strata_plan_get_precision (self->train_plan) == STRATA_PRECISION_BF16
                    ? "bf16" : "fp32";
  json_object_set_string_member (strata_run_get_info (self->run), "precision", event.precision);
  json_object_set_string_member (strata_run_get_info (self->run), "precision_requested",
                                 event.precision_requested);
  emit (self, &event, callback, user_data);
  set_status (self, "running");
  if (!strata_run_save_info (self->run, error))
    return FALSE;

  for (int epoch = self->state.epoch + 1; epoch <= self->epochs && !early; epoch++)
    {
      double epoch_start = g_get_monotonic_time () / 1e6;

      if (!train_epoch (self, epoch, cancellable, &stopped, &lr, callback, user_data, error))
        return FALSE;
      if (stopped)
        {
          *status = "stopped";
          return save_checkpoint (self, "last", error);
        }
      if (!finish_epoch (self, epoch, g_get_monotonic_time () / 1e6 - epoch_start, lr, &early,
                         callback, user_data, error))
        return FALSE;
    }
  *status = early ? "early-stopped" : "finished";
  return TRUE;
}

/**
 * strata_trainer_run:
 * @cancellable: (nullable): cancelling stops at the next batch boundary, with a checkpoint
 *   from which the run resumes exactly; that is not an error
 * @callback: (nullable): receives progress, on the calling thread
 *
 * Trains up to the last epoch. Blocks; run it in a worker thread under a GUI. On an error the
 * run is marked failed and its last checkpoint stays as it was.
 */
gboolean
strata_trainer_run (StrataTrainer       *self,
                    GCancellable        *cancellable,
                    StrataTrainCallback  callback,
                    gpointer             user_data,
                    GError             **error)
{
  const char *status = "failed";
  gboolean ok;

  self->last_checkpoint = g_get_monotonic_time () / 1e6;
  /* OpenMP's thread count belongs to the thread that runs the parallel regions */
  strata_threads_use (self->threads);
  ok = train_epochs (self, cancellable, &status, callback, user_data, error);
  set_status (self, status);
  /* The run's status is informative: a failure to write it must not hide the real error. */
  if (!strata_run_save_info (self->run, ok ? error : NULL) && ok)
    return FALSE;
  if (ok)
    emit_summary (self, status, callback, user_data);
  return ok;
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

/**
 * strata_train_event_to_json:
 *
 * Returns: the event as `strata train --json` prints it: {"event": "batch", …}
 */
JsonNode *
strata_train_event_to_json (const StrataTrainEvent *event)
{
  static const char *const names[] = { "started", "batch", "epoch", "summary" };
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, names[event->type]);
  json_builder_set_member_name (b, "run");
  json_builder_add_string_value (b, event->run);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, event->epoch);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, event->epochs);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, event->batch);
  json_builder_set_member_name (b, "batches");
  json_builder_add_int_value (b, event->n_batches);
  json_builder_set_member_name (b, "step");
  json_builder_add_int_value (b, event->step);
  if (event->type != STRATA_TRAIN_EVENT_STARTED)
    {
      add_number (b, "loss", event->loss);
      add_number (b, "accuracy", event->accuracy);
      if (event->type == STRATA_TRAIN_EVENT_BATCH)
        {
          add_number (b, "batch_loss", event->batch_loss);
          add_number (b, "batch_accuracy", event->batch_accuracy);
        }
      else
        {
          add_number (b, "val_loss", event->val_loss);
          add_number (b, "val_accuracy", event->val_accuracy);
        }
      add_number (b, "lr", event->lr);
      add_number (b, "images_per_second", event->images_per_second);
    }
  if (event->type == STRATA_TRAIN_EVENT_EPOCH)
    {
      add_number (b, "seconds", event->epoch_seconds);
      json_builder_set_member_name (b, "is_best");
      json_builder_add_boolean_value (b, event->is_best);
    }
  add_number (b, "elapsed", event->elapsed);
  if (event->type == STRATA_TRAIN_EVENT_BATCH || event->type == STRATA_TRAIN_EVENT_EPOCH)
    add_number (b, "eta", event->eta);
  if (event->best_epoch > 0)
    {
      json_builder_set_member_name (b, "monitor");
      json_builder_add_string_value (b, event->monitor);
      add_number (b, "best_value", event->best_value);
      json_builder_set_member_name (b, "best_epoch");
      json_builder_add_int_value (b, event->best_epoch);
    }
  if (event->precision)
    {
      json_builder_set_member_name (b, "precision");
      json_builder_add_string_value (b, event->precision);
      json_builder_set_member_name (b, "precision_requested");
      json_builder_add_string_value (b, event->precision_requested);
    }
  if (event->status)
    {
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, event->status);
    }
  if (event->type == STRATA_TRAIN_EVENT_FINISHED)
    {
      json_builder_set_member_name (b, "skipped");
      json_builder_add_int_value (b, event->n_skipped);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

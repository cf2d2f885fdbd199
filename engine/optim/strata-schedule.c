/* strata-schedule.c: learning-rate schedules and their resumable state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-schedule"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "strata-schedule.h"
#include "strata-json-state.h"

typedef enum
{
  SCHEDULE_CONSTANT,
  SCHEDULE_STEP,
  SCHEDULE_EXPONENTIAL,
  SCHEDULE_COSINE,
  SCHEDULE_ONE_CYCLE,
  SCHEDULE_REDUCE_ON_PLATEAU,
} ScheduleKind;

static const char *const schedule_names[] = {
  "constant", "step", "exponential", "cosine", "one_cycle", "reduce_on_plateau", NULL
};

/* Bump when the saved state changes meaning; load_state() refuses other versions. */
#define STATE_VERSION 1

/* One-cycle: PyTorch OneCycleLR's defaults, which the fastai policy also uses. */
#define ONE_CYCLE_PCT_START  0.3
#define ONE_CYCLE_DIV        25.0
#define ONE_CYCLE_FINAL_DIV  1e4

struct _StrataSchedule
{
  StrataScheduleConfig config;
  ScheduleKind kind;

  /* reduce_on_plateau, Keras' ReduceLROnPlateau */
  double scale;              /* lr = base_lr × scale; the product of the drops */
  gboolean has_best;
  double best;
  int wait;
  int cooldown_counter;
  int last_epoch;            /* the last epoch seen by epoch_end(), -1 before the first */
};

G_DEFINE_QUARK (strata-schedule-error-quark, strata_schedule_error)

/**
 * strata_schedule_names:
 *
 * Returns: (transfer none): the %NULL-terminated schedule names
 */
const char *const *
strata_schedule_names (void)
{
  return schedule_names;
}

static gboolean
find_schedule (const char   *name,
               ScheduleKind *kind)
{
  for (guint i = 0; schedule_names[i] != NULL; i++)
    if (name != NULL && strcmp (schedule_names[i], name) == 0)
      {
        *kind = (ScheduleKind) i;
        return TRUE;
      }

  return FALSE;
}

/**
 * strata_schedule_config_init:
 * @config: the settings to fill
 * @name: a schedule name
 * @base_lr: the user's learning rate
 *
 * Sets @config to the defaults: step ×0.1 every 10 epochs; exponential ×0.95 per epoch;
 * cosine without warm-up down to 0; one-cycle peaking at @base_lr; reduce-on-plateau with
 * Keras' ReduceLROnPlateau defaults (factor 0.1, patience 10, min_delta 1e-4, cooldown 0,
 * min_lr 0, watching a loss).
 */
void
strata_schedule_config_init (StrataScheduleConfig *config,
                             const char           *name,
                             double                base_lr)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (name != NULL);

  memset (config, 0, sizeof *config);
  g_strlcpy (config->name, name, sizeof config->name);
  config->base_lr = base_lr;
  config->step_epochs = 10;
  config->factor = strcmp (name, "exponential") == 0 ? 0.95 : 0.1;
  config->warmup_epochs = 0.0;
  config->min_lr = 0.0;
  config->max_lr = 0.0;
  config->patience = 10;
  config->min_delta = 1e-4;
  config->monitor_higher_is_better = FALSE;
  config->cooldown = 0;
}

static gboolean
check_setting (gboolean     ok,
               const char  *what,
               double       value,
               GError     **error)
{
  if (!ok)
    g_set_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_INVALID,
                 /* Translators: %s is a setting such as “factor”, %g its value */
                 _("The learning-rate schedule setting “%s” can't be %g"), what, value);
  return ok;
}

static gboolean
check_config (const StrataScheduleConfig *config,
              ScheduleKind                kind,
              GError                    **error)
{
  const double f = config->factor;

  if (!check_setting (isfinite (config->base_lr) && config->base_lr >= 0.0,
                      "base_lr", config->base_lr, error)
      || !check_setting (isfinite (config->min_lr) && config->min_lr >= 0.0,
                         "min_lr", config->min_lr, error))
    return FALSE;

  switch (kind)
    {
    case SCHEDULE_STEP:
      return check_setting (config->step_epochs >= 1, "step_epochs", config->step_epochs, error)
             && check_setting (isfinite (f) && f > 0.0, "factor", f, error);
    case SCHEDULE_EXPONENTIAL:
      return check_setting (isfinite (f) && f > 0.0, "factor", f, error);
    case SCHEDULE_COSINE:
      return check_setting (isfinite (config->warmup_epochs) && config->warmup_epochs >= 0.0,
                            "warmup_epochs", config->warmup_epochs, error);
    case SCHEDULE_ONE_CYCLE:
      return check_setting (isfinite (config->max_lr) && config->max_lr >= 0.0,
                            "max_lr", config->max_lr, error);
    case SCHEDULE_REDUCE_ON_PLATEAU:
      /* Keras refuses factor ≥ 1 too. */
      return check_setting (isfinite (f) && f > 0.0 && f < 1.0, "factor", f, error)
             && check_setting (config->patience >= 0, "patience", config->patience, error)
             && check_setting (isfinite (config->min_delta) && config->min_delta >= 0.0,
                               "min_delta", config->min_delta, error)
             && check_setting (config->cooldown >= 0, "cooldown", config->cooldown, error);
    case SCHEDULE_CONSTANT:
    default:
      return TRUE;
    }
}

static void
reset_state (StrataSchedule *self)
{
  self->scale = 1.0;
  self->has_best = FALSE;
  self->best = 0.0;
  self->wait = 0;
  self->cooldown_counter = 0;
  self->last_epoch = -1;
}

/**
 * strata_schedule_new:
 * @config: the settings
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the schedule, or %NULL with @error set
 */
StrataSchedule *
strata_schedule_new (const StrataScheduleConfig *config,
                     GError                    **error)
{
  StrataSchedule *self;
  ScheduleKind kind;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!find_schedule (config->name, &kind))
    {
      g_set_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_UNKNOWN,
                   _("There is no learning-rate schedule named “%s”"), config->name);
      return NULL;
    }

  if (!check_config (config, kind, error))
    return NULL;

  self = g_new0 (StrataSchedule, 1);
  self->config = *config;
  self->kind = kind;
  reset_state (self);

  return self;
}

/**
 * strata_schedule_free:
 * @self: (nullable): a schedule
 */
void
strata_schedule_free (StrataSchedule *self)
{
  g_free (self);
}

/**
 * strata_schedule_get_config:
 * @self: a schedule
 *
 * Returns: (transfer none): its settings
 */
const StrataScheduleConfig *
strata_schedule_get_config (StrataSchedule *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->config;
}

/* PyTorch's OneCycleLR _annealing_cos, term for term. */
static double
anneal_cos (double start,
            double end,
            double pct)
{
  double cos_out = cos (G_PI * pct) + 1.0;

  return end + (start - end) / 2.0 * cos_out;
}

static double
one_cycle_lr (const StrataScheduleConfig *config,
              gint64                      step,
              gint64                      total_steps)
{
  double peak = config->max_lr > 0.0 ? config->max_lr : config->base_lr;
  double initial = peak / ONE_CYCLE_DIV;
  double final = initial / ONE_CYCLE_FINAL_DIV;
  double end_1 = ONE_CYCLE_PCT_START * (double) total_steps - 1.0;
  double end_2 = (double) total_steps - 1.0;
  double s = (double) step;
  double lr;

  if (end_1 > 0.0 && s <= end_1)
    lr = anneal_cos (initial, peak, s / end_1);
  else
    {
      double start = MAX (end_1, 0.0);
      double pct = end_2 > start ? (s - start) / (end_2 - start) : 1.0;

      lr = anneal_cos (peak, final, CLAMP (pct, 0.0, 1.0));
    }

  return MAX (lr, config->min_lr);
}

static double
cosine_lr (const StrataScheduleConfig *config,
           gint64                      step,
           gint64                      steps_per_epoch,
           gint64                      total_steps)
{
  gint64 warmup = (gint64) llround (config->warmup_epochs * (double) steps_per_epoch);
  double pct;

  if (step < warmup)
    return config->base_lr * (double) (step + 1) / (double) warmup;

  if (total_steps <= warmup)
    return config->base_lr;

  pct = MIN (1.0, (double) (step - warmup) / (double) (total_steps - warmup));

  return config->min_lr + (config->base_lr - config->min_lr) * 0.5 * (1.0 + cos (G_PI * pct));
}

/**
 * strata_schedule_get_lr:
 * @self: a schedule
 * @step: the batch about to run, counted from 0 at the start of training (a resumed run
 *   goes on counting where it stopped)
 * @steps_per_epoch: batches per epoch, ≥ 1
 * @total_epochs: the planned length of the whole run, for cosine and one-cycle
 *
 * The learning rate for batch @step. With s = @step, E = @steps_per_epoch,
 * T = @total_epochs × E and b = base_lr:
 *
 * - constant: b
 * - step: b × factor^⌊s / (E × step_epochs)⌋
 * - exponential: b × factor^(s / E), i.e. ×factor per epoch, changing smoothly every step
 * - cosine: with W = round(warmup_epochs × E) warm-up steps, b × (s + 1) / W while s < W
 *   (the line from 0 that reaches b at the last warm-up step, so no step runs at 0);
 *   then min_lr + (b − min_lr) × ½(1 + cos(π p)) with p = min(1, (s − W) / (T − W)): b at
 *   s = W, min_lr at s = T, the end of the last epoch
 * - one_cycle: PyTorch's OneCycleLR with its defaults (cosine annealing, pct_start 0.3,
 *   div_factor 25, final_div_factor 1e4, two phases). With the peak P = max_lr, or b when
 *   max_lr is 0, the start L₀ = P / 25, the end L₁ = L₀ / 1e4 = P / 2.5e5,
 *   e₁ = 0.3 T − 1 and e₂ = T − 1, and anneal(a, z, x) = z + (a − z) × ½(1 + cos(π x)):
 *   anneal(L₀, P, s / e₁) for s ≤ e₁ (L₀ at the first step rising to P), then
 *   anneal(P, L₁, (s − e₁) / (e₂ − e₁)) (P falling to L₁ at the last step, s = T − 1),
 *   held at L₁ past the end; never below min_lr
 * - reduce_on_plateau: b × the product of the drops made so far by
 *   strata_schedule_epoch_end(), not below min_lr once it has dropped
 *
 * A resumed run creates its schedule from its own settings and loads the saved state. The
 * curves above are then evaluated with the new settings at the resumed step, and the
 * plateau's saved multiplier applies to the new base_lr: in every case a new base_lr scales
 * the rest of the run's learning rates as a whole.
 *
 * Returns: the learning rate
 */
double
strata_schedule_get_lr (StrataSchedule *self,
                        gint64          step,
                        gint64          steps_per_epoch,
                        int             total_epochs)
{
  const StrataScheduleConfig *config;
  gint64 total_steps;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (step >= 0, self->config.base_lr);
  g_return_val_if_fail (steps_per_epoch >= 1, self->config.base_lr);

  config = &self->config;
  total_steps = (gint64) MAX (total_epochs, 1) * steps_per_epoch;

  switch (self->kind)
    {
    case SCHEDULE_STEP:
      return config->base_lr
             * pow (config->factor,
                    (double) (step / (steps_per_epoch * (gint64) config->step_epochs)));
    case SCHEDULE_EXPONENTIAL:
      return config->base_lr * pow (config->factor, (double) step / (double) steps_per_epoch);
    case SCHEDULE_COSINE:
      return cosine_lr (config, step, steps_per_epoch, total_steps);
    case SCHEDULE_ONE_CYCLE:
      return one_cycle_lr (config, step, total_steps);
    case SCHEDULE_REDUCE_ON_PLATEAU:
      if (self->scale < 1.0)
        return MAX (config->base_lr * self->scale, config->min_lr);
      return config->base_lr * self->scale;
    case SCHEDULE_CONSTANT:
    default:
      return config->base_lr;
    }
}

/* Keras' monitor_op: improvement by more than min_delta. */
static gboolean
is_improvement (StrataSchedule *self,
                double          value)
{
  if (!isfinite (value))
    return FALSE;
  if (!self->has_best)
    return TRUE;
  if (self->config.monitor_higher_is_better)
    return value > self->best + self->config.min_delta;
  return value < self->best - self->config.min_delta;
}

/**
 * strata_schedule_epoch_end:
 * @self: a schedule
 * @epoch: the 0-based index of the epoch that just ended, counted over the whole run
 * @monitored: the value of the watched metric (e.g. validation loss) for that epoch
 *
 * Feeds reduce_on_plateau, with the logic of Keras' ReduceLROnPlateau.on_epoch_end: after
 * `patience` epochs without an improvement by more than min_delta, the learning rate is
 * multiplied by factor (not below min_lr) and the next `cooldown` epochs count no waiting.
 * A value that is not finite never improves. A call for an epoch not after the last one
 * seen is ignored, so replaying an epoch end after a resume can't drop the rate twice.
 * Other schedules ignore it.
 */
void
strata_schedule_epoch_end (StrataSchedule *self,
                           int             epoch,
                           double          monitored)
{
  const StrataScheduleConfig *config;

  g_return_if_fail (self != NULL);

  if (self->kind != SCHEDULE_REDUCE_ON_PLATEAU)
    return;

  if (epoch <= self->last_epoch)
    {
      g_debug ("Ignoring a second end of epoch %d", epoch);
      return;
    }
  self->last_epoch = epoch;
  config = &self->config;

  if (self->cooldown_counter > 0)
    {
      self->cooldown_counter--;
      self->wait = 0;
    }

  if (is_improvement (self, monitored))
    {
      self->best = monitored;
      self->has_best = TRUE;
      self->wait = 0;
    }
  else if (self->cooldown_counter == 0)
    {
      self->wait++;
      if (self->wait >= config->patience)
        {
          /* The same value get_lr() returns, so the comparison is with what ran. */
          double old_lr = self->scale < 1.0 ? MAX (config->base_lr * self->scale, config->min_lr)
                                             : config->base_lr * self->scale;

          /* Keras compares with min_lr in float32; a relative margin does the same job of
           * not "dropping" a rate that already sits on the floor. */
          if (old_lr > config->min_lr * (1.0 + 1e-7) && config->base_lr > 0.0)
            {
              double new_lr = MAX (old_lr * config->factor, config->min_lr);

              self->scale = new_lr / config->base_lr;
              self->cooldown_counter = config->cooldown;
              self->wait = 0;
            }
        }
    }
}

/**
 * strata_schedule_save_state:
 * @self: a schedule
 *
 * The state to save with a checkpoint: `{"schedule": NAME, "version": 1}`, and for
 * reduce_on_plateau also `scale`, `best` (null before the first value), `wait`,
 * `cooldown_counter` and `last_epoch`. Numbers round-trip exactly through json-glib.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
strata_schedule_save_state (StrataSchedule *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schedule");
  json_builder_add_string_value (builder, schedule_names[self->kind]);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, STATE_VERSION);

  if (self->kind == SCHEDULE_REDUCE_ON_PLATEAU)
    {
      json_builder_set_member_name (builder, "scale");
      json_builder_add_double_value (builder, self->scale);
      json_builder_set_member_name (builder, "best");
      if (self->has_best)
        json_builder_add_double_value (builder, self->best);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "wait");
      json_builder_add_int_value (builder, self->wait);
      json_builder_set_member_name (builder, "cooldown_counter");
      json_builder_add_int_value (builder, self->cooldown_counter);
      json_builder_set_member_name (builder, "last_epoch");
      json_builder_add_int_value (builder, self->last_epoch);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * strata_schedule_load_state:
 * @self: a schedule
 * @state: what strata_schedule_save_state() returned, perhaps read back from a file
 * @error: return location for a #GError
 *
 * Restores a saved state into a schedule of the same name (its other settings may differ:
 * see strata_schedule_get_lr()).
 *
 * Returns: %TRUE on success; on failure (%STRATA_SCHEDULE_ERROR_STATE) @self is unchanged
 */
gboolean
strata_schedule_load_state (StrataSchedule *self,
                            JsonNode       *state,
                            GError        **error)
{
  StrataJsonState reader = { .domain = STRATA_SCHEDULE_ERROR,
                             .code = STRATA_SCHEDULE_ERROR_STATE,
                             .what = _("learning-rate schedule") };
  const char *name;
  gint64 version, wait, cooldown_counter, last_epoch;
  double scale, best = 0.0;
  gboolean has_best;
  JsonObject *object;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(object = _strata_json_state_object (&reader, state, error))
      || !_strata_json_state_string (&reader, object, "schedule", &name, error)
      || !_strata_json_state_int (&reader, object, "version", 0, G_MAXINT, &version, error))
    return FALSE;

  if (version != STATE_VERSION)
    {
      g_set_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_STATE,
                   _("The saved learning-rate schedule state is of version %d, which this "
                     "version of Strata does not read"), (int) version);
      return FALSE;
    }

  if (strcmp (name, schedule_names[self->kind]) != 0)
    {
      g_set_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_STATE,
                   /* Translators: both %s are schedule names such as “cosine” */
                   _("The saved learning-rate schedule state is for “%s”, not “%s”"),
                   name, schedule_names[self->kind]);
      return FALSE;
    }

  if (self->kind != SCHEDULE_REDUCE_ON_PLATEAU)
    return TRUE;

  if (!_strata_json_state_double (&reader, object, "scale", FALSE, &scale, NULL, error)
      || !_strata_json_state_double (&reader, object, "best", TRUE, &best, &has_best, error)
      || !_strata_json_state_int (&reader, object, "wait", 0, G_MAXINT, &wait, error)
      || !_strata_json_state_int (&reader, object, "cooldown_counter", 0, G_MAXINT,
                                  &cooldown_counter, error)
      || !_strata_json_state_int (&reader, object, "last_epoch", -1, G_MAXINT, &last_epoch,
                                  error))
    return FALSE;

  if (!(scale > 0.0))
    {
      g_set_error (error, STRATA_SCHEDULE_ERROR, STRATA_SCHEDULE_ERROR_STATE,
                   _("The saved learning-rate schedule state has a scale of %g"), scale);
      return FALSE;
    }

  self->scale = scale;
  self->has_best = has_best;
  self->best = best;
  self->wait = (int) wait;
  self->cooldown_counter = (int) cooldown_counter;
  self->last_epoch = (int) last_epoch;

  return TRUE;
}

/* strata-early-stopping.c: Keras' EarlyStopping, and the best epoch for the best checkpoint
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-early-stopping"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "strata-early-stopping.h"
#include "strata-json-state.h"

#define STATE_VERSION 1

struct _StrataEarlyStopping
{
  StrataEarlyStoppingConfig config;
  StrataMonitorMode mode;      /* resolved: MIN or MAX */
  double min_delta;            /* Keras' signed min_delta: −|δ| when minimising */

  gboolean has_best;
  double best;
  int best_epoch;              /* -1 before the first best */
  int wait;
  gboolean stopped;
  int stopped_epoch;           /* -1 unless stopped */
  int last_epoch;              /* the last epoch seen, -1 before the first */
};

G_DEFINE_QUARK (strata-early-stopping-error-quark, strata_early_stopping_error)

/**
 * strata_monitor_mode_resolve:
 * @mode: a mode
 * @monitor: the metric's name
 *
 * Returns: @mode, or for %STRATA_MONITOR_AUTO what Keras' EarlyStopping picks for @monitor:
 *   %STRATA_MONITOR_MAX when it ends in "acc", "accuracy" or "auc", else %STRATA_MONITOR_MIN
 */
StrataMonitorMode
strata_monitor_mode_resolve (StrataMonitorMode  mode,
                             const char        *monitor)
{
  if (mode != STRATA_MONITOR_AUTO)
    return mode;

  if (monitor != NULL
      && (g_str_has_suffix (monitor, "acc") || g_str_has_suffix (monitor, "accuracy")
          || g_str_has_suffix (monitor, "auc")))
    return STRATA_MONITOR_MAX;

  return STRATA_MONITOR_MIN;
}

/**
 * strata_early_stopping_config_init:
 * @config: the settings to fill
 * @monitor: the metric to watch, e.g. "val_loss"
 *
 * Keras' defaults: mode auto, min_delta 0, patience 0, no baseline, start from epoch 0.
 */
void
strata_early_stopping_config_init (StrataEarlyStoppingConfig *config,
                                   const char                *monitor)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (monitor != NULL);

  memset (config, 0, sizeof *config);
  g_strlcpy (config->monitor, monitor, sizeof config->monitor);
  config->mode = STRATA_MONITOR_AUTO;
  config->min_delta = 0.0;
  config->patience = 0;
  config->has_baseline = FALSE;
  config->baseline = 0.0;
  config->start_from_epoch = 0;
}

static void
reset (StrataEarlyStopping *self)
{
  self->has_best = FALSE;
  self->best = 0.0;
  self->best_epoch = -1;
  self->wait = 0;
  self->stopped = FALSE;
  self->stopped_epoch = -1;
  self->last_epoch = -1;
}

/**
 * strata_early_stopping_new:
 * @config: the settings
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the helper, or %NULL with @error set
 */
StrataEarlyStopping *
strata_early_stopping_new (const StrataEarlyStoppingConfig *config,
                           GError                         **error)
{
  StrataEarlyStopping *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (config->monitor[0] == '\0')
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_INVALID,
                   _("Early stopping needs a metric to watch"));
      return NULL;
    }

  if (config->mode != STRATA_MONITOR_AUTO && config->mode != STRATA_MONITOR_MIN
      && config->mode != STRATA_MONITOR_MAX)
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_INVALID,
                   _("Early stopping has an unknown mode"));
      return NULL;
    }

  if (!isfinite (config->min_delta) || (config->has_baseline && !isfinite (config->baseline))
      || config->start_from_epoch < 0)
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_INVALID,
                   _("Early stopping has a minimum change, baseline or first epoch out of "
                     "range"));
      return NULL;
    }

  self = g_new0 (StrataEarlyStopping, 1);
  self->config = *config;
  self->mode = strata_monitor_mode_resolve (config->mode, config->monitor);
  self->min_delta = self->mode == STRATA_MONITOR_MAX ? fabs (config->min_delta)
                                                     : -fabs (config->min_delta);
  reset (self);

  return self;
}

/**
 * strata_early_stopping_free:
 * @self: (nullable): the helper
 */
void
strata_early_stopping_free (StrataEarlyStopping *self)
{
  g_free (self);
}

/**
 * strata_early_stopping_get_config:
 * @self: the helper
 *
 * Returns: (transfer none): its settings
 */
const StrataEarlyStoppingConfig *
strata_early_stopping_get_config (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->config;
}

/**
 * strata_early_stopping_get_mode:
 * @self: the helper
 *
 * Returns: %STRATA_MONITOR_MIN or %STRATA_MONITOR_MAX, auto resolved
 */
StrataMonitorMode
strata_early_stopping_get_mode (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, STRATA_MONITOR_MIN);

  return self->mode;
}

/* Keras' _is_improvement: monitor_op(value − min_delta, reference). */
static gboolean
is_improvement (StrataEarlyStopping *self,
                double               value,
                gboolean             has_reference,
                double               reference)
{
  if (!isfinite (value))
    return FALSE;
  if (!has_reference)
    return TRUE;
  if (self->mode == STRATA_MONITOR_MAX)
    return value - self->min_delta > reference;
  return value - self->min_delta < reference;
}

/**
 * strata_early_stopping_epoch_end:
 * @self: the helper
 * @epoch: the 0-based index of the epoch that just ended, counted over the whole run
 * @value: the watched metric's value for that epoch
 *
 * Keras' EarlyStopping.on_epoch_end: epochs before start_from_epoch are ignored; otherwise
 * the wait grows by one, and an improvement on the best by more than min_delta makes this
 * the best epoch (and resets the wait, if it also beats the baseline); without one, training
 * stops once the wait reaches patience (never at epoch 0). A value that is not finite never
 * improves. A call for an epoch not after the last one seen changes nothing.
 *
 * Returns: %STRATA_EARLY_STOPPING_NEW_BEST when this epoch is the new best (write the best
 *   checkpoint now), %STRATA_EARLY_STOPPING_STOP when training should stop
 */
StrataEarlyStoppingResult
strata_early_stopping_epoch_end (StrataEarlyStopping *self,
                                 int                  epoch,
                                 double               value)
{
  g_return_val_if_fail (self != NULL, STRATA_EARLY_STOPPING_CONTINUE);

  if (epoch <= self->last_epoch)
    {
      g_debug ("Ignoring a second end of epoch %d", epoch);
      return STRATA_EARLY_STOPPING_CONTINUE;
    }
  self->last_epoch = epoch;

  if (epoch < self->config.start_from_epoch)
    return STRATA_EARLY_STOPPING_CONTINUE;

  self->wait++;
  if (is_improvement (self, value, self->has_best, self->best))
    {
      self->best = value;
      self->has_best = TRUE;
      self->best_epoch = epoch;
      if (!self->config.has_baseline
          || is_improvement (self, value, TRUE, self->config.baseline))
        self->wait = 0;
      return STRATA_EARLY_STOPPING_NEW_BEST;
    }

  if (self->config.patience >= 0 && self->wait >= self->config.patience && epoch > 0)
    {
      self->stopped = TRUE;
      self->stopped_epoch = epoch;
      return STRATA_EARLY_STOPPING_STOP;
    }

  return STRATA_EARLY_STOPPING_CONTINUE;
}

/**
 * strata_early_stopping_has_best:
 * @self: the helper
 *
 * Returns: whether an epoch has been counted as best yet
 */
gboolean
strata_early_stopping_has_best (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_best;
}

/**
 * strata_early_stopping_get_best:
 * @self: the helper
 *
 * Returns: the best value so far, or NAN before the first
 */
double
strata_early_stopping_get_best (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, NAN);

  return self->has_best ? self->best : NAN;
}

/**
 * strata_early_stopping_get_best_epoch:
 * @self: the helper
 *
 * Returns: the epoch of the best value, or -1 before the first
 */
int
strata_early_stopping_get_best_epoch (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->best_epoch;
}

/**
 * strata_early_stopping_get_wait:
 * @self: the helper
 *
 * Returns: Keras' wait counter: epochs counted since the last reset
 */
int
strata_early_stopping_get_wait (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->wait;
}

/**
 * strata_early_stopping_get_stopped:
 * @self: the helper
 *
 * Returns: whether it has asked to stop
 */
gboolean
strata_early_stopping_get_stopped (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->stopped;
}

/**
 * strata_early_stopping_get_stopped_epoch:
 * @self: the helper
 *
 * Returns: the epoch at which it asked to stop, or -1
 */
int
strata_early_stopping_get_stopped_epoch (StrataEarlyStopping *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->stopped_epoch;
}

/**
 * strata_early_stopping_rearm:
 * @self: the helper
 *
 * Forgets the wait and the stop but keeps the best value and epoch. For a run resumed
 * after it stopped early: with the restored state it would stop again at its first epoch
 * end (Keras starts every fit() afresh, which would forget the best as well).
 */
void
strata_early_stopping_rearm (StrataEarlyStopping *self)
{
  g_return_if_fail (self != NULL);

  self->wait = 0;
  self->stopped = FALSE;
  self->stopped_epoch = -1;
}

/**
 * strata_early_stopping_save_state:
 * @self: the helper
 *
 * The state to save with a checkpoint: `monitor`, `mode` ("min" or "max"), `version`,
 * `best` (null before the first), `best_epoch`, `wait`, `stopped`, `stopped_epoch` and
 * `last_epoch`.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
strata_early_stopping_save_state (StrataEarlyStopping *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "monitor");
  json_builder_add_string_value (builder, self->config.monitor);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->mode == STRATA_MONITOR_MAX ? "max" : "min");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, STATE_VERSION);
  json_builder_set_member_name (builder, "best");
  if (self->has_best)
    json_builder_add_double_value (builder, self->best);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "best_epoch");
  json_builder_add_int_value (builder, self->best_epoch);
  json_builder_set_member_name (builder, "wait");
  json_builder_add_int_value (builder, self->wait);
  json_builder_set_member_name (builder, "stopped");
  json_builder_add_boolean_value (builder, self->stopped);
  json_builder_set_member_name (builder, "stopped_epoch");
  json_builder_add_int_value (builder, self->stopped_epoch);
  json_builder_set_member_name (builder, "last_epoch");
  json_builder_add_int_value (builder, self->last_epoch);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * strata_early_stopping_load_state:
 * @self: the helper
 * @state: what strata_early_stopping_save_state() returned, perhaps read back from a file
 * @error: return location for a #GError
 *
 * Restores a saved state. It must be for the same metric and direction: a best value of
 * another metric means nothing here.
 *
 * Returns: %TRUE on success; on failure (%STRATA_EARLY_STOPPING_ERROR_STATE) @self is
 *   unchanged
 */
gboolean
strata_early_stopping_load_state (StrataEarlyStopping *self,
                                  JsonNode            *state,
                                  GError             **error)
{
  StrataJsonState reader = { .domain = STRATA_EARLY_STOPPING_ERROR,
                             .code = STRATA_EARLY_STOPPING_ERROR_STATE,
                             .what = _("early stopping") };
  const char *monitor, *mode;
  gint64 version, best_epoch, wait, stopped_epoch, last_epoch;
  gboolean has_best, stopped;
  double best;
  JsonObject *object;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(object = _strata_json_state_object (&reader, state, error))
      || !_strata_json_state_string (&reader, object, "monitor", &monitor, error)
      || !_strata_json_state_string (&reader, object, "mode", &mode, error)
      || !_strata_json_state_int (&reader, object, "version", 0, G_MAXINT, &version, error))
    return FALSE;

  if (version != STATE_VERSION)
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_STATE,
                   _("The saved early stopping state is of version %d, which this version "
                     "of Strata does not read"), (int) version);
      return FALSE;
    }

  if (strcmp (monitor, self->config.monitor) != 0
      || strcmp (mode, self->mode == STRATA_MONITOR_MAX ? "max" : "min") != 0)
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_STATE,
                   /* Translators: the %s are metric names such as “val_loss”, then “min”
                    * or “max” */
                   _("The saved early stopping state watches “%s” (%s), not “%s” (%s)"),
                   monitor, mode, self->config.monitor,
                   self->mode == STRATA_MONITOR_MAX ? "max" : "min");
      return FALSE;
    }

  if (!_strata_json_state_double (&reader, object, "best", TRUE, &best, &has_best, error)
      || !_strata_json_state_int (&reader, object, "best_epoch", -1, G_MAXINT, &best_epoch,
                                  error)
      || !_strata_json_state_int (&reader, object, "wait", 0, G_MAXINT, &wait, error)
      || !_strata_json_state_boolean (&reader, object, "stopped", &stopped, error)
      || !_strata_json_state_int (&reader, object, "stopped_epoch", -1, G_MAXINT,
                                  &stopped_epoch, error)
      || !_strata_json_state_int (&reader, object, "last_epoch", -1, G_MAXINT, &last_epoch,
                                  error))
    return FALSE;

  if (has_best != (best_epoch >= 0))
    {
      g_set_error (error, STRATA_EARLY_STOPPING_ERROR, STRATA_EARLY_STOPPING_ERROR_STATE,
                   _("The saved early stopping state has a best value without its epoch"));
      return FALSE;
    }

  self->has_best = has_best;
  self->best = best;
  self->best_epoch = (int) best_epoch;
  self->wait = (int) wait;
  self->stopped = stopped;
  self->stopped_epoch = (int) stopped_epoch;
  self->last_epoch = (int) last_epoch;

  return TRUE;
}

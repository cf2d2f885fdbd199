/* strata-schedule.h: learning-rate schedules and their resumable state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STRATA_SCHEDULE_ERROR (strata_schedule_error_quark ())

typedef enum
{
  STRATA_SCHEDULE_ERROR_UNKNOWN,   /* no schedule by that name */
  STRATA_SCHEDULE_ERROR_INVALID,   /* a setting out of range */
  STRATA_SCHEDULE_ERROR_STATE,     /* saved state malformed or of another schedule */
} StrataScheduleError;

GQuark strata_schedule_error_quark (void);

/**
 * StrataScheduleConfig:
 * @name: "constant", "step", "exponential", "cosine", "one_cycle" or "reduce_on_plateau"
 * @base_lr: the learning rate the user set
 * @step_epochs: step: epochs between drops
 * @factor: step and reduce_on_plateau: multiplier at each drop; exponential: per-epoch multiplier
 * @warmup_epochs: cosine: epochs of linear warm-up from 0 (may be fractional)
 * @min_lr: cosine: where the curve ends; one_cycle and reduce_on_plateau: the floor
 * @max_lr: one_cycle: the peak; 0 (the default) means @base_lr, the user's learning rate
 * @patience: reduce_on_plateau: epochs without improvement before a drop
 * @min_delta: reduce_on_plateau: the smallest change that counts as improvement
 * @monitor_higher_is_better: reduce_on_plateau: TRUE for accuracy, FALSE for loss
 * @cooldown: reduce_on_plateau: epochs after a drop during which no improvement is counted
 *
 * strata_schedule_config_init() fills in the defaults for a schedule; the curves are
 * described at strata_schedule_get_lr().
 */
typedef struct
{
  char name[24];
  double base_lr;
  int step_epochs;
  double factor;
  double warmup_epochs;
  double min_lr;
  double max_lr;
  int patience;
  double min_delta;
  gboolean monitor_higher_is_better;
  int cooldown;
} StrataScheduleConfig;

void               strata_schedule_config_init (StrataScheduleConfig       *config,
                                                const char                 *name,
                                                double                      base_lr);
const char *const *strata_schedule_names       (void);

typedef struct _StrataSchedule StrataSchedule;

StrataSchedule *strata_schedule_new        (const StrataScheduleConfig *config,
                                            GError                    **error);
void            strata_schedule_free       (StrataSchedule             *self);
const StrataScheduleConfig *
                strata_schedule_get_config (StrataSchedule             *self);
double          strata_schedule_get_lr     (StrataSchedule             *self,
                                            gint64                      step,
                                            gint64                      steps_per_epoch,
                                            int                         total_epochs);
void            strata_schedule_epoch_end  (StrataSchedule             *self,
                                            int                         epoch,
                                            double                      monitored);
JsonNode       *strata_schedule_save_state (StrataSchedule             *self);
gboolean        strata_schedule_load_state (StrataSchedule             *self,
                                            JsonNode                   *state,
                                            GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSchedule, strata_schedule_free)

G_END_DECLS

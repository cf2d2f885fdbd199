/* strata-hyperparams.h: how a model is trained: optimizer, learning rate, schedule, epochs
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "strata-optimizer.h"
#include "strata-schedule.h"

G_BEGIN_DECLS

#define STRATA_TYPE_HYPERPARAMS (strata_hyperparams_get_type ())

G_DECLARE_FINAL_TYPE (StrataHyperparams, strata_hyperparams, STRATA, HYPERPARAMS, GObject)

StrataHyperparams *strata_hyperparams_new                (void);
StrataHyperparams *strata_hyperparams_copy               (StrataHyperparams     *self);
void               strata_hyperparams_set_optimizer      (StrataHyperparams     *self,
                                                          const char            *name);
const char        *strata_hyperparams_get_optimizer      (StrataHyperparams     *self);
double             strata_hyperparams_get_learning_rate  (StrataHyperparams     *self);
guint              strata_hyperparams_get_batch_size     (StrataHyperparams     *self);
guint              strata_hyperparams_get_epochs         (StrataHyperparams     *self);
guint64            strata_hyperparams_get_seed           (StrataHyperparams     *self);
const char        *strata_hyperparams_get_monitor        (StrataHyperparams     *self);
const char        *strata_hyperparams_get_precision      (StrataHyperparams     *self);
gboolean           strata_hyperparams_get_early_stopping (StrataHyperparams     *self);
guint              strata_hyperparams_get_patience       (StrataHyperparams     *self);
double             strata_hyperparams_get_min_delta      (StrataHyperparams     *self);
void               strata_hyperparams_get_optimizer_config (StrataHyperparams   *self,
                                                            StrataOptimizerConfig *config);
void               strata_hyperparams_get_schedule_config  (StrataHyperparams   *self,
                                                            StrataScheduleConfig  *config);
gboolean           strata_hyperparams_check              (StrataHyperparams     *self,
                                                          GError               **error);
JsonNode          *strata_hyperparams_to_json            (StrataHyperparams     *self);
gboolean           strata_hyperparams_load_json          (StrataHyperparams     *self,
                                                          JsonNode              *node,
                                                          GError               **error);

G_END_DECLS

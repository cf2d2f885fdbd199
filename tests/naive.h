/* naive.h: a plain reference interpreter of a model, in double precision, for tests
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written as directly as possible from Keras' definitions (NHWC loops, no layouts, no
 * fusion), so that the plan can be checked against it and its backward against central
 * finite differences of it.
 */

#pragma once

#include "strata-model.h"

G_BEGIN_DECLS

typedef struct _Naive Naive;

/* @dropout_keys: one key per layer index (only Dropout layers' are read), or NULL for no
 * dropout; @train: batch statistics for trainable BatchNormalization layers. */
Naive        *naive_new          (StrataModel   *model,
                                  guint          batch,
                                  gboolean       train);
void          naive_free         (Naive         *naive);
double       *naive_input        (Naive         *naive);
double       *naive_tensor       (Naive         *naive,
                                  const char    *name);
void          naive_set_dropout_key (Naive      *naive,
                                     const char *layer,
                                     guint64     key);
double        naive_forward      (Naive         *naive,
                                  const gint32  *labels);
const double *naive_output       (Naive         *naive,
                                  const char    *layer,
                                  gsize         *n);
const double *naive_batch_mean   (Naive         *naive,
                                  const char    *layer);
const double *naive_batch_var    (Naive         *naive,
                                  const char    *layer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Naive, naive_free)

G_END_DECLS

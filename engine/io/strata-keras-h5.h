/* strata-keras-h5.h: write a model as a Keras full-model HDF5 file
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-keras-model.h"

G_BEGIN_DECLS

/* The Keras version and backend the files claim; tf.keras 2.4–2.15 and Keras 3 read them. */
#define STRATA_KERAS_VERSION "2.13.1"
#define STRATA_KERAS_BACKEND "tensorflow"

/* Keras' HDF5_OBJECT_HEADER_LIMIT: longer name lists are split into name0, name1, … */
#define STRATA_KERAS_HEADER_LIMIT 64512

gboolean strata_keras_h5_write (StrataKerasModel  *model,
                                const char        *path,
                                GError           **error);

G_END_DECLS

/* strata-keras-h5-reader-private.h: the HDF5 side of the Keras reader, for its helper program
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-keras-h5-reader.h"

G_BEGIN_DECLS

/* The exit statuses of strata-h5-reader besides 0, with the GError's message on stderr. */
#define STRATA_H5_READER_EXIT_CORRUPT 1
#define STRATA_H5_READER_EXIT_READ    2
#define STRATA_H5_READER_EXIT_USAGE   3

StrataKerasH5 *_strata_keras_h5_open_direct        (const char                *path,
                                                     GError                   **error);
gboolean       _strata_keras_h5_write_safetensors  (StrataKerasH5             *self,
                                                     const char                *path,
                                                     StrataKerasH5Flags         flags,
                                                     GError                   **error);
gboolean       _strata_keras_h5_write_safetensors_fd (StrataKerasH5           *self,
                                                      int                      fd,
                                                      const char              *path,
                                                      StrataKerasH5Flags       flags,
                                                      GError                 **error);
StrataKerasH5 *_strata_keras_h5_open_safetensors   (const char                *path,
                                                     const char                *display_name,
                                                     StrataKerasH5Flags         flags,
                                                     GError                   **error);

G_END_DECLS

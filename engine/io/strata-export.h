/* strata-export.h: a run's model as a self-tested submission zip
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "strata-dataset.h"
#include "strata-keras-model.h"
#include "strata-progress.h"
#include "strata-project.h"

G_BEGIN_DECLS

/* Probabilities of test.py and of Strata may differ by this much (absolute). */
#define STRATA_EXPORT_TOLERANCE 1e-4

/* Images the check takes from the data by default. */
#define STRATA_EXPORT_CHECK_IMAGES 200

/**
 * StrataExportOptions:
 * @weights: (nullable): "best" or "last"; %NULL takes best when the run has it
 * @check_images: how many images of the data test.py is checked on, spread evenly over the
 *   split; 0 for %STRATA_EXPORT_CHECK_IMAGES, %G_MAXUINT for the whole split
 * @check_split: the split to check on; -1 picks test, else validation, else train
 * @skip_check: write the zip without running test.py
 * @require_check: fail when the check can't run (no Python, numpy, PyTorch or h5py);
 *   otherwise the zip is written and the result says it was not checked
 * @python: (nullable): the Python interpreter; %NULL looks at $STRATA_PYTHON, then
 *   /usr/bin/python3, then python3 on the PATH
 * @backend: (nullable): test.py's --backend: "auto" (the default: Keras when installed),
 *   "torch" or "keras"
 * @progress: (nullable): reports each stage
 * @progress_data: its data
 */
typedef struct
{
  const char *weights;
  guint check_images;
  int check_split;
  gboolean skip_check;
  gboolean require_check;
  const char *python;
  const char *backend;
  StrataProgressFunc progress;
  gpointer progress_data;
} StrataExportOptions;

/**
 * StrataExportResult:
 * @path: the zip written
 * @weights: "best" or "last"
 * @checked: whether test.py ran and agreed with Strata
 * @not_checked_reason: (nullable): why the check did not run
 * @check_split: the split the check images came from
 * @check_images: images both classified
 * @check_backend: (nullable): what test.py ran on: "torch" or "keras"
 * @check_max_difference: the largest difference of a probability
 * @check_seconds: how long test.py took
 * @seconds: the whole export
 * @zip_bytes: the zip's size
 */
typedef struct
{
  char *path;
  char *weights;
  gboolean checked;
  char *not_checked_reason;
  StrataSplit check_split;
  guint check_images;
  char *check_backend;
  double check_max_difference;
  double check_seconds;
  double seconds;
  guint64 zip_bytes;
} StrataExportResult;

void                strata_export_result_free    (StrataExportResult        *self);
JsonNode           *strata_export_result_to_json (const StrataExportResult  *self);

StrataExportResult *strata_export_zip            (StrataProject             *project,
                                                  const char                *run,
                                                  const char                *path,
                                                  const StrataExportOptions *options,
                                                  GCancellable              *cancellable,
                                                  GError                   **error);

/* The parts, for other exports and for tests */
gboolean            strata_export_write_safetensors (StrataKerasModel       *model,
                                                     JsonNode               *metadata,
                                                     const char             *path,
                                                     GError                **error);
JsonNode           *strata_export_build_config   (StrataKerasModel          *model,
                                                  StrataDatasetSettings     *settings,
                                                  const char *const         *classes,
                                                  JsonNode                  *info);
JsonNode           *strata_export_preprocessing_json (StrataDatasetSettings *settings);
char               *strata_export_find_python    (const char                *wanted);
GBytes             *strata_export_get_file       (const char                *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataExportResult, strata_export_result_free)

G_END_DECLS

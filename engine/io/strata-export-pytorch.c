/* strata-export-pytorch.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-export-pytorch.h"
#include "strata-keras-model.h"

gboolean
strata_export_pytorch (StrataProject                    *project,
                       const char                       *run,
                       const char                       *dir,
                       const StrataPytorchExportOptions *options,
                       GCancellable                     *cancellable,
                       GError                          **error)
{
  g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_UNSUPPORTED, "not yet");
  return FALSE;
}

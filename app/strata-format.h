/* strata-format.h: numbers and times as the window shows them
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *strata_format_duration  (double  seconds);
char *strata_format_eta       (double  seconds);
char *strata_format_rate      (double  images_per_second);
char *strata_format_percent   (double  fraction);
char *strata_format_metric    (double  value);
char *strata_format_value     (const char *metric,
                               double      value);
char *strata_format_count     (guint64 count);
const char *strata_format_metric_name (const char *metric);
const char *strata_format_metric_phrase (const char *metric);
const char *strata_format_status      (const char *status);

G_END_DECLS

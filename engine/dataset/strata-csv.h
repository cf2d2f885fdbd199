/* strata-csv.h: CSV text to rows, with the delimiter detected
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char delimiter;
  GPtrArray *rows;       /* GStrv: the fields of each non-empty line */
  GArray *lines;         /* guint: the line number (from 1) of each row */
} StrataCsv;

char       strata_csv_detect_delimiter (const char *text,
                                        gsize       length);
StrataCsv *strata_csv_parse            (const char *text,
                                        gsize       length,
                                        GError    **error);
void       strata_csv_free             (StrataCsv  *csv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCsv, strata_csv_free)

G_END_DECLS

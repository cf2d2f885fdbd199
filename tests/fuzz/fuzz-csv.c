/* fuzz-csv.c: a dataset's labels.csv, as the files source reads it
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-csv.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(StrataCsv) csv = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  csv = strata_csv_parse ((const char *) data, size, &error);
  g_assert ((csv == NULL) == (error != NULL));
  if (csv == NULL)
    return 0;
  g_assert (csv->rows->len == csv->lines->len);
  for (guint r = 0; r < csv->rows->len; r++)
    {
      char **fields = g_ptr_array_index (csv->rows, r);

      g_assert (fields != NULL);
      for (guint f = 0; fields[f]; f++)
        g_assert (g_utf8_validate (fields[f], -1, NULL));
    }
  return 0;
}

/* fuzz-zip.c: a dataset zip: its directory, its names, and every entry read
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-zip.h"

#define MAX_ENTRY (1 << 20)

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *path = fuzz_write_file ("fuzz.zip", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataZip) zip = strata_zip_open (path, &error);
  guint n;

  g_assert ((zip == NULL) == (error != NULL));
  if (zip == NULL)
    return 0;
  n = strata_zip_get_n_entries (zip);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) read_error = NULL;
      const char *name = strata_zip_get_name (zip, i);

      g_assert (g_utf8_validate (name, -1, NULL));
      strata_zip_is_safe_name (name);
      if (strata_zip_is_dir (zip, i))
        continue;
      bytes = strata_zip_read (zip, i, MAX_ENTRY, &read_error);
      g_assert ((bytes == NULL) == (read_error != NULL));
      if (bytes)
        g_assert (g_bytes_get_size (bytes) == strata_zip_get_size (zip, i));
    }
  return 0;
}

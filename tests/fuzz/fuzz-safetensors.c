/* fuzz-safetensors.c: a safetensors file (checkpoints, imported runs, zoo weights): the
 * header, every tensor's name and shape, and every floating-point tensor converted
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-safetensors.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *path = fuzz_write_file ("fuzz.safetensors", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, &error);
  guint n;

  g_assert ((st == NULL) == (error != NULL));
  if (st == NULL)
    return 0;
  strata_safetensors_get_metadata (st, "format");
  n = strata_safetensors_get_n_tensors (st);
  for (guint i = 0; i < n; i++)
    {
      const StrataSafetensorsInfo *info = strata_safetensors_get_info (st, i);
      g_autoptr(GError) read_error = NULL;
      g_autofree float *values = NULL;

      g_assert (info->rank >= 0 && info->rank <= STRATA_SAFETENSORS_MAX_RANK);
      g_assert (strata_safetensors_lookup (st, info->name) == info);
      /* the data of a tensor is in the file, so its size is bounded by the input's */
      if (info->n_elements > (gint64) size)
        continue;
      values = g_new (float, MAX (info->n_elements, 1));
      if (!strata_safetensors_read_f32 (st, info->name, values, info->n_elements, &read_error))
        g_assert (read_error != NULL);
      g_clear_error (&read_error);
      /* a wrong count is an error, not a read past the tensor */
      g_assert_false (strata_safetensors_read_f32 (st, info->name, values,
                                                   info->n_elements + 1, &read_error));
    }
  return 0;
}

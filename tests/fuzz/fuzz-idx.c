/* fuzz-idx.c: a Fashion-MNIST folder: the four IDX files, each plain or gzip, their headers,
 * labels and images
 *
 * Input: train images, train labels, t10k images and t10k labels, in that order, between
 * FUZZ_SEPARATOR lines.
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-image.h"
#include "strata-source-idx.h"

static const char *const files[] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GPtrArray) parts = fuzz_split (data, size, G_N_ELEMENTS (files));
  g_autofree char *dir = g_build_filename (fuzz_tmpdir (), "idx", NULL);
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = g_build_filename ("idx", files[i], NULL);
      gsize length = 0;
      const guint8 *contents = g_bytes_get_data (g_ptr_array_index (parts, i), &length);

      g_free (fuzz_write_file (name, contents, length));
    }

  source = strata_source_idx_new_fashion_mnist (dir);
  if (!strata_source_load (source, NULL, &error))
    {
      g_assert (error != NULL);
      return 0;
    }
  n = strata_source_get_n_items (source);
  g_assert (n > 0);
  for (guint i = 0; i < n; i += MAX (n / 8, 1))
    {
      g_auto(StrataImage) image = { 0 };
      guint sum = 0;

      int label = strata_source_get_item (source, i)->label;

      g_assert (label >= 0 && (guint) label < strata_source_get_n_classes (source));
      if (!strata_source_read_image (source, i, &image, &error))
        g_error ("Could not read image %u of a loaded source: %s", i, error->message);
      for (int y = 0; y < image.height; y++)
        for (int x = 0; x < image.width * image.channels; x++)
          sum += image.data[y * image.stride + x];
      (void) sum;
    }
  return 0;
}

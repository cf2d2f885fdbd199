/* fuzz-decode.c: an image file decoded through gdk-pixbuf as Strata calls it (the size
 * probe, the JPEG shrink, the truncation check, the EXIF turn), then resized and normalised
 * to the model's input
 *
 * Input: four bytes that choose the model's input (width, height, channels, resize mode and
 * filter), then the file.
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-decode.h"
#include "strata-image.h"

/* The default is 100 million pixels; a smaller limit keeps the fuzzer in its memory and runs
 * the same refusal. */
#define MAX_PIXELS (4 << 20)

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(StrataImage) image = { 0 };
  g_autofree guint8 *pixels = NULL;
  g_autofree float *normalized = NULL;
  StrataResizeSpec spec = { 0 };
  static const float scale[3] = { 1 / 255.f, 1 / 255.f, 1 / 255.f };
  static const float offset[3] = { 0, 0, 0 };
  gsize n_pixels;

  fuzz_init ();
  if (size < 4)
    return 0;
  spec.width = 1 + data[0] % 64;
  spec.height = 1 + data[1] % 64;
  spec.channels = data[2] & 1 ? 3 : 1;
  spec.mode = (data[2] >> 1) % 4;
  spec.filter = (data[2] >> 3) % 3;
  spec.pad_seed = data[3];
  bytes = g_bytes_new_static (data + 4, size - 4);

  if (!strata_decode_image (bytes, "fuzz", MAX_PIXELS, &spec, &image, &error))
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (image.width > 0 && image.height > 0);
  g_assert ((guint64) image.width * image.height <= MAX_PIXELS);
  g_assert (image.channels == 3 || image.channels == 4);
  n_pixels = (gsize) spec.width * spec.height;
  pixels = g_malloc (n_pixels * spec.channels);
  strata_image_resize (&image, &spec, pixels);
  normalized = g_new (float, n_pixels * spec.channels);
  strata_image_normalize_u8 (pixels, normalized, n_pixels, spec.channels, scale, offset,
                             data[3] & 1);
  return 0;
}

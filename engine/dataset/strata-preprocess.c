/* strata-preprocess.c: one image file made ready for the model, outside any dataset
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-dataset.h"
#include "strata-decode.h"
#include "strata-hash.h"
#include "strata-image.h"
#include "strata-source-files.h"

/**
 * strata_preprocess_image_file:
 * @settings: the dataset settings the model was trained with (a run's frozen copy)
 * @path: an image file
 * @dst: (out caller-allocates): image-height × image-width × image-channels floats, HWC
 *
 * Decodes, resizes and normalises @path exactly as the loader prepares a dataset image
 * without augmentation, for `strata predict`.
 */
gboolean
strata_preprocess_image_file (StrataDatasetSettings  *settings,
                              const char             *path,
                              float                  *dst,
                              GError                **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(StrataImage) image = { 0 };
  g_autofree guint8 *pixels = NULL;
  StrataResizeSpec spec = { 0 };
  guint64 max_pixels;
  float scale[3], offset[3];
  gboolean bgr;
  int mode, filter;

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (settings), FALSE);

  /* the user's own file: a link is fine, a FIFO or a device is not */
  mapped = strata_map_regular_file (path, TRUE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, STRATA_DATASET_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? STRATA_DATASET_ERROR_NOT_FOUND : STRATA_DATASET_ERROR_CORRUPT,
                   _("Could not read “%s”: %s"), display, local_error->message);
      return FALSE;
    }
  bytes = g_mapped_file_get_bytes (mapped);

  g_object_get (settings, "resize-mode", &mode, "resize-filter", &filter,
                "max-image-pixels", &max_pixels, NULL);
  spec.width = strata_dataset_settings_get_image_width (settings);
  spec.height = strata_dataset_settings_get_image_height (settings);
  spec.channels = strata_dataset_settings_get_image_channels (settings);
  spec.mode = mode;
  spec.filter = filter;
  spec.pad_seed = strata_hash_string (base);

  if (!strata_decode_image (bytes, display, max_pixels, &spec, &image, error))
    return FALSE;
  pixels = g_malloc ((gsize) spec.width * spec.height * spec.channels);
  strata_image_resize (&image, &spec, pixels);
  strata_dataset_settings_get_normalization_constants (settings, scale, offset, &bgr);
  strata_image_normalize_u8 (pixels, dst, (gsize) spec.width * spec.height, spec.channels,
                             scale, offset, bgr);
  return TRUE;
}

/* strata-thumbnail.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-thumbnail"

#include "config.h"

#include "strata-project.h"
#include "strata-thumbnail.h"

/*
 * Images of a split have no file of their own (Fashion-MNIST's are rows of an IDX file), so a
 * thumbnail is the image as the model sees it before normalisation: the engine's preview
 * pixels, at the model's input size, turned into 8-bit RGB. Reading pixels may decode a file,
 * so it is done in a worker thread; making the texture is done in the main thread.
 */

/**
 * strata_thumbnail_open_dataset:
 * @run_settings: a run's settings (strata_run_get_settings()), so that the split and its
 *   item indices are the ones the run was evaluated on
 *
 * Blocks: call it from a worker thread.
 */
StrataDataset *
strata_thumbnail_open_dataset (JsonNode    *run_settings,
                               const char  *base_dir,
                               GError     **error)
{
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hyperparams = NULL;

  if (!strata_settings_parse (run_settings, &settings, &graph, &hyperparams, error))
    return NULL;
  return strata_dataset_open (settings, base_dir, NULL, error);
}

/**
 * strata_thumbnail_load:
 *
 * Returns: (transfer full): the image's pixels as packed RGB, width × height × 3 bytes
 */
GBytes *
strata_thumbnail_load (StrataDataset *dataset,
                       StrataSplit    split,
                       guint          index,
                       GError       **error)
{
  guint width, height, channels;
  g_autofree guint8 *pixels = NULL;
  guint8 *rgb;

  strata_dataset_get_image_size (dataset, &width, &height, &channels);
  pixels = g_malloc (strata_dataset_get_image_n_floats (dataset));
  if (!strata_dataset_load_preview (dataset, split, index, 0, 0, FALSE, pixels, error))
    return NULL;
  rgb = g_malloc ((gsize) width * height * 3);
  for (gsize i = 0; i < (gsize) width * height; i++)
    for (guint k = 0; k < 3; k++)
      rgb[i * 3 + k] = pixels[i * channels + (channels >= 3 ? k : 0)];
  return g_bytes_new_take (rgb, (gsize) width * height * 3);
}

GdkTexture *
strata_thumbnail_texture (StrataDataset *dataset,
                          GBytes        *rgb)
{
  guint width, height, channels;

  strata_dataset_get_image_size (dataset, &width, &height, &channels);
  g_return_val_if_fail (g_bytes_get_size (rgb) == (gsize) width * height * 3, NULL);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, width * 3);
}

/* strata-image.h: 8-bit images and their resizing to the model's size
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-dataset-enums.h"

G_BEGIN_DECLS

/**
 * StrataImage:
 * @width: pixels per row
 * @height: rows
 * @channels: 1 (gray), 3 (RGB) or 4 (RGBA)
 * @stride: bytes from one row to the next
 * @data: the pixels, row after row, channels interleaved
 *
 * A decoded image as a source delivers it, before resizing.
 */
typedef struct
{
  int width;
  int height;
  int channels;
  gsize stride;
  guint8 *data;
  /*< private >*/
  gpointer owner;
  GDestroyNotify owner_free;
} StrataImage;

void     strata_image_init_alloc (StrataImage       *image,
                                  int                width,
                                  int                height,
                                  int                channels);
void     strata_image_clear      (StrataImage       *image);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StrataImage, strata_image_clear)

/**
 * StrataResizeSpec:
 * @width: the model's width
 * @height: the model's height
 * @channels: the model's channels, 1 or 3
 * @mode: how the aspect ratio is handled
 * @filter: how pixels are sampled
 * @pad_seed: the padding of fill modes is noise (as DIGITS does), drawn from this key
 */
typedef struct
{
  int width;
  int height;
  int channels;
  StrataResizeMode mode;
  StrataResizeFilter filter;
  guint64 pad_seed;
} StrataResizeSpec;

void     strata_image_resize     (const StrataImage      *src,
                                  const StrataResizeSpec *spec,
                                  guint8                 *dst);

void     strata_image_normalize_u8    (const guint8 *src,
                                       float        *dst,
                                       gsize         n_pixels,
                                       int           channels,
                                       const float  *scale,
                                       const float  *offset,
                                       gboolean      bgr);
void     strata_image_normalize_float (const float  *src,
                                       float        *dst,
                                       gsize         n_pixels,
                                       int           channels,
                                       const float  *scale,
                                       const float  *offset,
                                       gboolean      bgr);

G_END_DECLS

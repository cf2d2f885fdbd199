/* strata-tta.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-tta.h"

/*
 * Views work on the model's input (HWC floats, already normalised), so they apply to any
 * source and cost no decoding. View 0 is always the image itself.
 */

static guint
n_crops (StrataTta tta)
{
  return (tta & STRATA_TTA_CROPS) ? 6 : 1;
}

static guint
n_flips (StrataTta tta)
{
  return (tta & STRATA_TTA_FLIP) ? 2 : 1;
}

/**
 * strata_tta_get_n_views:
 *
 * Returns: how many views of each image @tta averages over (1 without augmentation)
 */
guint
strata_tta_get_n_views (StrataTta tta)
{
  return n_crops (tta) * n_flips (tta);
}

/* Crop @crop (0 whole, 1–4 the corners, 5 the centre) as a rectangle. */
static void
crop_rect (guint crop,
           int   height,
           int   width,
           int  *y0,
           int  *x0,
           int  *h,
           int  *w)
{
  int ch = MAX (1, (int) lround (height * STRATA_TTA_CROP_FRACTION));
  int cw = MAX (1, (int) lround (width * STRATA_TTA_CROP_FRACTION));

  switch (crop)
    {
    case 0:
      *y0 = *x0 = 0;
      *h = height;
      *w = width;
      return;
    case 1:
      *y0 = 0, *x0 = 0;
      break;
    case 2:
      *y0 = 0, *x0 = width - cw;
      break;
    case 3:
      *y0 = height - ch, *x0 = 0;
      break;
    case 4:
      *y0 = height - ch, *x0 = width - cw;
      break;
    default:
      *y0 = (height - ch) / 2, *x0 = (width - cw) / 2;
      break;
    }
  *h = ch;
  *w = cw;
}

/* Source coordinate of output pixel @o when @n_src pixels stretch over @n_dst (pixel
 * centres aligned, as the resize of the data pipeline does). */
static void
sample (int    o,
        int    n_src,
        int    n_dst,
        int   *i0,
        int   *i1,
        float *f)
{
  double x = (o + 0.5) * n_src / n_dst - 0.5;

  x = CLAMP (x, 0, n_src - 1);
  *i0 = (int) floor (x);
  *i1 = MIN (*i0 + 1, n_src - 1);
  *f = (float) (x - *i0);
}

/**
 * strata_tta_make_view:
 * @view: which view, below strata_tta_get_n_views()
 * @src: one image, @height × @width × @channels floats
 * @dst: (out caller-allocates): the view, the same size
 */
void
strata_tta_make_view (StrataTta    tta,
                      guint        view,
                      const float *src,
                      int          height,
                      int          width,
                      int          channels,
                      float       *dst)
{
  guint crop = view / n_flips (tta);
  gboolean flip = view % n_flips (tta) == 1;
  int y0, x0, h, w;

  g_return_if_fail (view < strata_tta_get_n_views (tta));

  crop_rect (crop, height, width, &y0, &x0, &h, &w);
  for (int y = 0; y < height; y++)
    {
      int ya, yb;
      float fy;

      sample (y, h, height, &ya, &yb, &fy);
      for (int x = 0; x < width; x++)
        {
          int xa, xb, sx = flip ? width - 1 - x : x;
          float fx;
          float *out = dst + ((gsize) y * width + x) * channels;

          if (h == height && w == width)
            {
              memcpy (out, src + ((gsize) y * width + sx) * channels, channels * sizeof (float));
              continue;
            }
          sample (sx, w, width, &xa, &xb, &fx);
          for (int c = 0; c < channels; c++)
            {
              const float *row_a = src + (gsize) (y0 + ya) * width * channels;
              const float *row_b = src + (gsize) (y0 + yb) * width * channels;
              float top = row_a[(x0 + xa) * channels + c] * (1 - fx) +
                          row_a[(x0 + xb) * channels + c] * fx;
              float bottom = row_b[(x0 + xa) * channels + c] * (1 - fx) +
                             row_b[(x0 + xb) * channels + c] * fx;

              out[c] = top * (1 - fy) + bottom * fy;
            }
        }
    }
}

/**
 * strata_tta_to_string:
 *
 * Returns: "none", "flip", "crops" or "flip+crops"
 */
const char *
strata_tta_to_string (StrataTta tta)
{
  static const char *const names[] = { "none", "flip", "crops", "flip+crops" };

  return names[tta & 3];
}

/**
 * strata_tta_from_string:
 * @text: "none", "flip", "crops", "flip+crops" (or "crops+flip", "all")
 */
gboolean
strata_tta_from_string (const char *text,
                        StrataTta  *tta)
{
  if (g_strcmp0 (text, "all") == 0 || g_strcmp0 (text, "crops+flip") == 0)
    {
      *tta = STRATA_TTA_FLIP | STRATA_TTA_CROPS;
      return TRUE;
    }
  for (guint i = 0; i < 4; i++)
    if (g_strcmp0 (text, strata_tta_to_string (i)) == 0)
      {
        *tta = i;
        return TRUE;
      }
  return FALSE;
}

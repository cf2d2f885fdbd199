/* strata-augment.c: Keras ImageDataGenerator's transforms, random resized crop and random
 * erasing, deterministic from a key
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-augment.h"
#include "strata-random.h"

enum {
  STREAM_ROTATION = 1,
  STREAM_SHIFT,
  STREAM_SHEAR,
  STREAM_ZOOM,
  STREAM_FLIP,
  STREAM_CHANNEL,
  STREAM_BRIGHTNESS,
  STREAM_CROP,
  STREAM_ERASE,
};

static void
stream (StrataRandom *rng,
        guint64       key,
        guint         which)
{
  strata_random_init (rng, strata_key2 (key, which));
}

/* torchvision's RandomResizedCrop.get_params and RandomErasing.get_params: up to ten tries
 * at a random area and log-uniform aspect ratio */
static gboolean
random_rect (StrataRandom *rng,
             int           width,
             int           height,
             double        area_min,
             double        area_max,
             double        ratio_min,
             double        ratio_max,
             gboolean      strict,
             int          *x,
             int          *y,
             int          *w,
             int          *h)
{
  double area = (double) width * height;

  for (int attempt = 0; attempt < 10; attempt++)
    {
      double target = area * strata_random_uniform (rng, area_min, area_max);
      double ratio = exp (strata_random_uniform (rng, log (ratio_min), log (ratio_max)));
      int cw = (int) lround (sqrt (target * ratio));
      int ch = (int) lround (sqrt (target / ratio));
      gboolean fits = strict ? (cw < width && ch < height)
                             : (cw > 0 && cw <= width && ch > 0 && ch <= height);

      if (!fits || cw <= 0 || ch <= 0)
        continue;
      *y = (int) strata_random_below (rng, height - ch + 1);
      *x = (int) strata_random_below (rng, width - cw + 1);
      *w = cw;
      *h = ch;
      return TRUE;
    }
  return FALSE;
}

/**
 * strata_augment_draw:
 * @key: the image's key: strata_key3 (seed, epoch, image key)
 *
 * Makes every random choice of @params for one image.
 */
void
strata_augment_draw (const StrataAugmentParams *p,
                     guint64                    key,
                     int                        width,
                     int                        height,
                     StrataAugmentDraw         *d)
{
  StrataRandom rng;

  memset (d, 0, sizeof *d);
  d->zoom_rows = d->zoom_cols = 1.0;
  d->brightness = 1.0;

  if (p->random_resized_crop)
    {
      stream (&rng, key, STREAM_CROP);
      d->crop = TRUE;
      if (!random_rect (&rng, width, height, p->crop_scale_min, p->crop_scale_max,
                        p->crop_ratio_min, p->crop_ratio_max, FALSE,
                        &d->crop_x, &d->crop_y, &d->crop_w, &d->crop_h))
        {
          /* torchvision's fallback: the centre crop with the ratio clamped to the range */
          double ratio = (double) width / height;

          if (ratio < p->crop_ratio_min)
            {
              d->crop_w = width;
              d->crop_h = (int) lround (width / p->crop_ratio_min);
            }
          else if (ratio > p->crop_ratio_max)
            {
              d->crop_h = height;
              d->crop_w = (int) lround (height * p->crop_ratio_max);
            }
          else
            {
              d->crop_w = width;
              d->crop_h = height;
            }
          d->crop_w = CLAMP (d->crop_w, 1, width);
          d->crop_h = CLAMP (d->crop_h, 1, height);
          d->crop_x = (width - d->crop_w) / 2;
          d->crop_y = (height - d->crop_h) / 2;
        }
    }

  if (p->rotation_range > 0)
    {
      stream (&rng, key, STREAM_ROTATION);
      d->theta = strata_random_uniform (&rng, -p->rotation_range, p->rotation_range) * G_PI / 180;
    }
  if (p->height_shift_range > 0 || p->width_shift_range > 0)
    {
      stream (&rng, key, STREAM_SHIFT);
      d->shift_rows = strata_random_uniform (&rng, -p->height_shift_range,
                                             p->height_shift_range) * height;
      d->shift_cols = strata_random_uniform (&rng, -p->width_shift_range,
                                             p->width_shift_range) * width;
    }
  if (p->shear_range > 0)
    {
      stream (&rng, key, STREAM_SHEAR);
      d->shear = strata_random_uniform (&rng, -p->shear_range, p->shear_range) * G_PI / 180;
    }
  if (p->zoom_range > 0)
    {
      stream (&rng, key, STREAM_ZOOM);
      d->zoom_rows = strata_random_uniform (&rng, 1 - p->zoom_range, 1 + p->zoom_range);
      d->zoom_cols = strata_random_uniform (&rng, 1 - p->zoom_range, 1 + p->zoom_range);
    }
  if (p->horizontal_flip || p->vertical_flip)
    {
      stream (&rng, key, STREAM_FLIP);
      d->flip_h = strata_random_double (&rng) < 0.5 && p->horizontal_flip;
      d->flip_v = strata_random_double (&rng) < 0.5 && p->vertical_flip;
    }
  if (p->channel_shift_range > 0)
    {
      stream (&rng, key, STREAM_CHANNEL);
      for (int ch = 0; ch < 3; ch++)
        d->channel_shift[ch] = strata_random_uniform (&rng, -p->channel_shift_range,
                                                      p->channel_shift_range);
    }
  if (p->brightness_min != 1.0 || p->brightness_max != 1.0)
    {
      stream (&rng, key, STREAM_BRIGHTNESS);
      d->brightness = strata_random_uniform (&rng, p->brightness_min, p->brightness_max);
    }
  if (p->erasing_probability > 0)
    {
      stream (&rng, key, STREAM_ERASE);
      if (strata_random_double (&rng) < p->erasing_probability)
        d->erase = random_rect (&rng, width, height, p->erasing_area_min, p->erasing_area_max,
                                p->erasing_ratio_min, p->erasing_ratio_max, TRUE,
                                &d->erase_x, &d->erase_y, &d->erase_w, &d->erase_h);
    }

  d->affine = d->theta != 0 || d->shear != 0 || d->zoom_rows != 1 || d->zoom_cols != 1 ||
              d->shift_rows != 0 || d->shift_cols != 0 || d->flip_h || d->flip_v;
}

/* An index outside 0..n-1 moved inside by the fill mode; -1 for constant. */
static inline int
fill_index (int i,
            int n,
            int mode)
{
  if (i >= 0 && i < n)
    return i;
  switch (mode)
    {
    case STRATA_FILL_CONSTANT:
      return -1;
    case STRATA_FILL_REFLECT:
      {
        /* d c b a | a b c d | d c b a */
        int period = 2 * n;

        i %= period;
        if (i < 0)
          i += period;
        return i < n ? i : period - 1 - i;
      }
    case STRATA_FILL_WRAP:
      i %= n;
      return i < 0 ? i + n : i;
    case STRATA_FILL_NEAREST:
    default:
      return i < 0 ? 0 : n - 1;
    }
}

/* Bilinear sampling near or beyond the edges: the fill mode decides each neighbour. */
static void
sample_filled (const float *src,
               int          width,
               int          height,
               int          channels,
               int          y0,
               int          x0,
               float        wy,
               float        wx,
               int          mode,
               float        cval,
               float       *out)
{
  int rows[2] = { fill_index (y0, height, mode), fill_index (y0 + 1, height, mode) };
  int cols[2] = { fill_index (x0, width, mode), fill_index (x0 + 1, width, mode) };
  float w[2][2] = { { (1 - wy) * (1 - wx), (1 - wy) * wx }, { wy * (1 - wx), wy * wx } };

  for (int c = 0; c < channels; c++)
    out[c] = 0;
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      {
        if (w[a][b] == 0)
          continue;
        if (rows[a] < 0 || cols[b] < 0)
          for (int c = 0; c < channels; c++)
            out[c] += w[a][b] * cval;
        else
          {
            const float *p = src + ((gsize) rows[a] * width + cols[b]) * channels;

            for (int c = 0; c < channels; c++)
              out[c] += w[a][b] * p[c];
          }
      }
}

static inline void
sample_bilinear (const float *src,
                 int          width,
                 int          height,
                 int          channels,
                 double       y,
                 double       x,
                 int          mode,
                 float        cval,
                 float       *out)
{
  double fy = floor (y), fx = floor (x);
  int y0 = (int) fy, x0 = (int) fx;
  float wy = (float) (y - fy), wx = (float) (x - fx);

  /* inside: the common case, no fill mode to consult */
  if (y0 >= 0 && x0 >= 0 && y0 + 1 < height && x0 + 1 < width)
    {
      const float *p = src + ((gsize) y0 * width + x0) * channels;
      const float *q = p + (gsize) width * channels;
      float w00 = (1 - wy) * (1 - wx), w01 = (1 - wy) * wx, w10 = wy * (1 - wx), w11 = wy * wx;

      for (int c = 0; c < channels; c++)
        out[c] = w00 * p[c] + w01 * p[channels + c] + w10 * q[c] + w11 * q[channels + c];
      return;
    }
  sample_filled (src, width, height, channels, y0, x0, wy, wx, mode, cval, out);
}

/**
 * strata_augment_apply:
 * @src: the resized image, 0..255
 * @dst: (out caller-allocates): the augmented image, floats 0..255
 * @tmp: scratch of the same size as @dst
 *
 * In order: random resized crop, the affine transform with flips (one bilinear sampling,
 * points outside filled by the fill mode), channel shift, brightness, erasing.
 */
void
strata_augment_apply (const StrataAugmentParams *p,
                      const StrataAugmentDraw   *d,
                      const guint8              *src,
                      int                        width,
                      int                        height,
                      int                        channels,
                      float                     *dst,
                      float                     *tmp)
{
  gsize n = (gsize) width * height * channels;
  float *image = tmp;

  if (d->crop)
    {
      /* bilinear resize of the crop back to the full size; edges clamp to the crop */
      for (int r = 0; r < height; r++)
        {
          double y = (r + 0.5) * d->crop_h / height - 0.5;
          int y0;
          float wy;

          y = CLAMP (y, 0, d->crop_h - 1);
          y0 = MIN ((int) y, d->crop_h - 1);
          wy = (float) (y - y0);
          for (int col = 0; col < width; col++)
            {
              double x = (col + 0.5) * d->crop_w / width - 0.5;
              int x0, y1, x1;
              float wx;

              x = CLAMP (x, 0, d->crop_w - 1);
              x0 = MIN ((int) x, d->crop_w - 1);
              wx = (float) (x - x0);
              y1 = MIN (y0 + 1, d->crop_h - 1);
              x1 = MIN (x0 + 1, d->crop_w - 1);
              for (int c = 0; c < channels; c++)
                {
#define AT(yy, xx) src[((gsize) (d->crop_y + (yy)) * width + d->crop_x + (xx)) * channels + c]
                  float v = (1 - wy) * ((1 - wx) * AT (y0, x0) + wx * AT (y0, x1)) +
                            wy * ((1 - wx) * AT (y1, x0) + wx * AT (y1, x1));
#undef AT
                  image[((gsize) r * width + col) * channels + c] = v;
                }
            }
        }
    }
  else
    for (gsize i = 0; i < n; i++)
      image[i] = src[i];

  if (d->affine)
    {
      double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
      double c = cos (d->theta), s = sin (d->theta);
      double sh_s = sin (d->shear), sh_c = cos (d->shear);
      /* Keras: input = R · (Sh · Z · o + t) + centre; m = R · Sh · Z */
      double m[2][2] = {
        { c * d->zoom_rows, (-c * sh_s - s * sh_c) * d->zoom_cols },
        { s * d->zoom_rows, (-s * sh_s + c * sh_c) * d->zoom_cols },
      };
      double t_r = c * d->shift_rows - s * d->shift_cols + cy;
      double t_c = s * d->shift_rows + c * d->shift_cols + cx;

      for (int r = 0; r < height; r++)
        {
          /* flips mirror the transformed image, so they come first on the way back */
          double o_r = (d->flip_v ? height - 1 - r : r) - cy;
          double row_r = m[0][0] * o_r + t_r, row_c = m[1][0] * o_r + t_c;

          for (int col = 0; col < width; col++)
            {
              double o_c = (d->flip_h ? width - 1 - col : col) - cx;
              double in_r = row_r + m[0][1] * o_c;
              double in_c = row_c + m[1][1] * o_c;

              sample_bilinear (image, width, height, channels, in_r, in_c, p->fill_mode,
                               (float) p->fill_value,
                               dst + ((gsize) r * width + col) * channels);
            }
        }
    }
  else
    memcpy (dst, image, n * sizeof (float));

  if (d->channel_shift[0] != 0 || d->channel_shift[1] != 0 || d->channel_shift[2] != 0 ||
      d->brightness != 1.0)
    for (gsize i = 0; i < n; i++)
      {
        float v = (dst[i] + (float) d->channel_shift[i % channels]) * (float) d->brightness;

        dst[i] = CLAMP (v, 0.0f, 255.0f);
      }

  if (d->erase)
    for (int r = d->erase_y; r < d->erase_y + d->erase_h; r++)
      for (int col = d->erase_x; col < d->erase_x + d->erase_w; col++)
        for (int c = 0; c < channels; c++)
          dst[((gsize) r * width + col) * channels + c] = (float) p->erasing_value;
}

void
strata_augment_image (const StrataAugmentParams *params,
                      guint64                    key,
                      const guint8              *src,
                      int                        width,
                      int                        height,
                      int                        channels,
                      float                     *dst,
                      float                     *tmp)
{
  StrataAugmentDraw draw;

  strata_augment_draw (params, key, width, height, &draw);
  strata_augment_apply (params, &draw, src, width, height, channels, dst, tmp);
}

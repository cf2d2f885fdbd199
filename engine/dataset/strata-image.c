/* strata-image.c: resizing with the four DIGITS modes, bilinear or area sampling
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-image.h"
#include "strata-random.h"

void
strata_image_init_alloc (StrataImage *image,
                         int          width,
                         int          height,
                         int          channels)
{
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = (gsize) width * channels;
  image->data = g_malloc ((gsize) height * image->stride);
  image->owner = image->data;
  image->owner_free = g_free;
}

void
strata_image_clear (StrataImage *image)
{
  if (image->owner_free && image->owner)
    image->owner_free (image->owner);
  memset (image, 0, sizeof *image);
}

/* For each output position of one axis, the source positions that feed it and their
 * weights (which sum to 1). */
typedef struct
{
  int n;               /* output positions */
  int max_taps;
  int *first;          /* first source index per output */
  int *count;
  float *weights;      /* n × max_taps */
} Taps;

static void
taps_clear (Taps *t)
{
  g_free (t->first);
  g_free (t->count);
  g_free (t->weights);
}

/* Output position o (0-based within the covered range) sees source coordinates
 * [(o + lead) / scale, (o + 1 + lead) / scale) in pixel units, where lead is the amount the
 * scaled image sticks out before the first covered output pixel. */
static void
taps_init (Taps    *t,
           int      n_out,
           int      src_size,
           double   scale,
           double   lead,
           gboolean area)
{
  area = area && scale < 1.0;
  t->n = n_out;
  t->max_taps = area ? (int) ceil (1.0 / scale) + 2 : 2;
  t->first = g_new (int, n_out);
  t->count = g_new (int, n_out);
  t->weights = g_new0 (float, (gsize) n_out * t->max_taps);

  for (int o = 0; o < n_out; o++)
    {
      float *w = t->weights + (gsize) o * t->max_taps;

      if (area)
        {
          double lo = (o + lead) / scale, hi = (o + 1 + lead) / scale;
          int i0, i1;
          double total = 0;

          lo = CLAMP (lo, 0, src_size);
          hi = CLAMP (hi, 0, src_size);
          i0 = (int) floor (lo);
          i1 = MIN ((int) ceil (hi), src_size);
          if (i1 <= i0)
            {
              i0 = MIN (i0, src_size - 1);
              i1 = i0 + 1;
            }
          t->first[o] = i0;
          t->count[o] = MIN (i1 - i0, t->max_taps);
          for (int k = 0; k < t->count[o]; k++)
            {
              double a = MAX (lo, i0 + k), b = MIN (hi, i0 + k + 1);

              w[k] = (float) MAX (b - a, 0);
              total += w[k];
            }
          if (total <= 0)
            {
              w[0] = 1;
              total = 1;
            }
          for (int k = 0; k < t->count[o]; k++)
            w[k] /= total;
        }
      else
        {
          /* pixel centres: output o + 0.5 ↔ source x + 0.5 */
          double x = (o + 0.5 + lead) / scale - 0.5;
          int i0 = (int) floor (x);
          float f = (float) (x - i0);

          if (i0 < 0)
            {
              i0 = 0;
              f = 0;
            }
          if (i0 >= src_size - 1)
            {
              i0 = src_size - 1;
              f = 0;
            }
          t->first[o] = i0;
          t->count[o] = f > 0 ? 2 : 1;
          w[0] = 1 - f;
          w[1] = f;
        }
    }
}

static inline float
luma (const guint8 *p)
{
  /* ITU-R 601, as PIL's convert("L") */
  return p[0] * 0.299f + p[1] * 0.587f + p[2] * 0.114f;
}

/* One source row as floats with the working channels (1 or 3). */
static void
load_row (const StrataImage *src,
          int                y,
          int                c_work,
          float             *row)
{
  const guint8 *p = src->data + (gsize) y * src->stride;
  int cs = src->channels;

  if (c_work == 1 && cs == 1)
    for (int x = 0; x < src->width; x++)
      row[x] = p[x];
  else if (c_work == 1)
    for (int x = 0; x < src->width; x++)
      row[x] = luma (p + (gsize) x * cs);
  else
    for (int x = 0; x < src->width; x++)
      {
        row[3 * x + 0] = p[(gsize) x * cs + 0];
        row[3 * x + 1] = p[(gsize) x * cs + 1];
        row[3 * x + 2] = p[(gsize) x * cs + 2];
      }
}

static inline guint8
to_u8 (float v)
{
  if (v <= 0.0f)
    return 0;
  if (v >= 255.0f)
    return 255;
  return (guint8) (v + 0.5f);
}

static void
resize_geometry (const StrataImage      *src,
                 const StrataResizeSpec *spec,
                 double                 *sx,
                 double                 *sy,
                 double                 *ox,
                 double                 *oy)
{
  double rx = (double) src->width / spec->width;
  double ry = (double) src->height / spec->height;
  double s;

  switch (spec->mode)
    {
    case STRATA_RESIZE_CENTER_CROP:
      s = 1.0 / MIN (rx, ry);
      break;
    case STRATA_RESIZE_FILL:
      s = 1.0 / MAX (rx, ry);
      break;
    case STRATA_RESIZE_HALF_CROP:
      /* DIGITS: the average of the two ratios, then crop one axis and pad the other */
      s = 2.0 / (rx + ry);
      break;
    case STRATA_RESIZE_SQUASH:
    default:
      *sx = 1.0 / rx;
      *sy = 1.0 / ry;
      *ox = *oy = 0;
      return;
    }
  *sx = *sy = s;
  /* where the scaled image's left/top edge lands in the output; negative when cropped */
  *ox = (spec->width - src->width * s) / 2.0;
  *oy = (spec->height - src->height * s) / 2.0;
}

static gboolean
use_area (StrataResizeFilter filter,
          double             scale)
{
  if (filter == STRATA_RESIZE_FILTER_AREA)
    return TRUE;
  if (filter == STRATA_RESIZE_FILTER_AUTO)
    return scale < 0.5;
  return FALSE;
}

/**
 * strata_image_resize:
 * @src: the decoded image
 * @spec: the model's size, channels and the resize mode
 * @dst: (out caller-allocates): @spec->height × @spec->width × @spec->channels bytes
 *
 * Resizes and converts @src to the model's channels: RGB(A) to gray by ITU-R 601 luma,
 * gray to RGB by copying, alpha dropped (as PIL's convert does). Fill modes pad with noise.
 */
void
strata_image_resize (const StrataImage      *src,
                     const StrataResizeSpec *spec,
                     guint8                 *dst)
{
  int W = spec->width, H = spec->height, C = spec->channels;
  int c_work = (C == 1 || src->channels == 1) ? 1 : 3;
  double sx, sy, ox, oy;
  int x0, x1, y0, y1, row_lo, row_hi;
  Taps th = { 0 }, tv = { 0 };
  g_autofree float *row = NULL;
  g_autofree float *tmp = NULL;
  int inner_w;

  /* same size: only a channel conversion */
  if (src->width == W && src->height == H)
    {
      g_autofree float *line = g_new (float, (gsize) W * c_work);

      for (int y = 0; y < H; y++)
        {
          guint8 *out = dst + (gsize) y * W * C;

          load_row (src, y, c_work, line);
          for (int x = 0; x < W; x++)
            for (int c = 0; c < C; c++)
              out[x * C + c] = to_u8 (line[x * c_work + (c_work == 1 ? 0 : c)]);
        }
      return;
    }

  resize_geometry (src, spec, &sx, &sy, &ox, &oy);

  /* the output pixels the scaled image covers (their centres inside it) */
  x0 = CLAMP ((int) ceil (ox - 0.5), 0, W);
  x1 = CLAMP ((int) ceil (ox + src->width * sx - 0.5), x0, W);
  y0 = CLAMP ((int) ceil (oy - 0.5), 0, H);
  y1 = CLAMP ((int) ceil (oy + src->height * sy - 0.5), y0, H);
  inner_w = x1 - x0;

  if (inner_w > 0 && y1 > y0)
    {
      taps_init (&th, inner_w, src->width, sx, x0 - ox, use_area (spec->filter, sx));
      taps_init (&tv, y1 - y0, src->height, sy, y0 - oy, use_area (spec->filter, sy));

      row_lo = tv.first[0];
      row_hi = tv.first[tv.n - 1] + tv.count[tv.n - 1];
      row = g_new (float, (gsize) src->width * c_work);
      tmp = g_new (float, (gsize) (row_hi - row_lo) * inner_w * c_work);

      /* horizontal pass over the source rows that the vertical taps use */
      for (int y = row_lo; y < row_hi; y++)
        {
          float *t = tmp + (gsize) (y - row_lo) * inner_w * c_work;

          load_row (src, y, c_work, row);
          for (int o = 0; o < inner_w; o++)
            {
              const float *w = th.weights + (gsize) o * th.max_taps;
              const float *r = row + (gsize) th.first[o] * c_work;

              if (c_work == 1)
                {
                  float acc = 0;

                  for (int k = 0; k < th.count[o]; k++)
                    acc += w[k] * r[k];
                  t[o] = acc;
                }
              else
                {
                  float a0 = 0, a1 = 0, a2 = 0;

                  for (int k = 0; k < th.count[o]; k++)
                    {
                      a0 += w[k] * r[3 * k + 0];
                      a1 += w[k] * r[3 * k + 1];
                      a2 += w[k] * r[3 * k + 2];
                    }
                  t[3 * o + 0] = a0;
                  t[3 * o + 1] = a1;
                  t[3 * o + 2] = a2;
                }
            }
        }

      /* vertical pass into the output */
      for (int o = 0; o < tv.n; o++)
        {
          const float *w = tv.weights + (gsize) o * tv.max_taps;
          guint8 *out = dst + ((gsize) (y0 + o) * W + x0) * C;
          int n = inner_w * c_work;

          for (int i = 0; i < n; i++)
            {
              const float *t = tmp + (gsize) (tv.first[o] - row_lo) * n + i;
              float acc = 0;

              for (int k = 0; k < tv.count[o]; k++)
                acc += w[k] * t[(gsize) k * n];
              if (c_work == C)
                out[i] = to_u8 (acc);
              else
                {
                  guint8 v = to_u8 (acc);

                  out[3 * i + 0] = out[3 * i + 1] = out[3 * i + 2] = v;
                }
            }
        }
      taps_clear (&th);
      taps_clear (&tv);
    }

  /* padding: noise, as DIGITS fills, but reproducible from the image's key */
  if (x0 > 0 || x1 < W || y0 > 0 || y1 < H)
    {
      StrataRandom rng;

      strata_random_init (&rng, spec->pad_seed);
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            if (y >= y0 && y < y1 && x >= x0 && x < x1)
              continue;
            for (int c = 0; c < C; c++)
              dst[((gsize) y * W + x) * C + c] = (guint8) (strata_random_next (&rng) >> 56);
          }
    }
}

/**
 * strata_image_normalize_u8:
 * @scale: per model channel, see strata_dataset_settings_get_normalization_constants()
 * @offset: per model channel
 * @bgr: reverse the channel order (caffe)
 *
 * dst = src × scale + offset, channel by channel, the model's channel c taken from the
 * image's channel 2 - c when @bgr.
 */
void
strata_image_normalize_u8 (const guint8 *src,
                           float        *dst,
                           gsize         n_pixels,
                           int           channels,
                           const float  *scale,
                           const float  *offset,
                           gboolean      bgr)
{
  if (channels == 1)
    {
      for (gsize i = 0; i < n_pixels; i++)
        dst[i] = src[i] * scale[0] + offset[0];
      return;
    }
  for (gsize i = 0; i < n_pixels; i++)
    for (int c = 0; c < 3; c++)
      dst[3 * i + c] = src[3 * i + (bgr ? 2 - c : c)] * scale[c] + offset[c];
}

void
strata_image_normalize_float (const float *src,
                              float       *dst,
                              gsize        n_pixels,
                              int          channels,
                              const float *scale,
                              const float *offset,
                              gboolean     bgr)
{
  if (channels == 1)
    {
      for (gsize i = 0; i < n_pixels; i++)
        dst[i] = src[i] * scale[0] + offset[0];
      return;
    }
  for (gsize i = 0; i < n_pixels; i++)
    for (int c = 0; c < 3; c++)
      dst[3 * i + c] = src[3 * i + (bgr ? 2 - c : c)] * scale[c] + offset[c];
}

/* test-image.c: resizing against naive references, the four modes' geometry, channels
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-image.h"

static void
make_image (StrataImage *image,
            int          width,
            int          height,
            int          channels,
            guint32      seed)
{
  GRand *rand = g_rand_new_with_seed (seed);

  strata_image_init_alloc (image, width, height, channels);
  /* smooth plus noise, so that both sampling and averaging show */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        image->data[(gsize) y * image->stride + x * channels + c] =
          (guint8) CLAMP (128 + 100 * sin (x * 0.13 + c) * cos (y * 0.07) +
                          g_rand_int_range (rand, -20, 21), 0, 255);
  g_rand_free (rand);
}

static double
px (const StrataImage *image,
    int                y,
    int                x,
    int                c)
{
  return image->data[(gsize) y * image->stride + x * image->channels + c];
}

/* bilinear with pixel centres, edges clamped: what OpenCV's INTER_LINEAR does */
static double
ref_bilinear (const StrataImage *src,
              double             y,
              double             x,
              int                c)
{
  int y0, x0, y1, x1;
  double fy, fx;

  y = CLAMP (y, 0, src->height - 1);
  x = CLAMP (x, 0, src->width - 1);
  y0 = (int) floor (y);
  x0 = (int) floor (x);
  y1 = MIN (y0 + 1, src->height - 1);
  x1 = MIN (x0 + 1, src->width - 1);
  fy = y - y0;
  fx = x - x0;
  return (1 - fy) * ((1 - fx) * px (src, y0, x0, c) + fx * px (src, y0, x1, c)) +
         fy * ((1 - fx) * px (src, y1, x0, c) + fx * px (src, y1, x1, c));
}

/* the mean over the source box an output pixel covers, with fractional edges */
static double
ref_area (const StrataImage *src,
          double             y_lo,
          double             y_hi,
          double             x_lo,
          double             x_hi,
          int                c)
{
  double sum = 0, total = 0;

  for (int y = (int) floor (y_lo); y < (int) ceil (y_hi); y++)
    for (int x = (int) floor (x_lo); x < (int) ceil (x_hi); x++)
      {
        double wy = MIN (y_hi, y + 1) - MAX (y_lo, y);
        double wx = MIN (x_hi, x + 1) - MAX (x_lo, x);

        sum += wy * wx * px (src, y, x, c);
        total += wy * wx;
      }
  return sum / total;
}

static void
test_squash_bilinear (void)
{
  g_auto(StrataImage) src = { 0 };
  StrataResizeSpec spec = { 50, 37, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_BILINEAR };
  guint8 dst[50 * 37 * 3];
  int worst = 0;

  /* upscale in one axis, downscale in the other */
  make_image (&src, 71, 23, 3, 1);
  strata_image_resize (&src, &spec, dst);
  for (int y = 0; y < 37; y++)
    for (int x = 0; x < 50; x++)
      for (int c = 0; c < 3; c++)
        {
          double ref = ref_bilinear (&src, (y + 0.5) * 23 / 37 - 0.5, (x + 0.5) * 71 / 50 - 0.5, c);

          worst = MAX (worst, abs ((int) dst[(y * 50 + x) * 3 + c] - (int) lround (ref)));
        }
  g_assert_cmpint (worst, <=, 1);
}

static void
test_squash_area (void)
{
  g_auto(StrataImage) src = { 0 };
  StrataResizeSpec spec = { 24, 18, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
  guint8 dst[24 * 18 * 3];
  int worst = 0;

  /* 640×480 → 24×18: auto picks area, factor 26.7 */
  make_image (&src, 640, 480, 3, 2);
  strata_image_resize (&src, &spec, dst);
  for (int y = 0; y < 18; y++)
    for (int x = 0; x < 24; x++)
      for (int c = 0; c < 3; c++)
        {
          double ref = ref_area (&src, y * 480.0 / 18, (y + 1) * 480.0 / 18,
                                 x * 640.0 / 24, (x + 1) * 640.0 / 24, c);

          worst = MAX (worst, abs ((int) dst[(y * 24 + x) * 3 + c] - (int) lround (ref)));
        }
  g_assert_cmpint (worst, <=, 1);

  /* an exact 2× reduction with area is the mean of 2×2 blocks */
  {
    g_auto(StrataImage) small = { 0 };
    StrataResizeSpec half = { 8, 6, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AREA };
    guint8 out[8 * 6];

    make_image (&small, 16, 12, 1, 3);
    strata_image_resize (&small, &half, out);
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 8; x++)
        {
          double mean = (px (&small, 2 * y, 2 * x, 0) + px (&small, 2 * y, 2 * x + 1, 0) +
                         px (&small, 2 * y + 1, 2 * x, 0) + px (&small, 2 * y + 1, 2 * x + 1, 0)) / 4;

          g_assert_cmpint (abs ((int) out[y * 8 + x] - (int) lround (mean)), <=, 1);
        }
  }
}

static void
test_center_crop (void)
{
  g_auto(StrataImage) src = { 0 };
  StrataResizeSpec spec = { 100, 100, 3, STRATA_RESIZE_CENTER_CROP, STRATA_RESIZE_FILTER_BILINEAR };
  g_autofree guint8 *dst = g_malloc (100 * 100 * 3);

  /* 200×100 at scale 1: exactly the middle 100 columns */
  make_image (&src, 200, 100, 3, 4);
  strata_image_resize (&src, &spec, dst);
  for (int y = 0; y < 100; y++)
    for (int x = 0; x < 100; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpint (dst[(y * 100 + x) * 3 + c], ==, (int) px (&src, y, x + 50, c));

  /* a tall image: the middle rows, scaled */
  {
    g_auto(StrataImage) tall = { 0 };
    StrataResizeSpec s2 = { 40, 40, 1, STRATA_RESIZE_CENTER_CROP, STRATA_RESIZE_FILTER_BILINEAR };
    guint8 out[40 * 40];
    int worst = 0;

    make_image (&tall, 60, 150, 1, 5);
    strata_image_resize (&tall, &s2, out);
    /* s = 40/60; the scaled image is 40×100, 30 rows cut above */
    for (int y = 0; y < 40; y++)
      for (int x = 0; x < 40; x++)
        {
          double ref = ref_bilinear (&tall, (y + 30 + 0.5) * 1.5 - 0.5, (x + 0.5) * 1.5 - 0.5, 0);

          worst = MAX (worst, abs ((int) out[y * 40 + x] - (int) lround (ref)));
        }
    g_assert_cmpint (worst, <=, 1);
  }
}

/* rows of dst that are all equal to the inner picture (not noise), for a fill mode */
static void
check_inner_rows (const StrataImage *src,
                  const guint8      *dst,
                  int                W,
                  int                H,
                  double             s,
                  double             oy,
                  double             ox,
                  int                first_row,
                  int                last_row)
{
  int worst = 0;

  for (int y = first_row; y <= last_row; y++)
    for (int x = 0; x < W; x++)
      {
        double ref = ref_bilinear (src, (y + 0.5 - oy) / s - 0.5, (x + 0.5 - ox) / s - 0.5, 0);

        worst = MAX (worst, abs ((int) dst[y * W + x] - (int) lround (ref)));
      }
  g_assert_cmpint (worst, <=, 1);
}

/* the picture is smooth; noise jumps from pixel to pixel by 85 on average */
static gboolean
row_is_noise (const guint8 *row,
              int           n)
{
  int jumps = 0;

  for (int i = 1; i < n; i++)
    jumps += abs ((int) row[i] - (int) row[i - 1]);
  return jumps > 30 * (n - 1);
}

static void
test_fill_and_half_crop (void)
{
  g_auto(StrataImage) src = { 0 };
  StrataResizeSpec fill = { 100, 100, 1, STRATA_RESIZE_FILL, STRATA_RESIZE_FILTER_BILINEAR, 99 };
  StrataResizeSpec half = { 100, 100, 1, STRATA_RESIZE_HALF_CROP, STRATA_RESIZE_FILTER_BILINEAR, 99 };
  g_autofree guint8 *a = g_malloc (100 * 100);
  g_autofree guint8 *b = g_malloc (100 * 100);

  /* a smooth 200×100 picture, so that the noise of the padding stands out */
  strata_image_init_alloc (&src, 200, 100, 1);
  for (int y = 0; y < 100; y++)
    for (int x = 0; x < 200; x++)
      src.data[y * 200 + x] = (guint8) (x + y / 2);

  /* fill: s = ½, the picture is 100×50 with 25 rows of noise above and below */
  strata_image_resize (&src, &fill, a);
  check_inner_rows (&src, a, 100, 100, 0.5, 25, 0, 25, 74);
  g_assert_true (row_is_noise (a, 100));
  g_assert_true (row_is_noise (a + 24 * 100, 100));
  g_assert_true (row_is_noise (a + 75 * 100, 100));
  g_assert_true (row_is_noise (a + 99 * 100, 100));
  g_assert_false (row_is_noise (a + 50 * 100, 100));

  /* the noise is reproducible from the key */
  strata_image_resize (&src, &fill, b);
  g_assert_cmpmem (a, 100 * 100, b, 100 * 100);

  /* half crop (DIGITS): ratios 2 and 1 average to 1.5, the picture is 133⅓×66⅔: 16⅔
   * columns cut at each side, 16⅔ rows of noise above and below */
  strata_image_resize (&src, &half, a);
  check_inner_rows (&src, a, 100, 100, 1 / 1.5, 50 - 100 / 1.5 / 2, 50 - 200 / 1.5 / 2, 17, 82);
  g_assert_true (row_is_noise (a + 16 * 100, 100));
  g_assert_true (row_is_noise (a + 83 * 100, 100));
  g_assert_false (row_is_noise (a + 17 * 100, 100));
}

static void
test_channels (void)
{
  g_auto(StrataImage) rgba = { 0 };
  g_auto(StrataImage) gray = { 0 };
  StrataResizeSpec to_gray = { 4, 3, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
  StrataResizeSpec to_rgb = { 4, 3, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
  guint8 out1[4 * 3], out3[4 * 3 * 3];

  make_image (&rgba, 4, 3, 4, 6);
  make_image (&gray, 4, 3, 1, 7);

  /* same size: RGBA → gray is ITU-R 601 luma, alpha ignored */
  strata_image_resize (&rgba, &to_gray, out1);
  for (int i = 0; i < 12; i++)
    {
      const guint8 *p = rgba.data + i * 4;

      g_assert_cmpint (out1[i], ==, (int) lround (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]));
    }
  /* RGBA → RGB drops alpha */
  strata_image_resize (&rgba, &to_rgb, out3);
  for (int i = 0; i < 12; i++)
    g_assert_cmpmem (out3 + 3 * i, 3, rgba.data + 4 * i, 3);
  /* gray → RGB copies */
  strata_image_resize (&gray, &to_rgb, out3);
  for (int i = 0; i < 12; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpint (out3[3 * i + c], ==, gray.data[i]);

  /* and while resizing: a gray image of (v, v, v) pixels stays v */
  {
    g_auto(StrataImage) flat = { 0 };
    StrataResizeSpec small = { 5, 5, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
    guint8 out[25];

    strata_image_init_alloc (&flat, 33, 17, 3);
    memset (flat.data, 201, 33 * 17 * 3);
    strata_image_resize (&flat, &small, out);
    for (int i = 0; i < 25; i++)
      g_assert_cmpint (out[i], ==, 201);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image/squash-bilinear", test_squash_bilinear);
  g_test_add_func ("/image/squash-area", test_squash_area);
  g_test_add_func ("/image/center-crop", test_center_crop);
  g_test_add_func ("/image/fill-half-crop", test_fill_and_half_crop);
  g_test_add_func ("/image/channels", test_channels);
  return g_test_run ();
}

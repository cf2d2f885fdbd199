/* test-augment.c: each augmentation against a reference implementation of its geometry
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-augment.h"

#define W 23
#define H 17
#define C 3

static guint8 src[H * W * C];

static void
make_source (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < G_N_ELEMENTS (src); i++)
    src[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
}

static double
at (const double *image,
    int           r,
    int           c,
    int           ch)
{
  return image[(r * W + c) * C + ch];
}

/* Reference ---------------------------------------------------------------------------------- */

static int
ref_index (int i,
           int n,
           int mode)
{
  if (mode == STRATA_FILL_CONSTANT)
    return i >= 0 && i < n ? i : -1;
  if (mode == STRATA_FILL_NEAREST)
    return CLAMP (i, 0, n - 1);
  if (mode == STRATA_FILL_WRAP)
    {
      while (i < 0)
        i += n;
      while (i >= n)
        i -= n;
      return i;
    }
  /* reflect about the outer pixel edges: d c b a | a b c d | d c b a */
  while (i < 0 || i >= n)
    {
      if (i < 0)
        i = -i - 1;
      if (i >= n)
        i = 2 * n - 1 - i;
    }
  return i;
}

static double
ref_sample (const double *image,
            double        y,
            double        x,
            int           ch,
            int           mode,
            double        cval)
{
  int y0 = (int) floor (y), x0 = (int) floor (x);
  double fy = y - y0, fx = x - x0, sum = 0;

  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      {
        double w = (a ? fy : 1 - fy) * (b ? fx : 1 - fx);
        int r = ref_index (y0 + a, H, mode), c = ref_index (x0 + b, W, mode);

        if (w == 0)
          continue;
        sum += w * (r < 0 || c < 0 ? cval : at (image, r, c, ch));
      }
  return sum;
}

static void
mat_mul (double       out[3][3],
         const double a[3][3],
         const double b[3][3])
{
  double t[3][3];

  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      t[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  memcpy (out, t, sizeof t);
}

/* Keras' apply_affine_transform with the centre at the middle pixel, then flips on the
 * result, then channel shift, brightness and erasing, each as its own pass. */
static void
reference (const StrataAugmentParams *p,
           const StrataAugmentDraw   *d,
           double                    *out)
{
  double in[H * W * C], affine[H * W * C];
  double cy = (H - 1) / 2.0, cx = (W - 1) / 2.0;
  double R[3][3] = { { cos (d->theta), -sin (d->theta), 0 }, { sin (d->theta), cos (d->theta), 0 },
                     { 0, 0, 1 } };
  double T[3][3] = { { 1, 0, d->shift_rows }, { 0, 1, d->shift_cols }, { 0, 0, 1 } };
  double S[3][3] = { { 1, -sin (d->shear), 0 }, { 0, cos (d->shear), 0 }, { 0, 0, 1 } };
  double Z[3][3] = { { d->zoom_rows, 0, 0 }, { 0, d->zoom_cols, 0 }, { 0, 0, 1 } };
  double offset[3][3] = { { 1, 0, cy }, { 0, 1, cx }, { 0, 0, 1 } };
  double reset[3][3] = { { 1, 0, -cy }, { 0, 1, -cx }, { 0, 0, 1 } };
  double M[3][3];

  /* random resized crop: the crop, resized back with bilinear sampling, edges clamped */
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++)
      for (int ch = 0; ch < C; ch++)
        {
          if (!d->crop)
            {
              in[(r * W + c) * C + ch] = src[(r * W + c) * C + ch];
              continue;
            }
          {
            double y = CLAMP ((r + 0.5) * d->crop_h / H - 0.5, 0, d->crop_h - 1);
            double x = CLAMP ((c + 0.5) * d->crop_w / W - 0.5, 0, d->crop_w - 1);
            int y0 = (int) y, x0 = (int) x;
            int y1 = MIN (y0 + 1, d->crop_h - 1), x1 = MIN (x0 + 1, d->crop_w - 1);
            double fy = y - y0, fx = x - x0;
#define S_(yy, xx) src[((d->crop_y + (yy)) * W + d->crop_x + (xx)) * C + ch]
            in[(r * W + c) * C + ch] = (1 - fy) * ((1 - fx) * S_ (y0, x0) + fx * S_ (y0, x1)) +
                                       fy * ((1 - fx) * S_ (y1, x0) + fx * S_ (y1, x1));
#undef S_
          }
        }

  mat_mul (M, R, T);
  mat_mul (M, M, S);
  mat_mul (M, M, Z);
  mat_mul (M, offset, M);
  mat_mul (M, M, reset);
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++)
      {
        double y = M[0][0] * r + M[0][1] * c + M[0][2];
        double x = M[1][0] * r + M[1][1] * c + M[1][2];

        for (int ch = 0; ch < C; ch++)
          affine[(r * W + c) * C + ch] = ref_sample (in, y, x, ch, p->fill_mode, p->fill_value);
      }

  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++)
      for (int ch = 0; ch < C; ch++)
        {
          int rr = d->flip_v ? H - 1 - r : r, cc = d->flip_h ? W - 1 - c : c;
          double v = (at (affine, rr, cc, ch) + d->channel_shift[ch]) * d->brightness;

          v = CLAMP (v, 0, 255);
          if (d->erase && r >= d->erase_y && r < d->erase_y + d->erase_h &&
              c >= d->erase_x && c < d->erase_x + d->erase_w)
            v = p->erasing_value;
          out[(r * W + c) * C + ch] = v;
        }
}

static double
max_difference (const StrataAugmentParams *p,
                const StrataAugmentDraw   *d)
{
  float dst[H * W * C], tmp[H * W * C];
  double ref[H * W * C], worst = 0;

  strata_augment_apply (p, d, src, W, H, C, dst, tmp);
  reference (p, d, ref);
  for (guint i = 0; i < G_N_ELEMENTS (dst); i++)
    worst = MAX (worst, fabs (dst[i] - ref[i]));
  return worst;
}

/* Tests --------------------------------------------------------------------------------------- */

static void
test_identity (void)
{
  StrataAugmentParams p;
  float dst[H * W * C], tmp[H * W * C];

  strata_augment_params_init_default (&p);
  g_assert_true (strata_augment_params_is_identity (&p));
  strata_augment_image (&p, 123, src, W, H, C, dst, tmp);
  for (guint i = 0; i < G_N_ELEMENTS (dst); i++)
    g_assert_cmpfloat (dst[i], ==, src[i]);
}

static void
test_exact_cases (void)
{
  StrataAugmentParams p;
  StrataAugmentDraw d;
  float dst[H * W * C], tmp[H * W * C];

  strata_augment_params_init_default (&p);

  /* mirror left-right */
  memset (&d, 0, sizeof d);
  d.zoom_rows = d.zoom_cols = d.brightness = 1;
  d.flip_h = d.affine = TRUE;
  strata_augment_apply (&p, &d, src, W, H, C, dst, tmp);
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++)
      for (int ch = 0; ch < C; ch++)
        g_assert_cmpfloat (dst[(r * W + c) * C + ch], ==, src[(r * W + W - 1 - c) * C + ch]);

  /* shift by whole pixels: output column c shows input column c + 2, the rest is filled */
  for (int mode = STRATA_FILL_NEAREST; mode <= STRATA_FILL_WRAP; mode++)
    {
      memset (&d, 0, sizeof d);
      d.zoom_rows = d.zoom_cols = d.brightness = 1;
      d.shift_cols = 2;
      d.affine = TRUE;
      p.fill_mode = mode;
      p.fill_value = 77;
      strata_augment_apply (&p, &d, src, W, H, C, dst, tmp);
      for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++)
          for (int ch = 0; ch < C; ch++)
            {
              int from = c + 2;
              double expected;

              if (from < W)
                expected = src[(r * W + from) * C + ch];
              else if (mode == STRATA_FILL_CONSTANT)
                expected = 77;
              else if (mode == STRATA_FILL_NEAREST)
                expected = src[(r * W + W - 1) * C + ch];
              else if (mode == STRATA_FILL_REFLECT)
                expected = src[(r * W + 2 * W - 1 - from) * C + ch];
              else
                expected = src[(r * W + from - W) * C + ch];
              g_assert_cmpfloat_with_epsilon (dst[(r * W + c) * C + ch], expected, 1e-4);
            }
    }

  /* a quarter turn of a square: output (r, c) shows input (n-1-c, r) */
  {
    guint8 square[9 * 9];
    float out[9 * 9], scratch[9 * 9];

    for (int i = 0; i < 81; i++)
      square[i] = (guint8) (i * 3);
    memset (&d, 0, sizeof d);
    d.zoom_rows = d.zoom_cols = d.brightness = 1;
    d.theta = G_PI / 2;
    d.affine = TRUE;
    strata_augment_apply (&p, &d, square, 9, 9, 1, out, scratch);
    for (int r = 0; r < 9; r++)
      for (int c = 0; c < 9; c++)
        g_assert_cmpfloat_with_epsilon (out[r * 9 + c], square[(8 - c) * 9 + r], 1e-3);
  }
}

static void
test_against_reference (void)
{
  StrataAugmentParams p;
  guint n_crop = 0, n_erase = 0, n_flip = 0;

  strata_augment_params_init_default (&p);
  p.rotation_range = 40;
  p.width_shift_range = 0.2;
  p.height_shift_range = 0.3;
  p.shear_range = 20;
  p.zoom_range = 0.3;
  p.horizontal_flip = TRUE;
  p.vertical_flip = TRUE;
  p.channel_shift_range = 30;
  p.brightness_min = 0.6;
  p.brightness_max = 1.4;
  p.erasing_probability = 0.5;
  p.erasing_value = 13;
  p.fill_value = 200;

  for (int mode = STRATA_FILL_NEAREST; mode <= STRATA_FILL_WRAP; mode++)
    for (guint64 key = 0; key < 40; key++)
      {
        StrataAugmentDraw d;
        double worst;

        p.fill_mode = mode;
        p.random_resized_crop = key % 2;
        strata_augment_draw (&p, key * 7919 + mode, W, H, &d);
        worst = max_difference (&p, &d);
        if (worst > 1e-3)
          g_error ("fill mode %d, key %" G_GUINT64_FORMAT ": differs from the reference by %g",
                   mode, key, worst);
        n_crop += d.crop;
        n_erase += d.erase;
        n_flip += d.flip_h;
      }
  /* every operation showed up */
  g_assert_cmpuint (n_crop, >, 0);
  g_assert_cmpuint (n_erase, >, 0);
  g_assert_cmpuint (n_flip, >, 0);
}

static void
test_draw_ranges (void)
{
  StrataAugmentParams p;
  guint flips = 0, erased = 0;
  double theta_min = 0, theta_max = 0;

  strata_augment_params_init_default (&p);
  p.rotation_range = 30;
  p.zoom_range = 0.2;
  p.horizontal_flip = TRUE;
  p.random_resized_crop = TRUE;
  p.erasing_probability = 0.25;

  for (guint64 key = 0; key < 4000; key++)
    {
      StrataAugmentDraw d, again;
      double area;

      strata_augment_draw (&p, key, 64, 48, &d);
      strata_augment_draw (&p, key, 64, 48, &again);
      g_assert_cmpmem (&d, sizeof d, &again, sizeof again);

      g_assert_cmpfloat (fabs (d.theta), <=, 30 * G_PI / 180);
      theta_min = MIN (theta_min, d.theta);
      theta_max = MAX (theta_max, d.theta);
      g_assert_cmpfloat (d.zoom_rows, >=, 0.8);
      g_assert_cmpfloat (d.zoom_cols, <=, 1.2);
      flips += d.flip_h;
      g_assert_false (d.flip_v);

      g_assert_true (d.crop);
      g_assert_cmpint (d.crop_x, >=, 0);
      g_assert_cmpint (d.crop_y, >=, 0);
      g_assert_cmpint (d.crop_x + d.crop_w, <=, 64);
      g_assert_cmpint (d.crop_y + d.crop_h, <=, 48);
      area = (double) d.crop_w * d.crop_h / (64 * 48);
      g_assert_cmpfloat (area, >=, 0.05);

      if (d.erase)
        {
          erased++;
          g_assert_cmpint (d.erase_x + d.erase_w, <=, 64);
          g_assert_cmpint (d.erase_y + d.erase_h, <=, 48);
        }
    }
  g_assert_cmpfloat (theta_min, <, -25 * G_PI / 180);
  g_assert_cmpfloat (theta_max, >, 25 * G_PI / 180);
  /* binomial(4000, ½): 2000 ± 32 */
  g_assert_cmpuint (flips, >, 1850);
  g_assert_cmpuint (flips, <, 2150);
  g_assert_cmpuint (erased, >, 850);
  g_assert_cmpuint (erased, <, 1150);
}

static void
test_streams_independent (void)
{
  StrataAugmentParams p, q;
  StrataAugmentDraw a, b;

  /* turning on one operation leaves the others' random values as they were */
  strata_augment_params_init_default (&p);
  p.rotation_range = 20;
  q = p;
  q.horizontal_flip = TRUE;
  q.channel_shift_range = 10;
  strata_augment_draw (&p, 99, 32, 32, &a);
  strata_augment_draw (&q, 99, 32, 32, &b);
  g_assert_cmpfloat (a.theta, ==, b.theta);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  make_source ();

  g_test_add_func ("/augment/identity", test_identity);
  g_test_add_func ("/augment/exact", test_exact_cases);
  g_test_add_func ("/augment/reference", test_against_reference);
  g_test_add_func ("/augment/ranges", test_draw_ranges);
  g_test_add_func ("/augment/streams", test_streams_independent);
  return g_test_run ();
}

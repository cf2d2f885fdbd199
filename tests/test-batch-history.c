/* test-batch-history.c: a run's per-batch curve stays small, keeps its shape, round-trips
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "strata-atomic-file.h"
#include "strata-batch-history.h"

#define BATCHES_PER_EPOCH 600

static double
x_of (gint64 step)
{
  return (double) step / BATCHES_PER_EPOCH;
}

/* a loss that falls from 2 to 1 halfway, so that the shape is easy to check */
static double
loss_of (gint64 step,
         gint64 n)
{
  return step <= n / 2 ? 2.0 : 1.0;
}

static void
fill (StrataBatchHistory *h,
      gint64              from,
      gint64              to,
      gint64              n)
{
  for (gint64 step = from; step <= to; step++)
    strata_batch_history_add (h, step, x_of (step), loss_of (step, n), 0.5);
}

static void
check_points (GArray *points,
              guint64 n_batches,
              guint   max_points)
{
  guint64 batches = 0;
  double loss_sum = 0;

  g_assert_cmpuint (points->len, >, 0);
  g_assert_cmpuint (points->len, <=, max_points);
  for (guint i = 0; i < points->len; i++)
    {
      const StrataBatchPoint *p = &g_array_index (points, StrataBatchPoint, i);

      if (i > 0)
        {
          g_assert_cmpint (p->step, >, g_array_index (points, StrataBatchPoint, i - 1).step);
          g_assert_cmpfloat (p->x, >, g_array_index (points, StrataBatchPoint, i - 1).x);
        }
      g_assert_cmpfloat (p->x, ==, x_of (p->step));
      batches += p->count;
      loss_sum += p->loss * p->count;
    }
  g_assert_cmpuint (batches, ==, n_batches);
  /* the means are weighted by their batches: the overall mean stays what it was */
  g_assert_cmpfloat_with_epsilon (loss_sum / batches,
                                  (2.0 * (n_batches / 2) + 1.0 * (n_batches - n_batches / 2)) /
                                  n_batches, 1e-9);
}

static void
test_downsample (void)
{
  const gint64 n = 100000;
  const guint max_points = 64;
  g_autoptr(StrataBatchHistory) h = strata_batch_history_new (max_points);
  g_autoptr(GArray) points = NULL;
  guint stride;

  fill (h, 1, n, n);
  strata_batch_history_add (h, n + 1, NAN, 1, 1);     /* not a number: left out */
  points = strata_batch_history_dup_points (h);
  check_points (points, n, max_points);
  stride = strata_batch_history_get_stride (h);
  g_assert_cmpuint (stride & (stride - 1), ==, 0);
  g_assert_cmpuint (stride, >=, n / max_points);
  g_assert_cmpuint (strata_batch_history_get_n_batches (h), ==, n);

  /* the last point ends at the last batch, the first starts the curve */
  g_assert_cmpint (g_array_index (points, StrataBatchPoint, points->len - 1).step, ==, n);
  g_assert_cmpfloat (g_array_index (points, StrataBatchPoint, 0).x, <=, (double) stride / 600);

  /* the shape: before the drop the points are 2, after it 1, one point at most in between */
  {
    guint mixed = 0;

    for (guint i = 0; i < points->len; i++)
      {
        const StrataBatchPoint *p = &g_array_index (points, StrataBatchPoint, i);
        gint64 first = p->step - p->count + 1;

        if (p->step <= n / 2)
          g_assert_cmpfloat (p->loss, ==, 2.0);
        else if (first > n / 2)
          g_assert_cmpfloat (p->loss, ==, 1.0);
        else
          mixed++;
      }
    g_assert_cmpuint (mixed, <=, 1);
  }

  /* a short run is kept batch by batch */
  {
    g_autoptr(StrataBatchHistory) small = strata_batch_history_new (0);
    g_autoptr(GArray) all = NULL;

    fill (small, 1, 4000, 4000);
    all = strata_batch_history_dup_points (small);
    g_assert_cmpuint (all->len, ==, 4000);
    g_assert_cmpuint (strata_batch_history_get_stride (small), ==, 1);
    check_points (all, 4000, STRATA_BATCH_HISTORY_MAX_POINTS);
  }
}

static void
test_truncate (void)
{
  g_autoptr(StrataBatchHistory) h = strata_batch_history_new (32);
  g_autoptr(StrataBatchHistory) whole = strata_batch_history_new (32);
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) expected = NULL;

  /* a run saved at step 700, trained on to 1000, killed, resumed from 700 */
  fill (h, 1, 1000, 2000);
  strata_batch_history_truncate (h, 700);
  points = strata_batch_history_dup_points (h);
  g_assert_cmpint (g_array_index (points, StrataBatchPoint, points->len - 1).step, <=, 700);
  g_clear_pointer (&points, g_array_unref);

  /* truncating at the end of the history leaves it whole */
  fill (whole, 1, 2000, 2000);
  strata_batch_history_truncate (whole, 2000);
  g_assert_cmpuint (strata_batch_history_get_n_batches (whole), ==, 2000);

  /* what was saved with the checkpoint is cut nowhere: the resumed curve is the whole one */
  {
    g_autoptr(StrataBatchHistory) saved = strata_batch_history_new (32);

    fill (saved, 1, 700, 2000);
    strata_batch_history_truncate (saved, 700);
    fill (saved, 701, 2000, 2000);
    points = strata_batch_history_dup_points (saved);
    expected = strata_batch_history_dup_points (whole);
    g_assert_cmpuint (points->len, ==, expected->len);
    for (guint i = 0; i < points->len; i++)
      {
        g_assert_cmpint (g_array_index (points, StrataBatchPoint, i).step, ==,
                         g_array_index (expected, StrataBatchPoint, i).step);
        g_assert_cmpfloat_with_epsilon (g_array_index (points, StrataBatchPoint, i).loss,
                                        g_array_index (expected, StrataBatchPoint, i).loss, 1e-12);
      }
  }
}

static void
test_round_trip (void)
{
  g_autoptr(StrataBatchHistory) h = strata_batch_history_new (0);
  g_autoptr(StrataBatchHistory) back = NULL;
  g_autoptr(StrataBatchHistory) smaller = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("strata-batches-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, STRATA_BATCH_HISTORY_FILE, NULL);
  g_autofree char *data = NULL;
  gsize length;

  g_assert_no_error (error);
  fill (h, 1, 50001, 50001);       /* ends on a point of fewer batches than the stride */
  g_assert_true (strata_batch_history_save (h, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  /* a long run stays small: 4096 points in well under 200 kB */
  g_assert_cmpuint (length, <, 200 * 1000);

  back = strata_batch_history_load (path, 0, &error);
  g_assert_no_error (error);
  a = strata_batch_history_dup_points (h);
  b = strata_batch_history_dup_points (back);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpuint (strata_batch_history_get_stride (h), ==, strata_batch_history_get_stride (back));
  for (guint i = 0; i < a->len; i++)
    {
      const StrataBatchPoint *p = &g_array_index (a, StrataBatchPoint, i);
      const StrataBatchPoint *q = &g_array_index (b, StrataBatchPoint, i);

      g_assert_cmpint (p->step, ==, q->step);
      g_assert_cmpuint (p->count, ==, q->count);
      g_assert_cmpfloat_with_epsilon (p->x, q->x, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->loss, q->loss, 1e-5 * fabs (p->loss));
    }
  /* it goes on growing after a reload as it would have */
  fill (back, 50002, 60000, 60000);
  g_assert_cmpuint (strata_batch_history_get_n_batches (back), ==, 60000);

  /* read with fewer points allowed, it merges down to them */
  smaller = strata_batch_history_load (path, 100, &error);
  g_assert_no_error (error);
  g_clear_pointer (&b, g_array_unref);
  b = strata_batch_history_dup_points (smaller);
  g_assert_cmpuint (b->len, <=, 100);
  g_assert_cmpuint (strata_batch_history_get_n_batches (smaller), ==, 50001);

  /* a run from before the history was kept: empty, not an error */
  {
    g_autofree char *missing = g_build_filename (dir, "none.json", NULL);
    g_autoptr(StrataBatchHistory) none = strata_batch_history_load (missing, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strata_batch_history_get_n_batches (none), ==, 0);
  }
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_damaged (void)
{
  static const char *const bad[] = {
    "",
    "[]",
    "{\"format_version\": 2, \"stride\": 1, \"points\": []}",
    "{\"format_version\": 1, \"stride\": 3, \"points\": []}",
    "{\"format_version\": 1, \"stride\": 0, \"points\": []}",
    "{\"format_version\": 1, \"stride\": 1}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": {}}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, 2, 0.5]]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, \"2\", 0.5, 1]]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, 2, 0.5, 0]]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, 2, 0.5, -4]]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[2, 0.2, 2, 0.5, 1], [1, 0.1, 2, 0.5, 1]]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, 2, 0.5, 1], null]}",
    "{\"format_version\": 1, \"stride\": 1, \"points\": [[1, 0.1, 2, 0.5, 1]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataBatchHistory) h = strata_batch_history_new_from_data (bad[i], -1, 0, &error);

      g_assert_null (h);
      g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StrataBatchHistory) h = strata_batch_history_new_from_data (
      "{\"format_version\": 1, \"stride\": 2, \"points\": [[2, 0.2, 2, 0.5, 2], [3, 0.3, 1, 1, 1]]}",
      -1, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strata_batch_history_get_n_batches (h), ==, 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/batch-history/downsample", test_downsample);
  g_test_add_func ("/batch-history/truncate", test_truncate);
  g_test_add_func ("/batch-history/round-trip", test_round_trip);
  g_test_add_func ("/batch-history/damaged", test_damaged);
  return g_test_run ();
}

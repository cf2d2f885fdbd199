/* test-view-transform.c: the graph view's zoom, pan and fit
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-view-transform.h"

static void
test_roundtrip (void)
{
  StrataViewTransform t = { 1.5, 30, -20 };
  StrataPoint v = strata_view_transform_to_view (&t, 100, 40);
  StrataPoint c;

  g_assert_cmpfloat_with_epsilon (v.x, 180, 1e-9);
  g_assert_cmpfloat_with_epsilon (v.y, 40, 1e-9);
  c = strata_view_transform_to_canvas (&t, v.x, v.y);
  g_assert_cmpfloat_with_epsilon (c.x, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (c.y, 40, 1e-9);
}

/* The canvas point under the pointer must stay under it, whatever the zoom does. */
static void
test_zoom_keeps_anchor (void)
{
  StrataViewTransform t = { 0.8, 12, 34 };
  StrataPoint before = strata_view_transform_to_canvas (&t, 300, 200);
  StrataPoint after;

  strata_view_transform_zoom_at (&t, 1.25, 300, 200);
  g_assert_cmpfloat_with_epsilon (t.zoom, 1.0, 1e-9);
  after = strata_view_transform_to_canvas (&t, 300, 200);
  g_assert_cmpfloat_with_epsilon (after.x, before.x, 1e-9);
  g_assert_cmpfloat_with_epsilon (after.y, before.y, 1e-9);

  /* Clamped at the limits, still anchored. */
  strata_view_transform_zoom_at (&t, 1000, 300, 200);
  g_assert_cmpfloat (t.zoom, ==, STRATA_VIEW_ZOOM_MAX);
  after = strata_view_transform_to_canvas (&t, 300, 200);
  g_assert_cmpfloat_with_epsilon (after.x, before.x, 1e-9);
  strata_view_transform_zoom_at (&t, 1e-6, 0, 0);
  g_assert_cmpfloat (t.zoom, ==, STRATA_VIEW_ZOOM_MIN);
}

static void
test_pan (void)
{
  StrataViewTransform t = STRATA_VIEW_TRANSFORM_IDENTITY;
  StrataPoint c;

  strata_view_transform_pan (&t, -50, 25);
  c = strata_view_transform_to_canvas (&t, 0, 0);
  g_assert_cmpfloat_with_epsilon (c.x, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (c.y, -25, 1e-9);
}

static void
test_fit (void)
{
  StrataViewTransform t = STRATA_VIEW_TRANSFORM_IDENTITY;
  StrataRect tall = { 100, 0, 200, 1600 };
  StrataRect small = { -50, -50, 100, 100 };
  StrataRect visible;

  /* A tall graph in an 800×600 view with 20 px margins: height decides. */
  strata_view_transform_fit (&t, &tall, 800, 600, 20, 1.0);
  g_assert_cmpfloat_with_epsilon (t.zoom, 560.0 / 1600, 1e-9);
  visible = strata_view_transform_visible_rect (&t, 800, 600);
  g_assert_cmpfloat_with_epsilon (visible.x + visible.width / 2, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (visible.y + visible.height / 2, 800, 1e-9);
  g_assert_true (visible.y <= tall.y && visible.y + visible.height >= tall.y + tall.height);

  /* A small one is centred but not blown up past the maximum. */
  strata_view_transform_fit (&t, &small, 800, 600, 20, 1.0);
  g_assert_cmpfloat (t.zoom, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (strata_view_transform_to_view (&t, 0, 0).x, 400, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_view_transform_to_view (&t, 0, 0).y, 300, 1e-9);
}

static void
test_zoom_steps (void)
{
  double z = 1.0;

  z = strata_view_zoom_step (z, 1);
  g_assert_cmpfloat (z, ==, 1.25);
  z = strata_view_zoom_step (z, -1);
  g_assert_cmpfloat (z, ==, 1.0);
  /* From an odd zoom (after pinching), the next preset level in that direction. */
  g_assert_cmpfloat (strata_view_zoom_step (0.9, 1), ==, 1.0);
  g_assert_cmpfloat (strata_view_zoom_step (0.9, -1), ==, 0.8);
  g_assert_cmpfloat (strata_view_zoom_step (STRATA_VIEW_ZOOM_MAX, 1), ==, STRATA_VIEW_ZOOM_MAX);
  g_assert_cmpfloat (strata_view_zoom_step (STRATA_VIEW_ZOOM_MIN, -1), ==, STRATA_VIEW_ZOOM_MIN);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-editor/view/roundtrip", test_roundtrip);
  g_test_add_func ("/graph-editor/view/zoom-keeps-anchor", test_zoom_keeps_anchor);
  g_test_add_func ("/graph-editor/view/pan", test_pan);
  g_test_add_func ("/graph-editor/view/fit", test_fit);
  g_test_add_func ("/graph-editor/view/zoom-steps", test_zoom_steps);
  return g_test_run ();
}

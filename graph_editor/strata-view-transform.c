/* strata-view-transform.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-view-transform"

#include "config.h"

#include <math.h>

#include "strata-view-transform.h"

StrataPoint
strata_view_transform_to_view (const StrataViewTransform *self,
                               double                     canvas_x,
                               double                     canvas_y)
{
  return (StrataPoint) { canvas_x * self->zoom + self->x, canvas_y * self->zoom + self->y };
}

StrataPoint
strata_view_transform_to_canvas (const StrataViewTransform *self,
                                 double                     view_x,
                                 double                     view_y)
{
  return (StrataPoint) { (view_x - self->x) / self->zoom, (view_y - self->y) / self->zoom };
}

StrataRect
strata_view_transform_rect_to_view (const StrataViewTransform *self,
                                    const StrataRect          *canvas_rect)
{
  StrataPoint p = strata_view_transform_to_view (self, canvas_rect->x, canvas_rect->y);

  return (StrataRect) { p.x, p.y, canvas_rect->width * self->zoom,
                        canvas_rect->height * self->zoom };
}

/**
 * strata_view_transform_visible_rect:
 *
 * Returns: the part of the canvas a view of that size shows
 */
StrataRect
strata_view_transform_visible_rect (const StrataViewTransform *self,
                                    double                     view_width,
                                    double                     view_height)
{
  StrataPoint p = strata_view_transform_to_canvas (self, 0, 0);

  return (StrataRect) { p.x, p.y, view_width / self->zoom, view_height / self->zoom };
}

/**
 * strata_view_transform_set_zoom_at:
 * @view_x: the anchor, in view coordinates
 *
 * Changes the zoom (clamped to the allowed range) so that the canvas point under the anchor
 * stays under it, as the pointer does in every zoomable view users know.
 */
void
strata_view_transform_set_zoom_at (StrataViewTransform *self,
                                   double               zoom,
                                   double               view_x,
                                   double               view_y)
{
  StrataPoint anchor = strata_view_transform_to_canvas (self, view_x, view_y);

  if (!isfinite (zoom))
    return;
  self->zoom = CLAMP (zoom, STRATA_VIEW_ZOOM_MIN, STRATA_VIEW_ZOOM_MAX);
  self->x = view_x - anchor.x * self->zoom;
  self->y = view_y - anchor.y * self->zoom;
}

void
strata_view_transform_zoom_at (StrataViewTransform *self,
                               double               factor,
                               double               view_x,
                               double               view_y)
{
  strata_view_transform_set_zoom_at (self, self->zoom * factor, view_x, view_y);
}

void
strata_view_transform_pan (StrataViewTransform *self,
                           double               dx,
                           double               dy)
{
  self->x += dx;
  self->y += dy;
}

void
strata_view_transform_center_on (StrataViewTransform *self,
                                 double               canvas_x,
                                 double               canvas_y,
                                 double               view_width,
                                 double               view_height)
{
  self->x = view_width / 2 - canvas_x * self->zoom;
  self->y = view_height / 2 - canvas_y * self->zoom;
}

/**
 * strata_view_transform_fit:
 * @bounds: what to show, in canvas coordinates
 * @margin: free space to leave on every side, in view pixels
 * @max_zoom: the zoom not to exceed, so a small graph is not blown up
 *
 * Zooms and pans so @bounds is centred in the view and fills it as far as it can.
 */
void
strata_view_transform_fit (StrataViewTransform *self,
                           const StrataRect    *bounds,
                           double               view_width,
                           double               view_height,
                           double               margin,
                           double               max_zoom)
{
  double avail_w = MAX (view_width - 2 * margin, 1);
  double avail_h = MAX (view_height - 2 * margin, 1);
  double zoom = max_zoom;

  if (bounds->width > 0)
    zoom = MIN (zoom, avail_w / bounds->width);
  if (bounds->height > 0)
    zoom = MIN (zoom, avail_h / bounds->height);
  self->zoom = CLAMP (zoom, STRATA_VIEW_ZOOM_MIN, STRATA_VIEW_ZOOM_MAX);
  strata_view_transform_center_on (self, bounds->x + bounds->width / 2,
                                   bounds->y + bounds->height / 2, view_width, view_height);
}

/**
 * strata_view_zoom_step:
 * @direction: 1 to zoom in, -1 to zoom out
 *
 * Returns: the next zoom of the buttons and keys: the preset levels, so that 100 % is
 *   always reachable again
 */
double
strata_view_zoom_step (double zoom,
                       int    direction)
{
  static const double levels[] = { 0.1, 0.15, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0,
                                   3.0, 4.0 };
  const double eps = 1e-3;

  if (direction > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
        if (levels[i] > zoom + eps)
          return levels[i];
      return STRATA_VIEW_ZOOM_MAX;
    }
  for (guint i = G_N_ELEMENTS (levels); i > 0; i--)
    if (levels[i - 1] < zoom - eps)
      return levels[i - 1];
  return STRATA_VIEW_ZOOM_MIN;
}

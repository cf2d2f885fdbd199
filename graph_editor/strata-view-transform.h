/* strata-view-transform.h: the canvas-to-screen mapping of the graph view (zoom and pan)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-graph-geometry.h"

G_BEGIN_DECLS

#define STRATA_VIEW_ZOOM_MIN 0.1
#define STRATA_VIEW_ZOOM_MAX 4.0

/**
 * StrataViewTransform:
 * @zoom: view pixels per canvas unit
 * @x: where the canvas origin is in the view, horizontally
 * @y: where the canvas origin is in the view, vertically
 *
 * view = canvas × @zoom + (@x, @y)
 */
typedef struct
{
  double zoom;
  double x;
  double y;
} StrataViewTransform;

#define STRATA_VIEW_TRANSFORM_IDENTITY ((StrataViewTransform) { 1.0, 0.0, 0.0 })

StrataPoint strata_view_transform_to_view      (const StrataViewTransform *self,
                                                double                     canvas_x,
                                                double                     canvas_y);
StrataPoint strata_view_transform_to_canvas    (const StrataViewTransform *self,
                                                double                     view_x,
                                                double                     view_y);
StrataRect  strata_view_transform_rect_to_view (const StrataViewTransform *self,
                                                const StrataRect          *canvas_rect);
StrataRect  strata_view_transform_visible_rect (const StrataViewTransform *self,
                                                double                     view_width,
                                                double                     view_height);
void        strata_view_transform_set_zoom_at  (StrataViewTransform       *self,
                                                double                     zoom,
                                                double                     view_x,
                                                double                     view_y);
void        strata_view_transform_zoom_at      (StrataViewTransform       *self,
                                                double                     factor,
                                                double                     view_x,
                                                double                     view_y);
void        strata_view_transform_pan          (StrataViewTransform       *self,
                                                double                     dx,
                                                double                     dy);
void        strata_view_transform_center_on    (StrataViewTransform       *self,
                                                double                     canvas_x,
                                                double                     canvas_y,
                                                double                     view_width,
                                                double                     view_height);
void        strata_view_transform_fit          (StrataViewTransform       *self,
                                                const StrataRect          *bounds,
                                                double                     view_width,
                                                double                     view_height,
                                                double                     margin,
                                                double                     max_zoom);
double      strata_view_zoom_step              (double                     zoom,
                                                int                        direction);

G_END_DECLS

/* strata-props-private.h: table-driven GObject properties and their JSON form
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The settings objects keep every property in a struct field; one table maps property ids
 * to field offsets so that get/set, copying and the JSON form are written once.  Supported
 * value types: gboolean, guint, guint64, double, enums (stored as int), strings, GStrv and
 * GVariant (of type "ad"). */

void      _strata_props_get       (gpointer            instance,
                                   gsize               offset,
                                   GParamSpec         *pspec,
                                   GValue             *value);
gboolean  _strata_props_set       (gpointer            instance,
                                   gsize               offset,
                                   GParamSpec         *pspec,
                                   const GValue       *value);
void      _strata_props_free      (gpointer            instance,
                                   gsize               offset,
                                   GParamSpec         *pspec);

/* JSON member names are the property names with '_' for '-'. */
void      _strata_props_to_json   (GObject            *object,
                                   JsonBuilder        *builder);
gboolean  _strata_props_from_json (GObject            *object,
                                   JsonObject         *json,
                                   const char * const *handled,
                                   const char         *context,
                                   GError            **error);
void      _strata_props_copy      (GObject            *dst,
                                   GObject            *src);

G_END_DECLS

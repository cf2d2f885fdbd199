/* strata-json-props.h: a GObject's settings as a flat JSON object, checked on the way in
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *strata_json_from_props (GObject    *object);
gboolean  strata_json_to_props   (GObject    *object,
                                  JsonNode   *node,
                                  const char *section,
                                  GError    **error);

G_END_DECLS

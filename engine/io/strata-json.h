/* strata-json.h: every JSON text Strata reads, parsed only after a check of its nesting
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than any file Strata writes (a project nests about ten levels), far shallower than
 * what overflows json-glib's recursive parser (which descends once per level). */
#define STRATA_JSON_MAX_DEPTH 256

gboolean  strata_json_check_depth (const char *data,
                                   gssize      length,
                                   guint       max_depth,
                                   GError    **error);
JsonNode *strata_json_load_data   (const char *data,
                                   gssize      length,
                                   GError    **error);
JsonNode *strata_json_load_file   (const char *path,
                                   GError    **error);

const char *strata_json_get_string (JsonObject *object,
                                    const char *name,
                                    const char *fallback);
gint64      strata_json_get_int    (JsonObject *object,
                                    const char *name,
                                    gint64      fallback);
double      strata_json_get_double (JsonObject *object,
                                    const char *name,
                                    double      fallback);

G_END_DECLS

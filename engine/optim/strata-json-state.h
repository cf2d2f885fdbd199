/* strata-json-state.h: checked reading of the small JSON states of schedules and callbacks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Where errors go: @domain and @code of the caller's module, and @what, the translated name
 * of the thing whose state it is (“learning-rate schedule”), for the messages.
 */
typedef struct
{
  GQuark domain;
  int code;
  const char *what;
} StrataJsonState;

JsonObject *_strata_json_state_object  (const StrataJsonState *reader,
                                        JsonNode              *node,
                                        GError               **error);
gboolean    _strata_json_state_string  (const StrataJsonState *reader,
                                        JsonObject            *object,
                                        const char            *member,
                                        const char           **value,
                                        GError               **error);
gboolean    _strata_json_state_int     (const StrataJsonState *reader,
                                        JsonObject            *object,
                                        const char            *member,
                                        gint64                 min,
                                        gint64                 max,
                                        gint64                *value,
                                        GError               **error);
gboolean    _strata_json_state_double  (const StrataJsonState *reader,
                                        JsonObject            *object,
                                        const char            *member,
                                        gboolean               nullable,
                                        double                *value,
                                        gboolean              *present,
                                        GError               **error);
gboolean    _strata_json_state_boolean (const StrataJsonState *reader,
                                        JsonObject            *object,
                                        const char            *member,
                                        gboolean              *value,
                                        GError               **error);

G_END_DECLS

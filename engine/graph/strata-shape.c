/* strata-shape.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-shape"

#include "config.h"

#include "strata-shape.h"

gint64
strata_shape_n_elements (const StrataShape *shape)
{
  gint64 n = 1;

  for (int i = 0; i < shape->rank; i++)
    n *= shape->dims[i];
  return n;
}

gboolean
strata_shape_equal (const StrataShape *a,
                    const StrataShape *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;
  return TRUE;
}

/* "(None, 28, 28, 1)", as Keras' model.summary() prints it. */
char *
strata_shape_to_string (const StrataShape *shape)
{
  GString *s = g_string_new ("(None");

  for (int i = 0; i < shape->rank; i++)
    g_string_append_printf (s, ", %d", shape->dims[i]);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

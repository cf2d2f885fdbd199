/* strata-batch-history.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-batch-history.h"
#include "strata-json.h"

/*
 * The curves on the Training and Results pages need every run's per-batch figures after a
 * Stop, a Resume or reopening the project, but a long run has hundreds of thousands of
 * batches. So the history keeps points of `stride` batches each (their means), and when it
 * holds max_points of them it merges neighbours in pairs and doubles the stride: the curve
 * keeps its shape at any length, in at most max_points points, and adding a batch stays O(1)
 * amortised. The last point gathers batches until it has `stride` of them.
 */

#define FORMAT_VERSION 1

struct _StrataBatchHistory
{
  GArray *points;        /* StrataBatchPoint, full ones (count == stride, roughly) */
  StrataBatchPoint pending;
  guint stride;
  guint max_points;
};

/**
 * strata_batch_history_new:
 * @max_points: the most points kept; at least 2 (0 for %STRATA_BATCH_HISTORY_MAX_POINTS)
 */
StrataBatchHistory *
strata_batch_history_new (guint max_points)
{
  StrataBatchHistory *self = g_new0 (StrataBatchHistory, 1);

  self->points = g_array_new (FALSE, FALSE, sizeof (StrataBatchPoint));
  self->stride = 1;
  self->max_points = max_points ? MAX (max_points, 2) : STRATA_BATCH_HISTORY_MAX_POINTS;
  return self;
}

void
strata_batch_history_free (StrataBatchHistory *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->points);
  g_free (self);
}

/* b into a: the mean of both, placed where the later one ends */
static void
merge (StrataBatchPoint       *a,
       const StrataBatchPoint *b)
{
  double n = (double) a->count + b->count;

  if (a->count == 0)
    {
      *a = *b;
      return;
    }
  a->loss = (a->loss * a->count + b->loss * b->count) / n;
  a->accuracy = (a->accuracy * a->count + b->accuracy * b->count) / n;
  a->count += b->count;
  a->step = b->step;
  a->x = b->x;
}

static void
compact (StrataBatchHistory *self)
{
  StrataBatchPoint *p = (StrataBatchPoint *) self->points->data;
  guint n = self->points->len, kept = 0;
  StrataBatchPoint odd = { 0 };

  for (guint i = 0; i + 1 < n; i += 2)
    {
      StrataBatchPoint m = p[i];

      merge (&m, &p[i + 1]);
      p[kept++] = m;
    }
  /* an odd one out is not a full point of the new stride: it goes on gathering */
  if (n % 2)
    odd = p[n - 1];
  g_array_set_size (self->points, kept);
  self->stride *= 2;
  merge (&odd, &self->pending);
  self->pending = odd;
}

static void
push_pending (StrataBatchHistory *self)
{
  while (self->pending.count >= self->stride)
    {
      g_array_append_val (self->points, self->pending);
      memset (&self->pending, 0, sizeof self->pending);
      if (self->points->len >= self->max_points)
        compact (self);
    }
}

/**
 * strata_batch_history_add:
 * @step: the optimizer step the batch was (steps increase)
 * @x: where the batch ends, in epochs
 *
 * Adds one batch; one whose figures are not numbers is left out.
 */
void
strata_batch_history_add (StrataBatchHistory *self,
                          gint64              step,
                          double              x,
                          double              loss,
                          double              accuracy)
{
  StrataBatchPoint p = { step, x, loss, accuracy, 1 };

  g_return_if_fail (self != NULL);
  if (!isfinite (x) || !isfinite (loss) || !isfinite (accuracy))
    return;
  merge (&self->pending, &p);
  push_pending (self);
}

/**
 * strata_batch_history_truncate:
 *
 * Drops the points that end after @step: a run resumed from a checkpoint at @step goes on
 * from there, and what it did after (before a crash) is redone.
 */
void
strata_batch_history_truncate (StrataBatchHistory *self,
                               gint64              step)
{
  guint keep = self->points->len;

  g_return_if_fail (self != NULL);
  if (self->pending.count > 0 && self->pending.step > step)
    memset (&self->pending, 0, sizeof self->pending);
  while (keep > 0 && g_array_index (self->points, StrataBatchPoint, keep - 1).step > step)
    keep--;
  if (keep < self->points->len)
    {
      g_array_set_size (self->points, keep);
      memset (&self->pending, 0, sizeof self->pending);
    }
}

guint
strata_batch_history_get_stride (StrataBatchHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stride;
}

/* Returns: the batches the points stand for */
guint64
strata_batch_history_get_n_batches (StrataBatchHistory *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);
  n = self->pending.count;
  for (guint i = 0; i < self->points->len; i++)
    n += g_array_index (self->points, StrataBatchPoint, i).count;
  return n;
}

/**
 * strata_batch_history_dup_points:
 *
 * Returns: (transfer full) (element-type StrataBatchPoint): the points in order, the last
 *   one possibly of fewer batches than the others
 */
GArray *
strata_batch_history_dup_points (StrataBatchHistory *self)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (StrataBatchPoint),
                                   self->points->len + 1);

  g_array_append_vals (out, self->points->data, self->points->len);
  if (self->pending.count > 0)
    g_array_append_val (out, self->pending);
  return out;
}

static void
append_number (GString *s,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* six digits draw a curve as well as seventeen, in a third of the bytes */
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", value));
}

/**
 * strata_batch_history_to_data:
 *
 * Returns: the history as JSON: {"format_version": 1, "stride": S,
 *   "points": [[step, x, loss, accuracy, count], …]}
 */
char *
strata_batch_history_to_data (StrataBatchHistory *self,
                              gsize              *length)
{
  g_autoptr(GArray) points = strata_batch_history_dup_points (self);
  GString *s = g_string_sized_new (64 + points->len * 48);

  g_string_append_printf (s, "{\"format_version\": %d, \"stride\": %u, \"points\": [",
                          FORMAT_VERSION, self->stride);
  for (guint i = 0; i < points->len; i++)
    {
      const StrataBatchPoint *p = &g_array_index (points, StrataBatchPoint, i);

      g_string_append_printf (s, "%s\n[%" G_GINT64_FORMAT ", ", i ? "," : "", p->step);
      /* x to the batch: a million batches still need more than six digits */
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.12g", p->x));
      }
      g_string_append (s, ", ");
      append_number (s, p->loss);
      g_string_append (s, ", ");
      append_number (s, p->accuracy);
      g_string_append_printf (s, ", %u]", p->count);
    }
  g_string_append (s, "]}\n");
  if (length)
    *length = s->len;
  return g_string_free (s, FALSE);
}

static gboolean
corrupt (GError    **error,
         const char *why)
{
  /* Translators: %s says what is wrong with a run's per-batch curve file */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("The run’s per-batch history is damaged: %s"), why);
  return FALSE;
}

static gboolean
read_point (JsonNode         *node,
            StrataBatchPoint *p,
            GError          **error)
{
  JsonArray *a;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (a = json_node_get_array (node)) != 5)
    return corrupt (error, _("a point is not five numbers"));
  for (guint k = 0; k < 5; k++)
    {
      JsonNode *e = json_array_get_element (a, k);

      if (!JSON_NODE_HOLDS_VALUE (e) ||
          (json_node_get_value_type (e) != G_TYPE_INT64 &&
           json_node_get_value_type (e) != G_TYPE_DOUBLE))
        return corrupt (error, _("a point is not five numbers"));
    }
  p->step = json_array_get_int_element (a, 0);
  p->x = json_array_get_double_element (a, 1);
  p->loss = json_array_get_double_element (a, 2);
  p->accuracy = json_array_get_double_element (a, 3);
  if (json_array_get_int_element (a, 4) < 1 || json_array_get_int_element (a, 4) > G_MAXINT32 ||
      !isfinite (p->x) || !isfinite (p->loss) || !isfinite (p->accuracy))
    return corrupt (error, _("a point has a figure out of range"));
  p->count = (guint) json_array_get_int_element (a, 4);
  return TRUE;
}

/**
 * strata_batch_history_new_from_data:
 * @max_points: as for strata_batch_history_new(); a longer history is merged down to it
 *
 * Returns: (nullable): the history, or %NULL with %STRATA_IO_ERROR_CORRUPT
 */
StrataBatchHistory *
strata_batch_history_new_from_data (const char *data,
                                    gssize      length,
                                    guint       max_points,
                                    GError    **error)
{
  g_autoptr(StrataBatchHistory) self = strata_batch_history_new (max_points);
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) node = strata_json_load_data (data, length, &local);
  JsonObject *root;
  JsonArray *points;
  gint64 stride;

  if (node == NULL)
    return corrupt (error, local->message), NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, _("it is not a JSON object")), NULL;
  root = json_node_get_object (node);
  if (strata_json_get_int (root, "format_version", 0) != FORMAT_VERSION)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("The run’s per-batch history is of a format this version does not read"));
      return NULL;
    }
  stride = strata_json_get_int (root, "stride", 0);
  if (stride < 1 || stride > G_MAXINT32 || (stride & (stride - 1)) != 0)
    return corrupt (error, _("its stride is not a power of two")), NULL;
  if (!json_object_has_member (root, "points") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "points")))
    return corrupt (error, _("it has no points")), NULL;
  points = json_object_get_array_member (root, "points");

  /* added point by point at the file's stride, so that a smaller @max_points merges them */
  self->stride = (guint) stride;
  for (guint i = 0; i < json_array_get_length (points); i++)
    {
      StrataBatchPoint p;

      if (!read_point (json_array_get_element (points, i), &p, error))
        return NULL;
      if (i > 0)
        {
          const StrataBatchPoint *before = self->pending.count
                                           ? &self->pending
                                           : &g_array_index (self->points, StrataBatchPoint,
                                                             self->points->len - 1);

          if (p.step <= before->step || p.x < before->x)
            return corrupt (error, _("its points are out of order")), NULL;
        }
      /* a short point in the middle (a stride doubled since) stays a point of its own */
      if (self->pending.count > 0 && self->pending.count + p.count > self->stride)
        {
          g_array_append_val (self->points, self->pending);
          memset (&self->pending, 0, sizeof self->pending);
          if (self->points->len >= self->max_points)
            compact (self);
        }
      merge (&self->pending, &p);
      push_pending (self);
    }
  return g_steal_pointer (&self);
}

/**
 * strata_batch_history_save:
 *
 * Replaces the file at @path atomically.
 */
gboolean
strata_batch_history_save (StrataBatchHistory *self,
                           const char         *path,
                           GError            **error)
{
  gsize length;
  g_autofree char *data = strata_batch_history_to_data (self, &length);

  return strata_write_file_atomic (path, data, length, error);
}

/**
 * strata_batch_history_load:
 *
 * A run from before the history was kept has no file: that is an empty history, not an error.
 *
 * Returns: (nullable): the history, or %NULL when the file can't be read or is damaged
 */
StrataBatchHistory *
strata_batch_history_load (const char *path,
                           guint       max_points,
                           GError    **error)
{
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return strata_batch_history_new (max_points);
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ, "%s", local->message);
      return NULL;
    }
  return strata_batch_history_new_from_data (data, length, max_points, error);
}

/* strata-plan-memory.c: placing the plan's buffers in one arena by their lifetimes
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "strata-plan-private.h"
#include "strata-plan-struct.h"

static gint
compare_size_desc (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const StrataPlanBuffer *buffers = user_data;
  const StrataPlanBuffer *x = &buffers[*(const guint *) a];
  const StrataPlanBuffer *y = &buffers[*(const guint *) b];

  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : 1;
}

static gint
compare_offset (gconstpointer a,
                gconstpointer b)
{
  const StrataPlanBuffer *x = *(StrataPlanBuffer *const *) a;
  const StrataPlanBuffer *y = *(StrataPlanBuffer *const *) b;

  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Places the buffers in one arena, ggml-style: largest first, each at the lowest offset where
 * it overlaps no placed buffer that is alive at the same time.
 */
void
_strata_plan_place_buffers (StrataPlan *plan)
{
  StrataPlanBuffer *buffers = (StrataPlanBuffer *) plan->buffers->data;
  guint n = plan->buffers->len;
  g_autofree guint *order = g_new (guint, n);
  g_autoptr(GPtrArray) placed = g_ptr_array_new ();
  g_autoptr(GPtrArray) live = g_ptr_array_new ();
  gboolean share = !(plan->debug & STRATA_PLAN_DEBUG_KEEP_OUTPUTS);

  plan->arena_size = 0;
  plan->arena_unshared = 0;
  for (guint i = 0; i < n; i++)
    {
      order[i] = i;
      plan->arena_unshared += buffers[i].size;
    }
  g_qsort_with_data (order, n, sizeof (guint), compare_size_desc, buffers);

  for (guint i = 0; i < n; i++)
    {
      StrataPlanBuffer *b = &buffers[order[i]];
      gsize offset = 0;

      g_ptr_array_set_size (live, 0);
      for (guint j = 0; j < placed->len; j++)
        {
          StrataPlanBuffer *p = g_ptr_array_index (placed, j);
          if (!share || (p->t_first <= b->t_last && b->t_first <= p->t_last))
            g_ptr_array_add (live, p);
        }
      g_ptr_array_sort (live, compare_offset);
      for (guint j = 0; j < live->len; j++)
        {
          StrataPlanBuffer *p = g_ptr_array_index (live, j);
          if (offset + b->size <= p->offset)
            break;
          offset = MAX (offset, p->offset + p->size);
        }
      b->offset = offset;
      plan->arena_size = MAX (plan->arena_size, offset + b->size);
      g_ptr_array_add (placed, b);
    }
}

gboolean
_strata_plan_bind_buffers (StrataPlan  *plan,
                           GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  /* not g_aligned_alloc(): a batch too large for this machine is an error, not an abort */
  if (posix_memalign ((void **) &plan->arena, 4096, MAX (plan->arena_size, 64)) != 0)
    {
      plan->arena = NULL;
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_NO_MEMORY,
                              _("Not enough memory for the plan"));
      return FALSE;
    }
  g_hash_table_iter_init (&iter, plan->mem_buffers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int buffer = GPOINTER_TO_INT (value) - 1;
      StrataPlanBuffer *b;

      if (buffer < 0)
        continue;
      b = &g_array_index (plan->buffers, StrataPlanBuffer, buffer);
      if (!_strata_plan_check (dnnl_memory_set_data_handle (key, plan->arena + b->offset),
                               "place a buffer", error))
        return FALSE;
    }
  return TRUE;
}

/* strata-loader.c: batches prepared ahead by a thread pool, reproducible per (seed, epoch)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-dataset.h"
#include "strata-dataset-private.h"
#include "strata-random.h"

/*
 * Batch b of an epoch always holds the same images in the same order: order[] is a
 * Fisher-Yates shuffle keyed by (seed, epoch) and batch b is order[b·B … b·B + B). A batch
 * is filled by exactly one task, and every random choice inside comes from the image's own
 * key, so the thread count changes only the speed.
 *
 * The slots form a ring: batch b lives in slot b mod depth. The consumer takes batch b,
 * frees its slot and queues batch b + depth into it; so at most depth batches are ready or
 * in work ahead of the consumer.
 */

typedef struct
{
  guint batch;
  guint generation;
  gboolean ready;
  float *images;
  gint32 *labels;
  guint *items;
  guint n;
  GError *error;
  StrataFillScratch scratch;
} Slot;

struct _StrataLoader
{
  StrataDataset *dataset;
  StrataSplit split;
  StrataLoaderOptions options;
  guint n_items;
  guint n_batches;
  gsize image_floats;

  int epoch;
  gboolean started;
  guint next_batch;           /* the batch next() delivers next */
  guint *order;
  const StrataAugmentParams *stage;

  GThreadPool *pool;
  GMutex lock;
  GCond cond;
  guint generation;           /* bumped by start_epoch: older tasks do nothing */
  guint in_flight;            /* tasks queued or running */
  guint depth;
  Slot *slots;

  guint *current_items;
  guint current_n;
  gboolean skip_images;       /* labels and items only (a frozen-feature cache has the rest) */
};

typedef struct
{
  guint slot;
  guint generation;
} Task;

static void
fill_slot (StrataLoader *self,
           Slot         *slot)
{
  guint first = slot->batch * self->options.batch;
  guint count = MIN (self->options.batch, self->n_items - first);
  guint n = 0;

  for (guint k = 0; k < count; k++)
    {
      guint index = self->order[first + k];
      guint source_index = _strata_dataset_get_source_index (self->dataset, self->split, index);
      g_autoptr(GError) error = NULL;

      if (!self->skip_images &&
          !_strata_dataset_fill (self->dataset, source_index,
                                 self->options.augment ? self->stage : NULL,
                                 self->options.seed, self->epoch, &slot->scratch,
                                 slot->images + n * self->image_floats, &error))
        {
          /* a bad image is reported once and left out of its batch */
          _strata_dataset_report_bad (self->dataset, source_index, error);
          continue;
        }
      slot->labels[n] = strata_dataset_get_label (self->dataset, self->split, index);
      slot->items[n] = index;
      n++;
    }
  slot->n = n;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  Task *task = data;
  StrataLoader *self = user_data;
  Slot *slot = &self->slots[task->slot];
  gboolean current;

  g_mutex_lock (&self->lock);
  current = task->generation == self->generation;
  g_mutex_unlock (&self->lock);

  /* While a task runs, start_epoch waits for it, so the fields it reads hold still. */
  if (current)
    fill_slot (self, slot);

  g_mutex_lock (&self->lock);
  if (current)
    slot->ready = TRUE;
  self->in_flight--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_free (task);
}

/* Called with the lock held. */
static void
queue_batch (StrataLoader *self,
             guint         batch)
{
  Task *task = g_new (Task, 1);
  Slot *slot = &self->slots[batch % self->depth];

  slot->batch = batch;
  slot->generation = self->generation;
  slot->ready = FALSE;
  slot->n = 0;
  task->slot = batch % self->depth;
  task->generation = self->generation;
  self->in_flight++;
  g_thread_pool_push (self->pool, task, NULL);
}

/**
 * strata_loader_new:
 * @dataset: the dataset; the loader keeps a reference
 * @split: which images
 * @options: batch size, shuffling, augmentation, seed and threads
 *
 * Nothing is read before the first strata_loader_start_epoch() (or strata_loader_next(),
 * which starts epoch 0 when none was started).
 *
 * Returns: (transfer full) (nullable): the loader
 */
StrataLoader *
strata_loader_new (StrataDataset             *dataset,
                   StrataSplit                split,
                   const StrataLoaderOptions *options,
                   GError                   **error)
{
  StrataLoader *self;
  guint n_threads;

  g_return_val_if_fail (STRATA_IS_DATASET (dataset), NULL);
  g_return_val_if_fail (split < STRATA_N_SPLITS, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (options->batch == 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("The batch size must be at least 1"));
      return NULL;
    }

  n_threads = options->n_threads;
  if (n_threads == 0)
    n_threads = CLAMP (g_get_num_processors () / 2, 1, 4);

  self = g_new0 (StrataLoader, 1);
  self->dataset = g_object_ref (dataset);
  self->split = split;
  self->options = *options;
  self->options.n_threads = n_threads;
  self->n_items = strata_dataset_get_n_items (dataset, split);
  self->n_batches = (self->n_items + options->batch - 1) / options->batch;
  self->image_floats = strata_dataset_get_image_n_floats (dataset);
  self->order = g_new (guint, MAX (self->n_items, 1));
  self->current_items = g_new0 (guint, options->batch);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  self->depth = CLAMP (n_threads + 2, 2, MAX (self->n_batches, 2));
  self->slots = g_new0 (Slot, self->depth);
  for (guint i = 0; i < self->depth; i++)
    {
      Slot *slot = &self->slots[i];

      slot->images = g_new (float, self->image_floats * options->batch);
      slot->labels = g_new (gint32, options->batch);
      slot->items = g_new (guint, options->batch);
      _strata_fill_scratch_init (&slot->scratch, dataset);
    }

  self->pool = g_thread_pool_new (worker, self, n_threads, TRUE, error);
  if (self->pool == NULL)
    {
      strata_loader_free (self);
      return NULL;
    }
  return self;
}

/* Drops queued work and waits for running tasks. */
static void
cancel_work (StrataLoader *self)
{
  g_mutex_lock (&self->lock);
  self->generation++;
  while (self->in_flight > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

void
strata_loader_free (StrataLoader *self)
{
  if (self == NULL)
    return;
  if (self->pool)
    {
      cancel_work (self);
      g_thread_pool_free (self->pool, TRUE, TRUE);
    }
  for (guint i = 0; self->slots && i < self->depth; i++)
    {
      g_free (self->slots[i].images);
      g_free (self->slots[i].labels);
      g_free (self->slots[i].items);
      g_clear_error (&self->slots[i].error);
      _strata_fill_scratch_clear (&self->slots[i].scratch);
    }
  g_free (self->slots);
  g_free (self->order);
  g_free (self->current_items);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_clear_object (&self->dataset);
  g_free (self);
}

/**
 * strata_loader_get_n_batches:
 *
 * Returns: batches per epoch, the last one short when the split does not divide evenly
 */
guint
strata_loader_get_n_batches (StrataLoader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_batches;
}

/**
 * strata_loader_start_epoch:
 * @epoch: the epoch index, 0 for the first; it keys the shuffle and picks the augmentation
 *   stage (stage first epochs count from 1: index 0 is epoch 1)
 * @first_batch: where to continue: a run resumed after k batches of the epoch passes k and
 *   gets exactly the batches it would have had
 *
 * Starts preparing batches; any work for another epoch is dropped.
 */
void
strata_loader_start_epoch (StrataLoader *self,
                           int           epoch,
                           guint         first_batch)
{
  g_return_if_fail (self != NULL);

  cancel_work (self);

  self->epoch = epoch;
  self->started = TRUE;
  self->next_batch = MIN (first_batch, self->n_batches);
  self->stage = _strata_dataset_get_stage (self->dataset, epoch);
  self->current_n = 0;

  for (guint i = 0; i < self->n_items; i++)
    self->order[i] = i;
  if (self->options.shuffle && self->n_items > 1)
    {
      StrataRandom rng;

      strata_random_init (&rng, strata_key3 (self->options.seed, (guint64) epoch,
                                             0x73687566666c65 /* "shuffle" */ + self->split));
      for (guint i = self->n_items - 1; i > 0; i--)
        {
          guint j = strata_random_below (&rng, i + 1);
          guint t = self->order[i];

          self->order[i] = self->order[j];
          self->order[j] = t;
        }
    }

  g_mutex_lock (&self->lock);
  for (guint b = self->next_batch; b < self->n_batches && b < self->next_batch + self->depth; b++)
    queue_batch (self, b);
  g_mutex_unlock (&self->lock);
}

/**
 * strata_loader_next:
 * @images: (out caller-allocates): room for a full batch: batch × height × width × channels
 *   floats, NHWC
 * @labels: (out caller-allocates): room for batch labels
 * @n: (out): images delivered; fewer than the batch size in the last batch, or when an image
 *   could not be read (it is reported once and left out)
 *
 * Returns: %TRUE with a batch, %FALSE at the end of the epoch (then @n is 0 and @error
 *   unset) or on an error
 */
gboolean
strata_loader_next (StrataLoader  *self,
                    float         *images,
                    gint32        *labels,
                    guint         *n,
                    GError       **error)
{
  Slot *slot;
  guint batch;

  g_return_val_if_fail (self != NULL, FALSE);

  *n = 0;
  if (!self->started)
    strata_loader_start_epoch (self, 0, 0);

  for (;;)
    {
      if (self->next_batch >= self->n_batches)
        {
          self->current_n = 0;
          return FALSE;
        }
      batch = self->next_batch;
      slot = &self->slots[batch % self->depth];

      g_mutex_lock (&self->lock);
      while (!(slot->ready && slot->batch == batch && slot->generation == self->generation))
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);

      if (slot->error)
        {
          g_propagate_error (error, g_steal_pointer (&slot->error));
          return FALSE;
        }

      memcpy (images, slot->images, sizeof (float) * self->image_floats * slot->n);
      memcpy (labels, slot->labels, sizeof (gint32) * slot->n);
      memcpy (self->current_items, slot->items, sizeof (guint) * slot->n);
      self->current_n = slot->n;
      *n = slot->n;
      self->next_batch++;

      g_mutex_lock (&self->lock);
      slot->ready = FALSE;
      if (batch + self->depth < self->n_batches)
        queue_batch (self, batch + self->depth);
      g_mutex_unlock (&self->lock);

      /* a batch whose every image was unreadable is skipped */
      if (*n > 0)
        return TRUE;
    }
}

/**
 * strata_loader_set_skip_images:
 * @skip: %TRUE for batches of labels and items only
 *
 * From the next strata_loader_start_epoch() on, batches carry their labels and items (see
 * strata_loader_get_batch_items()) but no images: nothing is decoded. For a trainer whose
 * frozen-feature cache holds every image's features.
 */
void
strata_loader_set_skip_images (StrataLoader *self,
                               gboolean      skip)
{
  g_return_if_fail (self != NULL);

  cancel_work (self);
  self->skip_images = skip;
}

/**
 * strata_loader_get_batch_items:
 *
 * Returns: (transfer none) (array): for each image of the batch the last
 *   strata_loader_next() gave, its index in the split (for strata_dataset_get_label() and
 *   strata_dataset_dup_item_name())
 */
const guint *
strata_loader_get_batch_items (StrataLoader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->current_items;
}

/**
 * strata_loader_get_position:
 * @epoch: (out) (optional): the epoch being delivered
 *
 * Returns: the batch strata_loader_next() delivers next, which a checkpoint stores to resume
 */
guint
strata_loader_get_position (StrataLoader *self,
                            int          *epoch)
{
  g_return_val_if_fail (self != NULL, 0);
  if (epoch)
    *epoch = self->epoch;
  return self->next_batch;
}

/* strata-dataset-inspect.c: counts, imbalance, unreadable images, exact and near duplicates
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "strata-dataset-inspect.h"
#include "strata-dataset-private.h"
#include "strata-image.h"

/* Near duplicates: dHash (64 bits: is each of 9×8 gray cells darker than its right
 * neighbour) within NEAR_BITS, and then 16×16 gray thumbnails differing by at most
 * NEAR_MEAN_DIFFERENCE on average, so that merely similar pictures (two plain T-shirts)
 * are not taken for copies. Candidates come from pigeonhole buckets: two hashes within 4
 * bits agree exactly on one of 5 slices. */
#define NEAR_BITS 4
#define NEAR_MEAN_DIFFERENCE 6.0
#define THUMB 16
#define THUMB_PIXELS (THUMB * THUMB)
#define MAX_BUCKET 2000
#define CHUNK 64

typedef struct
{
  StrataSplit split;
  guint index;
  guint source;
} Member;

typedef struct
{
  StrataDataset *dataset;
  Member *members;
  guint n;
  guint64 *dhash;
  guint8 *thumbs;
  gboolean *readable;
  char **messages;
  GCancellable *cancellable;

  GMutex lock;
  GCond cond;
  guint done;
} Job;

static void
wrap_pixels (StrataImage *image,
             guint8      *pixels,
             int          width,
             int          height,
             int          channels)
{
  memset (image, 0, sizeof *image);
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = (gsize) width * channels;
  image->data = pixels;
}

static void
fingerprint (Job   *job,
             guint  i,
             guint8 *pixels,
             int     width,
             int     height,
             int     channels)
{
  StrataImage image;
  StrataResizeSpec thumb = { THUMB, THUMB, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AREA };
  StrataResizeSpec cells = { 9, 8, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AREA };
  guint8 grid[9 * 8];
  guint64 bits = 0;

  wrap_pixels (&image, pixels, width, height, channels);
  strata_image_resize (&image, &thumb, job->thumbs + (gsize) i * THUMB_PIXELS);
  strata_image_resize (&image, &cells, grid);
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      bits = bits << 1 | (grid[y * 9 + x] < grid[y * 9 + x + 1]);
  job->dhash[i] = bits;
}

static void
work_chunk (gpointer data,
            gpointer user_data)
{
  Job *job = user_data;
  guint first = GPOINTER_TO_UINT (data) - 1;
  guint last = MIN (first + CHUNK, job->n);
  guint width, height, channels;
  g_autofree guint8 *pixels = NULL;

  strata_dataset_get_image_size (job->dataset, &width, &height, &channels);
  pixels = g_malloc ((gsize) width * height * channels);
  for (guint i = first; i < last && !g_cancellable_is_cancelled (job->cancellable); i++)
    {
      g_autoptr(GError) error = NULL;

      if (_strata_dataset_get_pixels (job->dataset, job->members[i].source, pixels, &error))
        {
          job->readable[i] = TRUE;
          fingerprint (job, i, pixels, width, height, channels);
        }
      else
        job->messages[i] = g_strdup (error->message);
    }

  g_mutex_lock (&job->lock);
  job->done += last - first;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* Union-find over members */
static guint
find (guint *parent,
      guint  i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

static void
unite (guint *parent,
       guint  a,
       guint  b)
{
  a = find (parent, a);
  b = find (parent, b);
  if (a != b)
    parent[MAX (a, b)] = MIN (a, b);
}

static double
thumb_difference (const guint8 *a,
                  const guint8 *b)
{
  guint total = 0;

  for (guint k = 0; k < THUMB_PIXELS; k++)
    total += abs ((int) a[k] - (int) b[k]);
  return (double) total / THUMB_PIXELS;
}

typedef struct
{
  guint32 slice;
  guint member;
} Slot;

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const Slot *x = a, *y = b;

  if (x->slice != y->slice)
    return x->slice < y->slice ? -1 : 1;
  return x->member < y->member ? -1 : x->member > y->member;
}

static void
duplicate_group_free (gpointer data)
{
  StrataDuplicateGroup *group = data;

  for (guint i = 0; i < group->images->len; i++)
    g_free (g_array_index (group->images, StrataDuplicateImage, i).name);
  g_array_unref (group->images);
  g_free (group);
}

static void
unreadable_free (gpointer data)
{
  StrataUnreadableImage *u = data;

  g_free (u->name);
  g_free (u->message);
  g_free (u);
}

static StrataDuplicateGroup *
make_group (StrataDataset *dataset,
            Job           *job,
            GArray        *indices,
            gboolean       exact)
{
  StrataDuplicateGroup *group = g_new0 (StrataDuplicateGroup, 1);

  group->exact = exact;
  group->images = g_array_new (FALSE, FALSE, sizeof (StrataDuplicateImage));
  for (guint k = 0; k < indices->len; k++)
    {
      const Member *m = &job->members[g_array_index (indices, guint, k)];
      StrataDuplicateImage image = {
        strata_dataset_dup_item_name (dataset, m->split, m->index),
        m->split,
        strata_dataset_get_label (dataset, m->split, m->index),
      };
      const StrataDuplicateImage *first = &g_array_index (group->images, StrataDuplicateImage, 0);

      if (k > 0)
        {
          group->straddles_splits |= image.split != first->split;
          group->conflicting_labels |= image.label != first->label;
        }
      g_array_append_val (group->images, image);
    }
  return group;
}

static void
find_duplicates (StrataDataset       *dataset,
                 Job                 *job,
                 StrataDatasetReport *report)
{
  StrataSource *source = _strata_dataset_get_source (dataset);
  g_autoptr(GHashTable) by_hash = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) g_array_unref);
  g_autofree guint *parent = g_new (guint, MAX (job->n, 1));
  g_autofree Slot *slots = g_new (Slot, MAX (job->n, 1));
  g_autoptr(GHashTable) components = g_hash_table_new_full (NULL, NULL, NULL,
                                                            (GDestroyNotify) g_array_unref);

  /* exact: the same content hash */
  for (guint i = 0; i < job->n; i++)
    {
      const StrataSourceItem *item = strata_source_get_item (source, job->members[i].source);
      GArray *same = g_hash_table_lookup (by_hash, &item->content_hash);

      if (same == NULL)
        {
          same = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_hash, (gpointer) &item->content_hash, same);
        }
      g_array_append_val (same, i);
    }
  for (guint i = 0; i < job->n; i++)
    {
      const StrataSourceItem *item = strata_source_get_item (source, job->members[i].source);
      GArray *same = g_hash_table_lookup (by_hash, &item->content_hash);

      if (same->len > 1 && g_array_index (same, guint, 0) == i)
        g_ptr_array_add (report->duplicates, make_group (dataset, job, same, TRUE));
    }

  /* near: pigeonhole buckets on five slices of the dHash */
  for (guint i = 0; i < job->n; i++)
    parent[i] = i;
  for (guint slice = 0; slice < 5; slice++)
    {
      guint shift = slice * 13, n = 0;

      for (guint i = 0; i < job->n; i++)
        if (job->readable[i])
          {
            slots[n].slice = (guint32) ((job->dhash[i] >> shift) & 0x1fff);
            slots[n].member = i;
            n++;
          }
      qsort (slots, n, sizeof (Slot), compare_slots);
      for (guint start = 0; start < n;)
        {
          guint end = start + 1;

          while (end < n && slots[end].slice == slots[start].slice)
            end++;
          /* a huge bucket is a blank slice (dark backgrounds); other slices still see
           * its pairs */
          if (end - start <= MAX_BUCKET)
            for (guint a = start; a < end; a++)
              for (guint b = a + 1; b < end; b++)
                {
                  guint x = slots[a].member, y = slots[b].member;

                  if (find (parent, x) == find (parent, y))
                    continue;
                  if (__builtin_popcountll (job->dhash[x] ^ job->dhash[y]) <= NEAR_BITS &&
                      thumb_difference (job->thumbs + (gsize) x * THUMB_PIXELS,
                                        job->thumbs + (gsize) y * THUMB_PIXELS) <=
                        NEAR_MEAN_DIFFERENCE)
                    unite (parent, x, y);
                }
          start = end;
        }
    }

  for (guint i = 0; i < job->n; i++)
    {
      guint root = find (parent, i);
      GArray *members = g_hash_table_lookup (components, GUINT_TO_POINTER (root + 1));

      if (members == NULL)
        {
          members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (components, GUINT_TO_POINTER (root + 1), members);
        }
      g_array_append_val (members, i);
    }
  for (guint i = 0; i < job->n; i++)
    {
      GArray *members = g_hash_table_lookup (components, GUINT_TO_POINTER (i + 1));
      gboolean differ = FALSE;

      if (members == NULL || members->len < 2)
        continue;
      /* only groups that are more than one exact group */
      for (guint k = 1; k < members->len && !differ; k++)
        differ = strata_source_get_item (source,
                                         job->members[g_array_index (members, guint, k)].source)
                   ->content_hash !=
                 strata_source_get_item (source,
                                         job->members[g_array_index (members, guint, 0)].source)
                   ->content_hash;
      if (differ)
        g_ptr_array_add (report->duplicates, make_group (dataset, job, members, FALSE));
    }
}

/**
 * strata_dataset_inspect:
 * @progress: (nullable) (scope call): told the fraction done, from the calling thread
 *
 * Reads every image (through the dataset's cache, so it also fills it) to report what is in
 * the dataset. Blocks; run it in a thread for the GUI.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL when cancelled
 */
StrataDatasetReport *
strata_dataset_inspect (StrataDataset       *dataset,
                        StrataProgressFunc   progress,
                        gpointer             user_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(StrataDatasetReport) report = g_new0 (StrataDatasetReport, 1);
  g_autofree Member *members = NULL;
  GThreadPool *pool;
  Job job = { 0 };
  guint n = 0, k = 0, smallest = G_MAXUINT, largest = 0;

  g_return_val_if_fail (STRATA_IS_DATASET (dataset), NULL);

  report->n_classes = strata_dataset_get_n_classes (dataset);
  report->class_names = g_strdupv ((char **) strata_dataset_get_class_names (dataset));
  report->counts = g_new0 (guint, report->n_classes * STRATA_N_SPLITS);
  report->problems = strata_dataset_dup_problems (dataset);
  report->unreadable = g_ptr_array_new_with_free_func (unreadable_free);
  report->duplicates = g_ptr_array_new_with_free_func (duplicate_group_free);

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    n += strata_dataset_get_n_items (dataset, s);
  members = g_new (Member, MAX (n, 1));
  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (dataset, s); i++)
      members[k++] = (Member) { s, i, _strata_dataset_get_source_index (dataset, s, i) };

  job.dataset = dataset;
  job.members = members;
  job.n = n;
  job.dhash = g_new0 (guint64, MAX (n, 1));
  job.thumbs = g_malloc0 ((gsize) MAX (n, 1) * THUMB_PIXELS);
  job.readable = g_new0 (gboolean, MAX (n, 1));
  job.messages = g_new0 (char *, MAX (n, 1));
  job.cancellable = cancellable;
  g_mutex_init (&job.lock);
  g_cond_init (&job.cond);

  pool = g_thread_pool_new (work_chunk, &job, CLAMP (g_get_num_processors (), 1, 8), TRUE, NULL);
  for (guint first = 0; first < n; first += CHUNK)
    g_thread_pool_push (pool, GUINT_TO_POINTER (first + 1), NULL);
  g_mutex_lock (&job.lock);
  while (job.done < n)
    {
      g_cond_wait (&job.cond, &job.lock);
      if (progress)
        {
          double fraction = (double) job.done / n;

          g_mutex_unlock (&job.lock);
          progress (fraction * 0.9, user_data);
          g_mutex_lock (&job.lock);
        }
    }
  g_mutex_unlock (&job.lock);
  g_thread_pool_free (pool, FALSE, TRUE);

  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      /* an image that can't be read is no member of its class: training skips it */
      for (guint i = 0; i < n; i++)
        {
          StrataSplit s = members[i].split;

          if (job.messages[i])
            report->n_unreadable[s]++;
          else
            {
              report->totals[s]++;
              report->counts[strata_dataset_get_label (dataset, s, members[i].index) *
                             STRATA_N_SPLITS + s]++;
            }
        }
      for (guint c = 0; c < report->n_classes; c++)
        {
          guint train = report->counts[c * STRATA_N_SPLITS + STRATA_SPLIT_TRAIN];

          smallest = MIN (smallest, train);
          largest = MAX (largest, train);
        }
      report->imbalance = smallest > 0 ? (double) largest / smallest : 0.0;

      for (guint i = 0; i < n; i++)
        if (job.messages[i])
          {
            StrataUnreadableImage *u = g_new0 (StrataUnreadableImage, 1);

            u->name = strata_dataset_dup_item_name (dataset, members[i].split, members[i].index);
            u->split = members[i].split;
            u->message = g_strdup (job.messages[i]);
            g_ptr_array_add (report->unreadable, u);
          }
      find_duplicates (dataset, &job, report);
      if (progress)
        progress (1.0, user_data);
    }

  for (guint i = 0; i < n; i++)
    g_free (job.messages[i]);
  g_free (job.messages);
  g_free (job.dhash);
  g_free (job.thumbs);
  g_free (job.readable);
  g_mutex_clear (&job.lock);
  g_cond_clear (&job.cond);

  if (g_cancellable_is_cancelled (cancellable))
    return NULL;
  return g_steal_pointer (&report);
}

void
strata_dataset_report_free (StrataDatasetReport *report)
{
  if (report == NULL)
    return;
  g_strfreev (report->class_names);
  g_free (report->counts);
  g_strfreev (report->problems);
  g_clear_pointer (&report->unreadable, g_ptr_array_unref);
  g_clear_pointer (&report->duplicates, g_ptr_array_unref);
  g_free (report);
}

guint
strata_dataset_report_count (const StrataDatasetReport *report,
                             guint                      class_index,
                             StrataSplit                split)
{
  g_return_val_if_fail (class_index < report->n_classes && split < STRATA_N_SPLITS, 0);
  return report->counts[class_index * STRATA_N_SPLITS + split];
}

static void
add_group (JsonBuilder                *builder,
           const StrataDuplicateGroup *group)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < group->images->len; i++)
    {
      const StrataDuplicateImage *image = &g_array_index (group->images, StrataDuplicateImage, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, image->name);
      json_builder_set_member_name (builder, "split");
      json_builder_add_string_value (builder, strata_split_to_string (image->split));
      json_builder_set_member_name (builder, "label");
      json_builder_add_int_value (builder, image->label);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "straddles_splits");
  json_builder_add_boolean_value (builder, group->straddles_splits);
  json_builder_set_member_name (builder, "conflicting_labels");
  json_builder_add_boolean_value (builder, group->conflicting_labels);
  json_builder_end_object (builder);
}

/**
 * strata_dataset_report_to_json:
 *
 * `{ "classes": [names],
 *    "splits": { "train": { "total": n, "unreadable": n, "per_class": [n…] }, … },
 *    "imbalance": x, "problems": [text…], "unreadable": [{ "name", "split", "message" }…],
 *    "exact_duplicates": [group…], "near_duplicates": [group…] }` with each group
 * `{ "images": [{ "name", "split", "label" }…], "straddles_splits", "conflicting_labels" }`.
 *
 * Returns: (transfer full): the report as a JSON object
 */
JsonNode *
strata_dataset_report_to_json (const StrataDatasetReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint c = 0; c < report->n_classes; c++)
    json_builder_add_string_value (builder, report->class_names[c]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "splits");
  json_builder_begin_object (builder);
  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    {
      json_builder_set_member_name (builder, strata_split_to_string (s));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, report->totals[s]);
      json_builder_set_member_name (builder, "unreadable");
      json_builder_add_int_value (builder, report->n_unreadable[s]);
      json_builder_set_member_name (builder, "per_class");
      json_builder_begin_array (builder);
      for (guint c = 0; c < report->n_classes; c++)
        json_builder_add_int_value (builder, strata_dataset_report_count (report, c, s));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "imbalance");
  json_builder_add_double_value (builder, report->imbalance);

  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; report->problems[i]; i++)
    json_builder_add_string_value (builder, report->problems[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "unreadable");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->unreadable->len; i++)
    {
      const StrataUnreadableImage *u = g_ptr_array_index (report->unreadable, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, u->name);
      json_builder_set_member_name (builder, "split");
      json_builder_add_string_value (builder, strata_split_to_string (u->split));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, u->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  for (int exact = 1; exact >= 0; exact--)
    {
      json_builder_set_member_name (builder, exact ? "exact_duplicates" : "near_duplicates");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->duplicates->len; i++)
        {
          const StrataDuplicateGroup *group = g_ptr_array_index (report->duplicates, i);

          if (group->exact == exact)
            add_group (builder, group);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

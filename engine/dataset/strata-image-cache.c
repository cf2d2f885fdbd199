/* strata-image-cache.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-dataset.h"
#include "strata-image-cache.h"

/*
 * Each image has a state: empty, being written, ready. The first thread to want an empty
 * image claims it (compare-and-swap), decodes it and stores it; others meanwhile decode
 * their own copy rather than wait. A ready image never changes again.
 *
 * The file: a header, one state byte per image, then the images at fixed offsets. The key
 * in the header covers the source's files and the resize settings; a file with another key
 * is started afresh.
 */

enum { EMPTY, WRITING, READY };

#define MAGIC "STRATAIC"
#define VERSION 1
#define HEADER_SIZE 64

struct _StrataImageCache
{
  guint n_items;
  gsize item_size;
  int *states;          /* atomic */
  guint8 *memory;       /* memory cache */
  int fd;               /* file cache */
  guint64 data_offset;
};

static StrataImageCache *
cache_new (guint n_items,
           gsize item_size)
{
  StrataImageCache *cache = g_new0 (StrataImageCache, 1);

  cache->n_items = n_items;
  cache->item_size = item_size;
  cache->states = g_new0 (int, MAX (n_items, 1));
  cache->fd = -1;
  return cache;
}

/**
 * strata_image_cache_new_memory:
 *
 * Returns: (transfer full) (nullable): the cache, or %NULL when the memory can't be had
 */
StrataImageCache *
strata_image_cache_new_memory (guint n_items,
                               gsize item_size)
{
  StrataImageCache *cache;
  guint8 *memory = g_try_malloc ((gsize) n_items * item_size);

  if (memory == NULL)
    return NULL;
  cache = cache_new (n_items, item_size);
  cache->memory = memory;
  return cache;
}

static gboolean
pread_all (int      fd,
           gpointer buffer,
           gsize    size,
           guint64  offset)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = pread (fd, (guint8 *) buffer + done, size - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

static gboolean
pwrite_all (int           fd,
            gconstpointer buffer,
            gsize         size,
            guint64       offset)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = pwrite (fd, (const guint8 *) buffer + done, size - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/**
 * strata_image_cache_new_file:
 * @key: identifies what the cache holds; a file with another key is emptied
 *
 * Returns: (transfer full) (nullable): the cache
 */
StrataImageCache *
strata_image_cache_new_file (const char  *path,
                             guint64      key,
                             guint        n_items,
                             gsize        item_size,
                             GError     **error)
{
  g_autoptr(StrataImageCache) cache = cache_new (n_items, item_size);
  guint8 header[HEADER_SIZE] = { 0 }, expected[HEADER_SIZE] = { 0 };
  g_autofree guint8 *states = NULL;
  guint32 v;
  guint64 total;

  memcpy (expected, MAGIC, 8);
  v = GUINT32_TO_LE (VERSION);
  memcpy (expected + 8, &v, 4);
  v = GUINT32_TO_LE ((guint32) item_size);
  memcpy (expected + 12, &v, 4);
  v = GUINT32_TO_LE (n_items);
  memcpy (expected + 16, &v, 4);
  key = GUINT64_TO_LE (key);
  memcpy (expected + 24, &key, 8);

  cache->data_offset = (HEADER_SIZE + n_items + 4095) / 4096 * 4096;
  total = cache->data_offset + (guint64) n_items * item_size;

  cache->fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (cache->fd < 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the image cache “%s”: %s"), display, g_strerror (saved));
      return NULL;
    }

  states = g_malloc0 (MAX (n_items, 1));
  if (pread_all (cache->fd, header, HEADER_SIZE, 0) &&
      memcmp (header, expected, HEADER_SIZE) == 0 &&
      pread_all (cache->fd, states, n_items, HEADER_SIZE))
    {
      for (guint i = 0; i < n_items; i++)
        cache->states[i] = states[i] == READY ? READY : EMPTY;
      return g_steal_pointer (&cache);
    }

  /* new, or made for other images: start afresh (sparse, so the space fills as it goes) */
  memset (states, 0, MAX (n_items, 1));
  if (ftruncate (cache->fd, 0) != 0 || ftruncate (cache->fd, total) != 0 ||
      !pwrite_all (cache->fd, states, n_items, HEADER_SIZE) ||
      !pwrite_all (cache->fd, expected, HEADER_SIZE, 0))
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write the image cache “%s”: %s"), display, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&cache);
}

void
strata_image_cache_free (StrataImageCache *cache)
{
  if (cache == NULL)
    return;
  if (cache->fd >= 0)
    close (cache->fd);
  g_free (cache->memory);
  g_free (cache->states);
  g_free (cache);
}

/**
 * strata_image_cache_lookup:
 * @dst: (out caller-allocates): the image, when it is cached
 *
 * Returns: whether the image was there
 */
gboolean
strata_image_cache_lookup (StrataImageCache *cache,
                           guint             index,
                           guint8           *dst)
{
  if (index >= cache->n_items || g_atomic_int_get (&cache->states[index]) != READY)
    return FALSE;
  if (cache->memory)
    {
      memcpy (dst, cache->memory + (gsize) index * cache->item_size, cache->item_size);
      return TRUE;
    }
  return pread_all (cache->fd, dst, cache->item_size,
                    cache->data_offset + (guint64) index * cache->item_size);
}

void
strata_image_cache_store (StrataImageCache *cache,
                          guint             index,
                          const guint8     *src)
{
  guint8 ready = READY;

  if (index >= cache->n_items ||
      !g_atomic_int_compare_and_exchange (&cache->states[index], EMPTY, WRITING))
    return;
  if (cache->memory)
    memcpy (cache->memory + (gsize) index * cache->item_size, src, cache->item_size);
  else if (!pwrite_all (cache->fd, src, cache->item_size,
                        cache->data_offset + (guint64) index * cache->item_size) ||
           !pwrite_all (cache->fd, &ready, 1, HEADER_SIZE + index))
    {
      /* a full disk: leave it uncached */
      g_atomic_int_set (&cache->states[index], EMPTY);
      return;
    }
  g_atomic_int_set (&cache->states[index], READY);
}

guint
strata_image_cache_get_n_filled (StrataImageCache *cache)
{
  guint n = 0;

  for (guint i = 0; i < cache->n_items; i++)
    n += g_atomic_int_get (&cache->states[i]) == READY;
  return n;
}

gboolean
strata_image_cache_is_file (StrataImageCache *cache)
{
  return cache->memory == NULL;
}

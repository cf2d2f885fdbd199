/* strata-gzip.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <zlib.h>

#include "strata-dataset.h"
#include "strata-gzip.h"

/**
 * strata_gzip_inflate:
 * @compressed: gzip data, one or more members
 * @name: the file's name for messages
 * @max_size: refuse to produce more than this many bytes
 *
 * Returns: (transfer full) (nullable): the uncompressed bytes; a damaged, truncated or
 *   oversized stream is %STRATA_DATASET_ERROR_CORRUPT
 */
GBytes *
strata_gzip_inflate (GBytes      *compressed,
                     const char  *name,
                     gsize        max_size,
                     GError     **error)
{
  gsize in_size = 0;
  const guint8 *in = g_bytes_get_data (compressed, &in_size);
  z_stream z = { 0 };
  gsize capacity, used = 0;
  g_autofree guint8 *out = NULL;
  int status = Z_OK;

  /* The gzip trailer holds the size modulo 2^32: a good first guess, never trusted, nor more
   * than deflate can make of the input (1032 bytes per byte at most), so that a few bytes
   * claiming gigabytes don't reserve them. */
  capacity = in_size >= 4 ? (gsize) in[in_size - 4] | (gsize) in[in_size - 3] << 8 |
                            (gsize) in[in_size - 2] << 16 | (gsize) in[in_size - 1] << 24
                          : 0;
  capacity = MIN (capacity, in_size * 1032);
  capacity = CLAMP (capacity + 1, 4096, MAX (max_size, 4096));
  out = g_malloc (capacity);

  if (inflateInit2 (&z, 15 + 32) != Z_OK)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("Could not start decompressing “%s”"), name);
      return NULL;
    }
  z.next_in = (Bytef *) in;
  z.avail_in = (uInt) MIN (in_size, G_MAXUINT);

  for (;;)
    {
      if (used == capacity)
        {
          if (capacity >= max_size)
            {
              inflateEnd (&z);
              g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                           _("“%s” unpacks to more than %zu MB, too much for this dataset"),
                           name, max_size >> 20);
              return NULL;
            }
          capacity = MIN (capacity * 2, max_size);
          out = g_realloc (out, capacity);
        }
      z.next_out = out + used;
      z.avail_out = (uInt) MIN (capacity - used, G_MAXUINT);
      status = inflate (&z, Z_NO_FLUSH);
      used = (gsize) (z.next_out - out);

      if (status == Z_STREAM_END)
        {
          /* gzip allows several members one after the other */
          if (z.avail_in == 0)
            break;
          if (inflateReset (&z) != Z_OK)
            status = Z_DATA_ERROR;
          else
            continue;
        }
      if (status == Z_BUF_ERROR && z.avail_in == 0)
        {
          inflateEnd (&z);
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is truncated: the compressed data ends early"), name);
          return NULL;
        }
      if (status != Z_OK && status != Z_BUF_ERROR)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is damaged: %s"), name,
                       z.msg ? z.msg : _("the compressed data is invalid"));
          inflateEnd (&z);
          return NULL;
        }
      if (z.avail_in == 0 && z.avail_out > 0)
        {
          /* inflate consumed everything without reaching the end of the stream */
          inflateEnd (&z);
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is truncated: the compressed data ends early"), name);
          return NULL;
        }
    }
  inflateEnd (&z);
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), MAX (used, 1)), used);
}

static gboolean
looks_gzip (GBytes *bytes)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

/**
 * strata_read_maybe_gzip:
 *
 * Reads a file whole, inflating it when it starts with the gzip magic.
 *
 * Returns: (transfer full) (nullable): the contents
 */
GBytes *
strata_read_maybe_gzip (const char  *path,
                        gsize        max_size,
                        GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (path);

  raw = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (raw == NULL)
    {
      int code = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                   ? STRATA_DATASET_ERROR_NOT_FOUND : STRATA_DATASET_ERROR_CORRUPT;

      g_set_error (error, STRATA_DATASET_ERROR, code, _("Could not read “%s”: %s"), display,
                   local_error->message);
      return NULL;
    }
  if (!looks_gzip (raw))
    return g_steal_pointer (&raw);
  return strata_gzip_inflate (raw, display, max_size, error);
}

/* strata-png-writer.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "strata-atomic-file.h"
#include "strata-png-writer.h"

/*
 * The smallest PNG writer that keeps grey images grey (gdk-pixbuf only saves RGB(A)): one
 * IDAT of unfiltered rows, no ancillary chunks. Lossless, so an image written here decodes
 * to exactly the pixels given, by any decoder.
 */

static void
put32 (GByteArray *out,
       guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
  g_byte_array_append (out, b, 4);
}

static void
chunk (GByteArray   *out,
       const char   *type,
       const guint8 *data,
       gsize         size)
{
  guint32 crc = crc32 (0, (const guint8 *) type, 4);

  /* crc32 (crc, NULL, 0) would reset the checksum, so skip empty data */
  if (size > 0)
    crc = crc32 (crc, data, size);
  put32 (out, size);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, size);
  put32 (out, crc);
}

/**
 * strata_png_write:
 * @pixels: @height rows of @width × @channels bytes, @stride apart
 * @channels: 1 (grey), 3 (RGB) or 4 (RGBA)
 *
 * Writes @path (not synced to disk: for temporary and test files).
 */
gboolean
strata_png_write (const char    *path,
                  const guint8  *pixels,
                  int            width,
                  int            height,
                  int            channels,
                  gsize          stride,
                  GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 colour_type[5] = { 0, 0, 0, 2, 6 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize row = (gsize) width * channels;
  gsize raw_size = (row + 1) * height;
  g_autofree guint8 *raw = g_malloc (MAX (raw_size, 1));
  uLongf packed_size = compressBound (raw_size);
  g_autofree guint8 *packed = g_malloc (packed_size);
  guint8 header[13];

  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  for (int y = 0; y < height; y++)
    {
      raw[y * (row + 1)] = 0;   /* filter: none */
      memcpy (raw + y * (row + 1) + 1, pixels + y * stride, row);
    }
  if (compress2 (packed, &packed_size, raw, raw_size, 6) != Z_OK)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE, _("Compression failed"));
      return FALSE;
    }

  g_byte_array_append (out, signature, 8);
  header[0] = width >> 24, header[1] = (width >> 16) & 0xff;
  header[2] = (width >> 8) & 0xff, header[3] = width & 0xff;
  header[4] = height >> 24, header[5] = (height >> 16) & 0xff;
  header[6] = (height >> 8) & 0xff, header[7] = height & 0xff;
  header[8] = 8;                        /* bits per sample */
  header[9] = colour_type[channels];
  header[10] = header[11] = header[12] = 0;
  chunk (out, "IHDR", header, 13);
  chunk (out, "IDAT", packed, packed_size);
  chunk (out, "IEND", NULL, 0);
  /* staging files for checks: no fsync, which would dominate the time for thousands */
  if (!g_file_set_contents_full (path, (const char *) out->data, out->len,
                                 G_FILE_SET_CONTENTS_NONE, 0644, error))
    {
      g_prefix_error (error, _("Could not write an image: "));
      return FALSE;
    }
  return TRUE;
}

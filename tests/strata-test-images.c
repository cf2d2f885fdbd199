/* strata-test-images.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "strata-test-images.h"

/* Smooth, so that JPEG keeps it well, and different for every seed. */
GdkPixbuf *
test_pixbuf_pattern (int     width,
                     int     height,
                     guint32 seed)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
  double a = 1 + seed % 7, b = 1 + (seed / 7) % 5, phase = seed * 0.37;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double u = (double) x / width, v = (double) y / height;

        p[y * stride + 3 * x + 0] = (guint8) (127 + 120 * sin (a * 6.28 * u + phase));
        p[y * stride + 3 * x + 1] = (guint8) (127 + 120 * cos (b * 6.28 * v + phase));
        p[y * stride + 3 * x + 2] = (guint8) (255 * u * v);
      }
  return pixbuf;
}

void
test_save_pixbuf (GdkPixbuf  *pixbuf,
                  const char *path,
                  const char *type)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save (pixbuf, path, type, &error, "quality", "95", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, type, &error, NULL);
  g_assert_no_error (error);
}

void
test_write_bytes (const char *path,
                  GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static void
put32be (GByteArray *a,
         guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         size)
{
  guint32 crc = crc32 (0, (const Bytef *) type, 4);

  put32be (png, size);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (size)
    g_byte_array_append (png, data, size);
  if (size)
    crc = crc32 (crc, data, size);
  put32be (png, crc);
}

/* A PNG of any colour type and depth, which gdk-pixbuf can't write; @pixels holds the rows
 * without filter bytes. */
GBytes *
test_png_bytes (int           width,
                int           height,
                int           color_type,
                int           bit_depth,
                const guint8 *pixels,
                gsize         pixels_size)
{
  static const int channels_of[] = { 1, 0, 3, 1, 2, 0, 4 };
  GByteArray *png = g_byte_array_new ();
  gsize row = (gsize) width * channels_of[color_type] * bit_depth / 8;
  gsize raw_size = pixels ? (row + 1) * height : 64;
  g_autofree guint8 *raw = g_malloc0 (raw_size);
  uLongf packed_size = compressBound (raw_size);
  g_autofree guint8 *packed = g_malloc (packed_size);
  guint8 ihdr[13];

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = bit_depth;
  ihdr[9] = color_type;
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  png_chunk (png, "IHDR", ihdr, 13);
  if (pixels)
    {
      for (int y = 0; y < height; y++)
        memcpy (raw + y * (row + 1) + 1, pixels + y * row, MIN (row, pixels_size - y * row));
      g_assert_cmpint (compress (packed, &packed_size, raw, (row + 1) * height), ==, Z_OK);
    }
  else
    {
      /* a bomb: a little data for a huge picture */
      g_assert_cmpint (compress (packed, &packed_size, raw, 64), ==, Z_OK);
    }
  png_chunk (png, "IDAT", packed, packed_size);
  png_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

/* A JPEG with an EXIF APP1 segment holding just the orientation tag. */
GBytes *
test_jpeg_with_orientation (GdkPixbuf *pixbuf,
                            int        orientation)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jpeg = NULL;
  gsize size = 0;
  GByteArray *out = g_byte_array_new ();
  const guint8 app1[] = {
    0xff, 0xe1, 0x00, 34,
    'E', 'x', 'i', 'f', 0, 0,
    'I', 'I', 42, 0, 8, 0, 0, 0,            /* TIFF header, little-endian, IFD at 8 */
    1, 0,                                    /* one entry */
    0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0,
    0, 0, 0, 0,                              /* no next IFD */
  };

  gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &size, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  g_byte_array_append (out, (guint8 *) jpeg, 2);      /* SOI */
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (guint8 *) jpeg + 2, size - 2);
  return g_byte_array_free_to_bytes (out);
}

static void
put16le (GByteArray *a,
         guint16     v)
{
  guint8 b[2] = { v, v >> 8 };

  g_byte_array_append (a, b, 2);
}

static void
put32le (GByteArray *a,
         guint32     v)
{
  guint8 b[4] = { v, v >> 8, v >> 16, v >> 24 };

  g_byte_array_append (a, b, 4);
}

void
test_write_zip (const char         *path,
                const TestZipEntry *entries,
                guint               n_entries)
{
  g_autoptr(GByteArray) zip = g_byte_array_new ();
  g_autoptr(GByteArray) central = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  for (guint i = 0; i < n_entries; i++)
    {
      gsize size = 0;
      const guint8 *data = entries[i].data ? g_bytes_get_data (entries[i].data, &size) : NULL;
      guint32 crc = crc32 (0, data, size);
      g_autofree guint8 *packed = NULL;
      gsize packed_size = size;
      guint32 offset = zip->len;
      guint16 name_len = strlen (entries[i].name);

      if (entries[i].deflate)
        {
          z_stream z = { 0 };

          packed = g_malloc (compressBound (size) + 16);
          g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
          z.next_in = (Bytef *) data;
          z.avail_in = size;
          z.next_out = packed;
          z.avail_out = compressBound (size) + 16;
          g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
          packed_size = z.total_out;
          deflateEnd (&z);
        }
      else
        packed = g_memdup2 (data, size);

      put32le (zip, 0x04034b50);
      put16le (zip, 20);
      put16le (zip, 0x800);
      put16le (zip, entries[i].deflate ? 8 : 0);
      put16le (zip, 0);
      put16le (zip, 0x21);
      put32le (zip, crc);
      put32le (zip, packed_size);
      put32le (zip, size);
      put16le (zip, name_len);
      put16le (zip, 0);
      g_byte_array_append (zip, (const guint8 *) entries[i].name, name_len);
      if (packed_size)
        g_byte_array_append (zip, packed, packed_size);

      put32le (central, 0x02014b50);
      put16le (central, 20);
      put16le (central, 20);
      put16le (central, 0x800);
      put16le (central, entries[i].deflate ? 8 : 0);
      put16le (central, 0);
      put16le (central, 0x21);
      put32le (central, crc);
      put32le (central, packed_size);
      put32le (central, size);
      put16le (central, name_len);
      put16le (central, 0);
      put16le (central, 0);
      put16le (central, 0);
      put16le (central, 0);
      put32le (central, 0);
      put32le (central, offset);
      g_byte_array_append (central, (const guint8 *) entries[i].name, name_len);
    }
  {
    guint32 cd_offset = zip->len;

    g_byte_array_append (zip, central->data, central->len);
    put32le (zip, 0x06054b50);
    put16le (zip, 0);
    put16le (zip, 0);
    put16le (zip, n_entries);
    put16le (zip, n_entries);
    put32le (zip, central->len);
    put32le (zip, cd_offset);
    put16le (zip, 0);
  }
  bytes = g_bytes_new (zip->data, zip->len);
  test_write_bytes (path, bytes);
}

void
test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

char *
test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

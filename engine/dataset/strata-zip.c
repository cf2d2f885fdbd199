/* strata-zip.c: the central directory is read once; each entry is then a pread and an
 * inflate, so loader threads read entries in any order without unpacking the archive.
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
#include <zlib.h>

#include "strata-dataset.h"
#include "strata-zip.h"

#define SIG_LOCAL 0x04034b50
#define SIG_CENTRAL 0x02014b50
#define SIG_END 0x06054b50
#define SIG_END64 0x06064b50
#define SIG_END64_LOCATOR 0x07064b50

typedef struct
{
  char *name;            /* UTF-8 */
  guint16 flags;
  guint16 method;
  guint32 crc;
  guint64 compressed;
  guint64 size;
  guint64 local_offset;
} Entry;

struct _StrataZip
{
  int fd;
  char *display;
  guint64 file_size;
  GArray *entries;       /* Entry */
};

static guint16
le16 (const guint8 *p)
{
  return p[0] | p[1] << 8;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
le64 (const guint8 *p)
{
  return le32 (p) | (guint64) le32 (p + 4) << 32;
}

static gboolean
read_at (StrataZip  *zip,
         guint64     offset,
         gpointer    buffer,
         gsize       size,
         GError    **error)
{
  gsize done = 0;

  if (offset > zip->file_size || size > zip->file_size - offset)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is truncated or damaged: data lies beyond its end"), zip->display);
      return FALSE;
    }
  while (done < size)
    {
      gssize n = pread (zip->fd, (guint8 *) buffer + done, size - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("Could not read “%s”: %s"), zip->display,
                       n < 0 ? g_strerror (saved) : _("unexpected end of file"));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

static void
entry_clear (gpointer data)
{
  g_free (((Entry *) data)->name);
}

void
strata_zip_free (StrataZip *zip)
{
  if (zip == NULL)
    return;
  if (zip->fd >= 0)
    close (zip->fd);
  g_free (zip->display);
  g_clear_pointer (&zip->entries, g_array_unref);
  g_free (zip);
}

static char *
entry_name (const guint8 *raw,
            gsize         length,
            guint16       flags)
{
  g_autofree char *copy = g_strndup ((const char *) raw, length);
  char *converted;

  /* bit 11: UTF-8; otherwise the original PC code page, though many tools write UTF-8
   * anyway */
  if (g_utf8_validate (copy, -1, NULL))
    return g_steal_pointer (&copy);
  if (!(flags & (1 << 11)))
    {
      converted = g_convert (copy, -1, "UTF-8", "CP437", NULL, NULL, NULL);
      if (converted)
        return converted;
    }
  return g_utf8_make_valid (copy, -1);
}

static gboolean
find_end (StrataZip  *zip,
          guint64    *cd_offset,
          guint64    *cd_size,
          guint64    *n_entries,
          GError    **error)
{
  gsize tail_size = (gsize) MIN (zip->file_size, 22 + 65535);
  g_autofree guint8 *tail = g_malloc (MAX (tail_size, 1));
  guint64 tail_start = zip->file_size - tail_size;
  gssize at = -1;

  if (zip->file_size < 22 || !read_at (zip, tail_start, tail, tail_size, error))
    {
      if (error && *error == NULL)
        g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                     _("“%s” is not a zip archive"), zip->display);
      return FALSE;
    }
  for (gssize i = (gssize) tail_size - 22; i >= 0; i--)
    if (le32 (tail + i) == SIG_END)
      {
        at = i;
        break;
      }
  if (at < 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is not a zip archive, or it is truncated (its directory is "
                     "missing)"), zip->display);
      return FALSE;
    }

  *n_entries = le16 (tail + at + 10);
  *cd_size = le32 (tail + at + 12);
  *cd_offset = le32 (tail + at + 16);

  /* Zip64: the real values are in a record that a locator just before points at */
  if ((*n_entries == 0xffff || *cd_size == 0xffffffff || *cd_offset == 0xffffffff) &&
      tail_start + at >= 20)
    {
      guint8 locator[20], record[56];

      if (!read_at (zip, tail_start + at - 20, locator, 20, error))
        return FALSE;
      if (le32 (locator) == SIG_END64_LOCATOR)
        {
          if (!read_at (zip, le64 (locator + 8), record, 56, error))
            return FALSE;
          if (le32 (record) != SIG_END64)
            {
              g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                           _("“%s” is damaged: its Zip64 directory record is missing"),
                           zip->display);
              return FALSE;
            }
          *n_entries = le64 (record + 32);
          *cd_size = le64 (record + 40);
          *cd_offset = le64 (record + 48);
        }
    }
  return TRUE;
}

static void
apply_zip64_extra (Entry        *entry,
                   const guint8 *extra,
                   gsize         length,
                   gboolean      need_size,
                   gboolean      need_compressed,
                   gboolean      need_offset)
{
  gsize i = 0;

  while (i + 4 <= length)
    {
      guint16 id = le16 (extra + i), size = le16 (extra + i + 2);
      const guint8 *p = extra + i + 4;
      gsize used = 0;

      if (i + 4 + size > length)
        break;
      if (id == 0x0001)
        {
          if (need_size && used + 8 <= size)
            entry->size = le64 (p + used), used += 8;
          if (need_compressed && used + 8 <= size)
            entry->compressed = le64 (p + used), used += 8;
          if (need_offset && used + 8 <= size)
            entry->local_offset = le64 (p + used), used += 8;
          return;
        }
      i += 4 + size;
    }
}

/**
 * strata_zip_open:
 *
 * Returns: (transfer full) (nullable): the archive with its directory read
 */
StrataZip *
strata_zip_open (const char  *path,
                 GError     **error)
{
  g_autoptr(StrataZip) zip = g_new0 (StrataZip, 1);
  guint64 cd_offset, cd_size, n_entries;
  g_autofree guint8 *cd = NULL;
  GStatBuf st;
  gsize pos = 0;

  zip->fd = -1;
  zip->display = g_filename_display_name (path);
  zip->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (zip->entries, entry_clear);

  /* not blocking: a FIFO in place of the archive is refused below, not waited on */
  zip->fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (zip->fd < 0)
    {
      int saved = errno;

      g_set_error (error, STRATA_DATASET_ERROR,
                   saved == ENOENT ? STRATA_DATASET_ERROR_NOT_FOUND
                                   : STRATA_DATASET_ERROR_CORRUPT,
                   _("Could not open “%s”: %s"), zip->display, g_strerror (saved));
      return NULL;
    }
  if (fstat (zip->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is not a regular file"), zip->display);
      return NULL;
    }
  zip->file_size = st.st_size;

  if (!find_end (zip, &cd_offset, &cd_size, &n_entries, error))
    return NULL;
  if (cd_size > zip->file_size || n_entries > cd_size / 46 + 1)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is damaged: its directory is inconsistent"), zip->display);
      return NULL;
    }
  cd = g_malloc (MAX (cd_size, 1));
  if (!read_at (zip, cd_offset, cd, cd_size, error))
    return NULL;

  for (guint64 i = 0; i < n_entries; i++)
    {
      Entry entry = { 0 };
      guint16 name_len, extra_len, comment_len;
      guint32 size32, compressed32, offset32;

      if (pos + 46 > cd_size || le32 (cd + pos) != SIG_CENTRAL)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is damaged: entry %llu of its directory is unreadable"),
                       zip->display, (unsigned long long) (i + 1));
          return NULL;
        }
      entry.flags = le16 (cd + pos + 8);
      entry.method = le16 (cd + pos + 10);
      entry.crc = le32 (cd + pos + 16);
      compressed32 = le32 (cd + pos + 20);
      size32 = le32 (cd + pos + 24);
      name_len = le16 (cd + pos + 28);
      extra_len = le16 (cd + pos + 30);
      comment_len = le16 (cd + pos + 32);
      offset32 = le32 (cd + pos + 42);
      if (pos + 46 + name_len + extra_len + comment_len > cd_size)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is damaged: its directory is cut short"), zip->display);
          return NULL;
        }
      entry.compressed = compressed32;
      entry.size = size32;
      entry.local_offset = offset32;
      apply_zip64_extra (&entry, cd + pos + 46 + name_len, extra_len,
                         size32 == 0xffffffff, compressed32 == 0xffffffff,
                         offset32 == 0xffffffff);
      entry.name = entry_name (cd + pos + 46, name_len, entry.flags);
      g_array_append_val (zip->entries, entry);
      pos += 46 + name_len + extra_len + comment_len;
    }
  return g_steal_pointer (&zip);
}

guint
strata_zip_get_n_entries (StrataZip *zip)
{
  return zip->entries->len;
}

/**
 * strata_zip_get_name:
 *
 * Returns: (transfer none): the entry's path in the archive, UTF-8, '/' separated
 */
const char *
strata_zip_get_name (StrataZip *zip,
                     guint      index)
{
  return g_array_index (zip->entries, Entry, index).name;
}

gboolean
strata_zip_is_dir (StrataZip *zip,
                   guint      index)
{
  return g_str_has_suffix (strata_zip_get_name (zip, index), "/");
}

guint64
strata_zip_get_size (StrataZip *zip,
                     guint      index)
{
  return g_array_index (zip->entries, Entry, index).size;
}

/**
 * strata_zip_is_safe_name:
 *
 * Returns: whether @name is a relative path that stays inside the archive: not absolute,
 *   no drive letter, no ".." component, no backslashes that other tools take as separators
 */
gboolean
strata_zip_is_safe_name (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name[0] == '\0' || name[0] == '/' || name[0] == '\\' || strchr (name, '\\') ||
      (g_ascii_isalpha (name[0]) && name[1] == ':'))
    return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

/**
 * strata_zip_read:
 * @max_size: refuse entries that unpack to more
 *
 * Thread-safe.
 *
 * Returns: (transfer full) (nullable): the entry's uncompressed contents
 */
GBytes *
strata_zip_read (StrataZip  *zip,
                 guint       index,
                 guint64     max_size,
                 GError    **error)
{
  const Entry *entry = &g_array_index (zip->entries, Entry, index);
  guint8 local[30];
  guint64 data_offset;
  g_autofree guint8 *compressed = NULL;
  g_autofree guint8 *out = NULL;

  if (entry->flags & 1)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” in “%s” is encrypted"), entry->name, zip->display);
      return NULL;
    }
  if (entry->method != 0 && entry->method != 8)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” in “%s” is compressed with a method Strata can't read (%u); "
                     "deflate or store it"), entry->name, zip->display, entry->method);
      return NULL;
    }
  if (entry->size > max_size || entry->compressed > zip->file_size ||
      (entry->method == 0 && entry->compressed != entry->size))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” in “%s” is too large or damaged (%llu bytes)"),
                   entry->name, zip->display, (unsigned long long) entry->size);
      return NULL;
    }
  if (!read_at (zip, entry->local_offset, local, sizeof local, error))
    return NULL;
  if (le32 (local) != SIG_LOCAL)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” in “%s” is damaged: its header is missing"), entry->name,
                   zip->display);
      return NULL;
    }
  data_offset = entry->local_offset + 30 + le16 (local + 26) + le16 (local + 28);
  compressed = g_malloc (MAX (entry->compressed, 1));
  if (!read_at (zip, data_offset, compressed, entry->compressed, error))
    return NULL;

  if (entry->method == 0)
    out = g_steal_pointer (&compressed);
  else
    {
      z_stream z = { 0 };
      int status;

      out = g_malloc (MAX (entry->size, 1));
      if (inflateInit2 (&z, -15) != Z_OK)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("Could not start decompressing “%s”"), entry->name);
          return NULL;
        }
      z.next_in = compressed;
      z.avail_in = (uInt) entry->compressed;
      z.next_out = out;
      z.avail_out = (uInt) entry->size;
      status = inflate (&z, Z_FINISH);
      inflateEnd (&z);
      if (status != Z_STREAM_END || z.total_out != entry->size)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” in “%s” is damaged: it does not unpack to its stated size"),
                       entry->name, zip->display);
          return NULL;
        }
    }
  if (crc32 (0, out, (uInt) entry->size) != entry->crc)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” in “%s” is damaged: its checksum does not match"), entry->name,
                   zip->display);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), entry->size);
}

/* strata-zip-writer.c
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
#include "strata-zip-writer.h"

/*
 * A plain zip (PKWARE APPNOTE 6.3): each member is deflated as it streams in, behind a local
 * header with a data descriptor (flag bit 3), so nothing has to be held in memory or seeked
 * back to; the central directory at the end has the sizes. No zip64: members and the
 * archive stay under 4 GiB. The archive goes through a StrataAtomicFile, so a failure
 * anywhere leaves whatever was at the path before.
 */

#define CHUNK (256 * 1024)
#define LIMIT G_GUINT64_CONSTANT (0xffffffff)

typedef struct
{
  char *name;
  guint32 crc;
  guint64 compressed;
  guint64 size;
  guint64 offset;
  guint mode;
} Member;

struct _StrataZipWriter
{
  StrataAtomicFile *file;
  char *path;
  GArray *members;          /* Member */
  guint64 offset;
  guint16 dos_time;
  guint16 dos_date;
};

static void
member_clear (Member *m)
{
  g_free (m->name);
}

void
strata_zip_writer_free (StrataZipWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->file, strata_atomic_file_free);
  g_clear_pointer (&self->members, g_array_unref);
  g_free (self->path);
  g_free (self);
}

/**
 * strata_zip_writer_new:
 * @path: the archive to write; nothing appears there before strata_zip_writer_commit()
 */
StrataZipWriter *
strata_zip_writer_new (const char  *path,
                       GError     **error)
{
  g_autoptr(StrataZipWriter) self = g_new0 (StrataZipWriter, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->file = strata_atomic_file_new (path, error);
  if (self->file == NULL)
    return NULL;
  self->path = g_strdup (path);
  self->members = g_array_new (FALSE, TRUE, sizeof (Member));
  g_array_set_clear_func (self->members, (GDestroyNotify) member_clear);
  self->dos_time = (g_date_time_get_hour (now) << 11) | (g_date_time_get_minute (now) << 5) |
                   (g_date_time_get_second (now) / 2);
  self->dos_date = ((MAX (g_date_time_get_year (now), 1980) - 1980) << 9) |
                   (g_date_time_get_month (now) << 5) | g_date_time_get_day_of_month (now);
  return g_steal_pointer (&self);
}

static void
put16 (GByteArray *b,
       guint       v)
{
  guint8 bytes[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (b, bytes, 2);
}

static void
put32 (GByteArray *b,
       guint64     v)
{
  guint8 bytes[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
  g_byte_array_append (b, bytes, 4);
}

static gboolean
emit (StrataZipWriter  *self,
      const void       *data,
      gsize             size,
      GError          **error)
{
  if (!strata_atomic_file_write (self->file, data, size, error))
    return FALSE;
  self->offset += size;
  return TRUE;
}

static gboolean
too_big (StrataZipWriter *self,
         const char      *name,
         GError         **error)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
               _("Could not write “%s”: “%s” makes it larger than 4 GiB, which a plain zip "
                 "can't hold"), display, name);
  return FALSE;
}

/* A deflate stream from begin_member() to end_member(). */
typedef struct
{
  z_stream z;
  Member member;
  guint8 *out;
} Stream;

static gboolean
begin_member (StrataZipWriter *self,
              Stream          *s,
              const char      *name,
              guint            mode,
              GError         **error)
{
  g_autoptr(GByteArray) header = g_byte_array_new ();
  gsize name_len = strlen (name);

  memset (s, 0, sizeof *s);
  if (deflateInit2 (&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                    Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE, _("Could not start compressing"));
      return FALSE;
    }
  s->out = g_malloc (CHUNK);
  s->member.name = g_strdup (name);
  s->member.offset = self->offset;
  s->member.mode = mode;
  s->member.crc = crc32 (0, NULL, 0);

  put32 (header, 0x04034b50);
  put16 (header, 20);                 /* version needed: deflate */
  put16 (header, 0x0808);             /* data descriptor follows; UTF-8 name */
  put16 (header, 8);                  /* deflate */
  put16 (header, self->dos_time);
  put16 (header, self->dos_date);
  put32 (header, 0);                  /* crc, sizes: in the data descriptor */
  put32 (header, 0);
  put32 (header, 0);
  put16 (header, name_len);
  put16 (header, 0);
  g_byte_array_append (header, (const guint8 *) name, name_len);
  return emit (self, header->data, header->len, error);
}

static void
stream_clear (Stream *s)
{
  deflateEnd (&s->z);
  g_free (s->out);
  g_free (s->member.name);
  memset (s, 0, sizeof *s);
}

static gboolean
feed (StrataZipWriter *self,
      Stream          *s,
      const guint8    *data,
      gsize            size,
      gboolean         finish,
      GError         **error)
{
  int status;

  /* crc32 (crc, NULL, 0) is zlib's way to get the initial value: don't feed it nothing */
  if (size > 0)
    s->member.crc = crc32 (s->member.crc, data, size);
  s->member.size += size;
  s->z.next_in = (guint8 *) data;
  s->z.avail_in = size;
  do
    {
      gsize produced;

      s->z.next_out = s->out;
      s->z.avail_out = CHUNK;
      status = deflate (&s->z, finish ? Z_FINISH : Z_NO_FLUSH);
      if (status == Z_STREAM_ERROR)
        {
          g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE, _("Compression failed"));
          return FALSE;
        }
      produced = CHUNK - s->z.avail_out;
      s->member.compressed += produced;
      if (produced > 0 && !emit (self, s->out, produced, error))
        return FALSE;
    }
  while (s->z.avail_out == 0 || (finish && status != Z_STREAM_END));
  if (s->member.size > LIMIT || self->offset > LIMIT)
    return too_big (self, s->member.name, error);
  return TRUE;
}

static gboolean
end_member (StrataZipWriter *self,
            Stream          *s,
            GError         **error)
{
  g_autoptr(GByteArray) descriptor = g_byte_array_new ();
  Member member;

  if (!feed (self, s, NULL, 0, TRUE, error))
    return FALSE;
  put32 (descriptor, 0x08074b50);
  put32 (descriptor, s->member.crc);
  put32 (descriptor, s->member.compressed);
  put32 (descriptor, s->member.size);
  if (!emit (self, descriptor->data, descriptor->len, error))
    return FALSE;
  member = s->member;
  s->member.name = NULL;
  g_array_append_val (self->members, member);
  return TRUE;
}

/**
 * strata_zip_writer_add_bytes:
 * @name: the member's path inside the archive, "/"-separated
 * @mode: Unix permissions, e.g. 0644 (0755 for a script)
 */
gboolean
strata_zip_writer_add_bytes (StrataZipWriter  *self,
                             const char       *name,
                             const void       *data,
                             gsize             size,
                             guint             mode,
                             GError          **error)
{
  Stream s;
  gboolean ok;

  g_return_val_if_fail (self->file != NULL, FALSE);

  if (!begin_member (self, &s, name, mode, error))
    {
      stream_clear (&s);
      return FALSE;
    }
  ok = feed (self, &s, data, size, FALSE, error) && end_member (self, &s, error);
  stream_clear (&s);
  return ok;
}

/**
 * strata_zip_writer_add_file:
 * @file: a file to add, read as it is compressed
 */
gboolean
strata_zip_writer_add_file (StrataZipWriter  *self,
                            const char       *name,
                            const char       *file,
                            guint             mode,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *buffer = NULL;
  Stream s;
  gboolean ok = TRUE;

  g_return_val_if_fail (self->file != NULL, FALSE);

  in = g_file_read (gfile, cancellable, error);
  if (in == NULL)
    return FALSE;
  if (!begin_member (self, &s, name, mode, error))
    {
      stream_clear (&s);
      return FALSE;
    }
  buffer = g_malloc (CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, CHUNK, cancellable, error);

      if (n < 0)
        {
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      if (!feed (self, &s, buffer, n, FALSE, error))
        {
          ok = FALSE;
          break;
        }
    }
  ok = ok && end_member (self, &s, error);
  stream_clear (&s);
  return ok;
}

/**
 * strata_zip_writer_commit:
 *
 * Writes the central directory and puts the archive in place. The writer can only be freed
 * afterwards.
 */
gboolean
strata_zip_writer_commit (StrataZipWriter  *self,
                          GError          **error)
{
  g_autoptr(GByteArray) dir = g_byte_array_new ();
  guint64 dir_offset = self->offset;
  gboolean ok;

  g_return_val_if_fail (self->file != NULL, FALSE);

  if (self->members->len > 0xffff)
    return too_big (self, "…", error);
  for (guint i = 0; i < self->members->len; i++)
    {
      Member *m = &g_array_index (self->members, Member, i);
      gsize name_len = strlen (m->name);

      put32 (dir, 0x02014b50);
      put16 (dir, (3 << 8) | 20);      /* made by Unix, spec 2.0 */
      put16 (dir, 20);
      put16 (dir, 0x0808);
      put16 (dir, 8);
      put16 (dir, self->dos_time);
      put16 (dir, self->dos_date);
      put32 (dir, m->crc);
      put32 (dir, m->compressed);
      put32 (dir, m->size);
      put16 (dir, name_len);
      put16 (dir, 0);                  /* extra */
      put16 (dir, 0);                  /* comment */
      put16 (dir, 0);                  /* disk */
      put16 (dir, 0);                  /* internal attributes */
      put32 (dir, (guint64) (0100000 | (m->mode & 07777)) << 16);
      put32 (dir, m->offset);
      g_byte_array_append (dir, (const guint8 *) m->name, name_len);
    }
  put32 (dir, 0x06054b50);
  put16 (dir, 0);
  put16 (dir, 0);
  put16 (dir, self->members->len);
  put16 (dir, self->members->len);
  put32 (dir, dir->len - 0);          /* patched below */
  put32 (dir, dir_offset);
  put16 (dir, 0);
  {
    /* the central directory's size: everything before the end record (22 bytes) */
    guint64 size = dir->len - 22;
    guint8 *p = dir->data + dir->len - 10;

    p[0] = size & 0xff;
    p[1] = (size >> 8) & 0xff;
    p[2] = (size >> 16) & 0xff;
    p[3] = (size >> 24) & 0xff;
  }
  if (dir_offset + dir->len > LIMIT)
    return too_big (self, "…", error);
  ok = emit (self, dir->data, dir->len, error) &&
       strata_atomic_file_commit (self->file, error);
  g_clear_pointer (&self->file, strata_atomic_file_free);
  return ok;
}

/* strata-atomic-file.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "strata-atomic-file.h"

G_DEFINE_QUARK (strata-io-error-quark, strata_io_error)

/*
 * The data goes to a temporary file in the same folder, which is fsync()ed and then renamed
 * over the target, and the folder is fsync()ed so the rename itself survives a power cut.
 * Until commit the target is untouched; on any error the temporary file is removed.
 */
struct _StrataAtomicFile
{
  char *path;
  char *tmp_path;
  int fd;
};

static void
set_write_error (GError    **error,
                 const char *path,
                 int         saved_errno)
{
  g_autofree char *name = g_filename_display_name (path);

  if (saved_errno == ENOSPC || saved_errno == EFBIG || saved_errno == EDQUOT)
    g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                 _("Could not save “%s”: the disk is full. The previous version is unchanged."),
                 name);
  else
    g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                 _("Could not save “%s”: %s. The previous version is unchanged."), name,
                 g_strerror (saved_errno));
}

StrataAtomicFile *
strata_atomic_file_new (const char *path,
                        GError    **error)
{
  g_autoptr(StrataAtomicFile) self = g_new0 (StrataAtomicFile, 1);

  /* A write past a file-size limit raises SIGXFSZ, which would kill us instead of failing
   * with EFBIG; an ignored signal makes it a plain error like a full disk. */
  signal (SIGXFSZ, SIG_IGN);

  self->fd = -1;
  self->path = g_strdup (path);
  self->tmp_path = g_strdup_printf ("%s.XXXXXX.tmp", path);
  self->fd = g_mkstemp_full (self->tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      int saved_errno = errno;
      g_clear_pointer (&self->tmp_path, g_free);
      set_write_error (error, path, saved_errno);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
strata_atomic_file_write (StrataAtomicFile *self,
                          const void       *data,
                          gsize             size,
                          GError          **error)
{
  const char *p = data;

  g_return_val_if_fail (self->fd >= 0, FALSE);

  while (size > 0)
    {
      gssize n = write (self->fd, p, MIN (size, (gsize) 1 << 30));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_write_error (error, self->path, errno);
          return FALSE;
        }
      p += n;
      size -= n;
    }
  return TRUE;
}

static void
sync_parent_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
strata_atomic_file_commit (StrataAtomicFile *self,
                           GError          **error)
{
  int fd = self->fd;

  g_return_val_if_fail (fd >= 0, FALSE);

  self->fd = -1;
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      set_write_error (error, self->path, errno);
      return FALSE;
    }
  if (g_rename (self->tmp_path, self->path) != 0)
    {
      set_write_error (error, self->path, errno);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_path, g_free);
  sync_parent_dir (self->path);
  return TRUE;
}

void
strata_atomic_file_free (StrataAtomicFile *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

gboolean
strata_write_file_atomic (const char *path,
                          const void *data,
                          gsize       size,
                          GError    **error)
{
  g_autoptr(StrataAtomicFile) file = strata_atomic_file_new (path, error);

  return file != NULL &&
         strata_atomic_file_write (file, data, size, error) &&
         strata_atomic_file_commit (file, error);
}

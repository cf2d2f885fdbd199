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
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-atomic-file.h"

G_DEFINE_QUARK (strata-io-error-quark, strata_io_error)

/*
 * The data goes to a temporary file in the same folder, which is fsync()ed and then renamed
 * over the target, and the folder is fsync()ed so the rename itself survives a power cut.
 * Until commit the target is untouched; on any error the temporary file is removed.
 *
 * Only a regular file is replaced: a rename over a device, a FIFO or a socket would put a
 * plain file in its place (`strata export --zip /dev/full` as root did), so such a target,
 * and a folder, is refused before anything is written. A symbolic link is written through:
 * the file it resolves to is replaced (the temporary file goes beside it), so the link stays
 * a link, as an editor saving a linked dotfile keeps it. A link that resolves to nothing, or
 * to anything but a regular file, is refused rather than created or replaced. The target is
 * checked again at commit, when it may have changed during a long write.
 *
 * While it is open the temporary file is locked (flock), so strata_atomic_file_sweep() can
 * tell a write in progress from one that a killed process left behind.
 */
struct _StrataAtomicFile
{
  char *path;       /* the target as the caller named it, for messages */
  char *target;     /* what is replaced: @path, or the regular file a link resolves to */
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

static const char *
describe_mode (mode_t mode)
{
  if (S_ISDIR (mode))
    return _("a folder");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("a device");
  if (S_ISFIFO (mode))
    return _("a named pipe");
  if (S_ISSOCK (mode))
    return _("a socket");
  return _("a special file");
}

/* The file that saving to @path replaces or creates: @path itself, or for a link the regular
 * file it resolves to. */
static char *
resolve_target (const char *path,
                GError    **error)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autofree char *resolved = NULL;
  struct stat st;

  if (lstat (path, &st) != 0)
    return g_strdup (path);      /* a new file; a folder we can't reach fails in mkstemp */
  if (S_ISREG (st.st_mode))
    return g_strdup (path);
  if (!S_ISLNK (st.st_mode))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_NOT_REGULAR,
                   /* Translators: the second %s is e.g. "a device" */
                   _("Could not save “%s”: it is %s, not a regular file, and was left as it is."),
                   name, describe_mode (st.st_mode));
      return NULL;
    }
  resolved = realpath (path, NULL);
  if (resolved == NULL)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_NOT_REGULAR,
                   _("Could not save “%s”: it is a symbolic link to nothing (%s). Remove the "
                     "link or save under another name."), name, g_strerror (errno));
      return NULL;
    }
  if (stat (resolved, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_autofree char *resolved_name = g_filename_display_name (resolved);

      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_NOT_REGULAR,
                   _("Could not save “%s”: it is a symbolic link to “%s”, which is not a "
                     "regular file, and was left as it is."), name, resolved_name);
      return NULL;
    }
  return g_steal_pointer (&resolved);
}

static guint sweep_dir (const char *dir,
                        const char *target_leaf,
                        guint       min_age);

/**
 * strata_atomic_file_check_target:
 *
 * Whether saving to @path would be refused (see above), for a caller that has a long way to
 * go before it writes. strata_atomic_file_new() checks again.
 */
gboolean
strata_atomic_file_check_target (const char *path,
                                 GError    **error)
{
  g_autofree char *target = resolve_target (path, error);

  return target != NULL;
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
  self->target = resolve_target (path, error);
  if (self->target == NULL)
    return NULL;
  {
    /* what writes of this target killed before now left beside it goes first */
    g_autofree char *dir = g_path_get_dirname (self->target);
    g_autofree char *leaf = g_path_get_basename (self->target);

    sweep_dir (dir, leaf, STRATA_ATOMIC_FILE_STALE_SECONDS);
  }
  for (guint attempt = 0; ; attempt++)
    {
      struct stat st;

      self->tmp_path = g_strdup_printf ("%s.XXXXXX.tmp", self->target);
      self->fd = g_mkstemp_full (self->tmp_path, O_WRONLY | O_CLOEXEC, 0644);
      if (self->fd < 0)
        {
          int saved_errno = errno;
          g_clear_pointer (&self->tmp_path, g_free);
          set_write_error (error, path, saved_errno);
          return NULL;
        }
      /* Not lockable (some network file systems): the sweep goes by the file's age alone.
       * Locked, it is ours unless another process' sweep removed it in the instant between
       * its creation and the lock: then another name. */
      if (flock (self->fd, LOCK_EX | LOCK_NB) != 0 || attempt == 7 ||
          (fstat (self->fd, &st) == 0 && st.st_nlink > 0))
        break;
      close (self->fd);
      g_clear_pointer (&self->tmp_path, g_free);
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
  g_autofree char *target = NULL;
  int fd = self->fd;

  g_return_val_if_fail (fd >= 0, FALSE);

  /* The target may have become something else during a long write. */
  target = resolve_target (self->path, error);
  if (target == NULL)
    return FALSE;
  if (g_strcmp0 (target, self->target) != 0)
    {
      g_autofree char *name = g_filename_display_name (self->path);

      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_NOT_REGULAR,
                   _("Could not save “%s”: it was changed into a link to another file while "
                     "it was written, and was left as it is."), name);
      return FALSE;
    }
  self->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;
      close (fd);
      set_write_error (error, self->path, saved_errno);
      return FALSE;
    }
  /* Renamed while still locked: the sweep never sees an unlocked file that is being committed. */
  if (g_rename (self->tmp_path, self->target) != 0)
    {
      int saved_errno = errno;
      close (fd);
      set_write_error (error, self->path, saved_errno);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_path, g_free);
  if (close (fd) != 0)
    {
      set_write_error (error, self->path, errno);
      return FALSE;
    }
  sync_parent_dir (self->target);
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
  g_free (self->target);
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

/* NAME.XXXXXX.tmp, as g_mkstemp_full() fills in the XXXXXX */
static gboolean
is_temp_name (const char *leaf)
{
  gsize n = strlen (leaf);

  if (n < strlen ("a.XXXXXX.tmp") || !g_str_has_suffix (leaf, ".tmp") ||
      leaf[n - strlen (".XXXXXX.tmp")] != '.')
    return FALSE;
  for (gsize i = n - strlen ("XXXXXX.tmp"); i < n - strlen (".tmp"); i++)
    if (!g_ascii_isalnum (leaf[i]))
      return FALSE;
  return TRUE;
}

/* Unlocked where locks work: no writer has it (a writer whose new file is removed in the
 * instant before its lock sees that and takes another name). Where locks don't work, the
 * file's age alone tells. */
static gboolean
is_left_behind (int                fd,
                const struct stat *st,
                gint64             now,
                guint              min_age)
{
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;
  if (errno == EWOULDBLOCK)
    return FALSE;
  return st->st_mtime <= now - (gint64) min_age;
}

/**
 * sweep_dir:
 * @dir: a folder the atomic writer writes into
 * @target_leaf: (nullable): only the temporary files of this name's writes
 * @min_age: seconds since its last change before a temporary file counts as left behind
 *
 * Removes the temporary files that writes cut short by a killed process left in @dir (a
 * checkpoint's is as large as the checkpoint). Only names of the writer's own pattern are
 * touched, and only when no writer holds their lock: a writer locks its file from the moment
 * it creates it to its rename, so a write in progress, in this process or another, is never
 * removed. On file systems without locks they must not have changed for @min_age seconds.
 *
 * Returns: how many files were removed
 */
static guint
sweep_dir (const char *dir,
           const char *target_leaf,
           guint       min_age)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *leaf;
  guint removed = 0;

  while (d != NULL && (leaf = g_dir_read_name (d)))
    {
      g_autofree char *file = NULL;
      struct stat st;
      int fd;

      if (!is_temp_name (leaf) ||
          (target_leaf != NULL && (strlen (leaf) != strlen (target_leaf) + strlen (".XXXXXX.tmp") ||
                                   !g_str_has_prefix (leaf, target_leaf))))
        continue;
      file = g_build_filename (dir, leaf, NULL);
      fd = open (file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && is_left_behind (fd, &st, now, min_age))
        {
          if (g_unlink (file) == 0)
            removed++;
          else
            g_warning ("Could not remove the unfinished write %s: %s", file, g_strerror (errno));
        }
      close (fd);
    }
  return removed;
}

/**
 * strata_atomic_file_sweep:
 *
 * Removes what killed writes left in @dir, as sweep_dir() says. A write also clears its own
 * target's before it starts.
 */
guint
strata_atomic_file_sweep (const char *dir,
                          guint       min_age)
{
  return sweep_dir (dir, NULL, min_age);
}

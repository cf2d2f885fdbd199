/* strata-remove-tree.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-remove-tree.h"

static gboolean
remove_file_tree (GFile   *file,
                  GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  /* symbolic links are removed, never followed: a link to the user's data stays harmless */
  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  if (children != NULL)
    {
      for (;;)
        {
          GFileInfo *info;
          GFile *child;

          if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
            return FALSE;
          if (info == NULL)
            break;
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            {
              if (!remove_file_tree (child, error))
                return FALSE;
            }
          else if (!g_file_delete (child, NULL, error))
            return FALSE;
        }
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return g_file_delete (file, NULL, error);
}

/**
 * strata_remove_tree:
 * @path: a folder, or a file
 *
 * Deletes @path and, for a folder, everything in it.
 *
 * Returns: %FALSE with @error set on the first thing that could not be deleted
 */
gboolean
strata_remove_tree (const char  *path,
                    GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return remove_file_tree (file, error);
}

/*
 * Staging folders: a write that builds a folder before moving it into place (an export)
 * holds an flock on the folder itself while it works. A killed process leaves its folder
 * unlocked, and the next write of the same kind removes it; a folder in use stays locked.
 */

/**
 * strata_staging_dir_new:
 * @parent: the folder to make it in
 * @prefix: the start of its name, which strata_staging_dir_sweep() looks for
 * @lock_fd: (out): the locked folder's descriptor; close it when done with the folder
 *
 * Returns: (transfer full): the new folder's path, or %NULL with @error set
 */
char *
strata_staging_dir_new (const char  *parent,
                        const char  *prefix,
                        int         *lock_fd,
                        GError     **error)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *template = g_strconcat (prefix, "XXXXXX", NULL);
      g_autofree char *path = g_build_filename (parent, template, NULL);
      struct stat by_fd, by_path;
      int fd;

      if (g_mkdtemp_full (path, 0700) == NULL)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not make a folder in “%s”: %s"), parent,
                       g_strerror (saved_errno));
          return NULL;
        }
      fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0 && flock (fd, LOCK_EX) == 0 && fstat (fd, &by_fd) == 0 &&
          lstat (path, &by_path) == 0 && by_fd.st_ino == by_path.st_ino &&
          by_fd.st_dev == by_path.st_dev)
        {
          *lock_fd = fd;
          return g_steal_pointer (&path);
        }
      /* another process' sweep took it between mkdtemp and flock: make another */
      if (fd >= 0)
        close (fd);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Could not make a folder in “%s”: %s"), parent, g_strerror (EBUSY));
  return NULL;
}

/**
 * strata_staging_dir_sweep:
 *
 * Removes the folders named @prefix… in @parent, owned by this user, that no process holds
 * locked: what killed writes left. Returns how many it removed.
 */
guint
strata_staging_dir_sweep (const char *parent,
                          const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (parent, 0, NULL);
  const char *leaf;
  guint removed = 0;

  while (dir != NULL && (leaf = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      struct stat st;
      int fd;

      if (!g_str_has_prefix (leaf, prefix))
        continue;
      path = g_build_filename (parent, leaf, NULL);
      fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && st.st_uid == getuid () && flock (fd, LOCK_EX | LOCK_NB) == 0 &&
          strata_remove_tree (path, NULL))
        removed++;
      close (fd);
    }
  return removed;
}

/* strata-remove-tree.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

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

/* strata-dataset-detect.c: settings for a folder, CSV or zip the user points at
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-dataset.h"
#include "strata-dataset-settings.h"
#include "strata-source.h"
#include "strata-source-files.h"

#define N_PROBES 24

static gboolean
has_idx_files (const char *dir)
{
  g_autofree char *gz = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *plain = g_build_filename (dir, "train-images-idx3-ubyte", NULL);

  return g_file_test (gz, G_FILE_TEST_EXISTS) || g_file_test (plain, G_FILE_TEST_EXISTS);
}

/* Whether @dir holds an image somewhere below, looking at a bounded number of entries. */
static gboolean
holds_images (const char *dir,
              guint       depth,
              guint      *budget)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) && *budget > 0)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      (*budget)--;
      if (name[0] == '.')
        continue;
      if (strata_path_is_image_name (name))
        return TRUE;
      if (depth < 4 && g_file_test (path, G_FILE_TEST_IS_DIR) && holds_images (path, depth + 1, budget))
        return TRUE;
    }
  return FALSE;
}

static gboolean
detect_kind (const char        *path,
             StrataSourceKind  *kind,
             char             **source_path,
             GError           **error)
{
  g_autofree char *display = g_filename_display_name (path);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), display);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      g_autoptr(GPtrArray) csvs = g_ptr_array_new_with_free_func (g_free);
      gboolean class_folders = FALSE;
      const char *name;

      if (dir == NULL)
        return FALSE;
      if (has_idx_files (path))
        {
          *kind = STRATA_SOURCE_FASHION_MNIST;
          *source_path = g_strdup (path);
          return TRUE;
        }
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          guint budget = 2000;

          if (name[0] == '.')
            continue;
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && holds_images (child, 0, &budget))
            class_folders = TRUE;
          else if (g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV"))
            g_ptr_array_add (csvs, g_steal_pointer (&child));
        }
      if (class_folders)
        {
          *kind = STRATA_SOURCE_FOLDER;
          *source_path = g_strdup (path);
          return TRUE;
        }
      if (csvs->len > 0)
        {
          g_ptr_array_sort (csvs, (GCompareFunc) g_strcmp0);
          *kind = STRATA_SOURCE_CSV;
          *source_path = g_strdup (g_ptr_array_index (csvs, 0));
          return TRUE;
        }
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” holds neither folders of images (one per class) nor a CSV file "
                     "listing images and labels"), display);
      return FALSE;
    }

  {
    g_autofree char *lower = g_ascii_strdown (path, -1);

    *source_path = g_strdup (path);
    if (g_str_has_suffix (lower, ".zip"))
      *kind = STRATA_SOURCE_ZIP;
    else if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".tsv") ||
             g_str_has_suffix (lower, ".txt"))
      *kind = STRATA_SOURCE_CSV;
    else
      {
        g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                     _("“%s” is not a folder, a CSV file or a zip archive"), display);
        g_clear_pointer (source_path, g_free);
        return FALSE;
      }
  }
  return TRUE;
}

static gboolean
is_gray (const StrataImage *image)
{
  if (image->channels < 3)
    return TRUE;
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *p = image->data + (gsize) y * image->stride;

      for (int x = 0; x < image->width; x++, p += image->channels)
        if (p[0] != p[1] || p[1] != p[2])
          return FALSE;
    }
  return TRUE;
}

/* Small images keep their size (the most common one); photos go to 224×224 RGB, what
 * ImageNet backbones expect. */
static void
choose_image_size (StrataSource          *source,
                   StrataDatasetSettings *settings)
{
  guint n = strata_source_get_n_items (source);
  guint probes = MIN (n, N_PROBES), n_read = 0, n_gray = 0, n_small = 0;
  int sizes[N_PROBES][2], best = -1, best_votes = 0;

  for (guint k = 0; k < probes; k++)
    {
      g_auto(StrataImage) image = { 0 };

      if (!strata_source_read_image (source, (guint) ((guint64) k * n / probes), &image, NULL))
        continue;
      sizes[n_read][0] = image.width;
      sizes[n_read][1] = image.height;
      n_read++;
      n_gray += is_gray (&image);
      n_small += MAX (image.width, image.height) <= 64;
    }
  for (guint a = 0; a < n_read; a++)
    {
      int votes = 0;

      for (guint b = 0; b < n_read; b++)
        votes += sizes[a][0] == sizes[b][0] && sizes[a][1] == sizes[b][1];
      if (votes > best_votes)
        {
          best_votes = votes;
          best = a;
        }
    }

  if (n_read > 0 && n_small == n_read)
    g_object_set (settings,
                  "image-width", sizes[best][0],
                  "image-height", sizes[best][1],
                  "image-channels", n_gray == n_read ? 1 : 3,
                  NULL);
  else
    g_object_set (settings, "image-width", 224, "image-height", 224, "image-channels", 3, NULL);
}

/**
 * strata_dataset_settings_new_for_path:
 * @path: a folder of class folders, a folder with a CSV, a CSV, a zip of either, or a folder
 *   with MNIST-style IDX files; relative to the current folder when not absolute
 *
 * Looks at the data and picks settings to start from: the source kind and its absolute path,
 * the classes found, an 80/10/10 split, the image size (small images keep theirs; photos
 * become 224×224 RGB), squash resizing, 0..1 scaling, no augmentation. Reads every file
 * once, so it may take a while on large datasets; call it from a thread in the GUI.
 *
 * Returns: (transfer full) (nullable): the settings
 */
StrataDatasetSettings *
strata_dataset_settings_new_for_path (const char  *path,
                                      GError     **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *source_path = NULL;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(GStrvBuilder) classes = g_strv_builder_new ();
  g_auto(GStrv) class_names = NULL;
  StrataSourceKind kind;

  g_return_val_if_fail (path != NULL, NULL);

  if (!detect_kind (absolute, &kind, &source_path, error))
    return NULL;

  if (kind == STRATA_SOURCE_FASHION_MNIST)
    {
      settings = strata_dataset_settings_new_fashion_mnist ();
      g_object_set (settings, "source-path", source_path, NULL);
      return g_steal_pointer (&settings);
    }

  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS,
                           "source-kind", kind,
                           "source-path", source_path,
                           "split-by", STRATA_SPLIT_BY_RATIO,
                           "validation-fraction", 0.1,
                           "test-fraction", 0.1,
                           "resize-mode", STRATA_RESIZE_SQUASH,
                           "normalization", STRATA_NORMALIZE_UNIT,
                           NULL);
  source = strata_source_new_for_settings (settings, NULL, error);
  if (source == NULL || !strata_source_load (source, NULL, error))
    return NULL;
  if (strata_source_get_n_items (source) == 0)
    {
      g_autofree char *display = g_filename_display_name (source_path);

      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("No images were found in “%s”"), display);
      return NULL;
    }
  if (strata_source_get_n_classes (source) < 2)
    {
      g_autofree char *display = g_filename_display_name (source_path);

      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("Only one class (“%s”) was found in “%s”: a classifier needs images of "
                     "at least two classes"),
                   strata_source_get_class_name (source, 0), display);
      return NULL;
    }
  for (guint c = 0; c < strata_source_get_n_classes (source); c++)
    g_strv_builder_add (classes, strata_source_get_class_name (source, c));
  class_names = g_strv_builder_end (classes);
  g_object_set (settings, "class-names", class_names, NULL);
  choose_image_size (source, settings);
  return g_steal_pointer (&settings);
}

/**
 * strata_dataset_settings_make_path_relative:
 * @project_dir: the folder the project file is in
 *
 * Stores the source path relative to @project_dir when the source is inside it, so that the
 * project and its data move together.
 */
void
strata_dataset_settings_make_path_relative (StrataDatasetSettings *self,
                                            const char            *project_dir)
{
  const char *path = strata_dataset_settings_get_source_path (self);
  g_autofree char *base = g_canonicalize_filename (project_dir, NULL);
  g_autofree char *prefix = g_strconcat (base, G_DIR_SEPARATOR_S, NULL);

  if (g_path_is_absolute (path) && g_str_has_prefix (path, prefix))
    g_object_set (self, "source-path", path + strlen (prefix), NULL);
}

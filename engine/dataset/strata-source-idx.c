/* strata-source-idx.c: the four IDX files of an MNIST-style dataset, gzipped or not
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-dataset.h"
#include "strata-gzip.h"
#include "strata-hash.h"
#include "strata-source-idx.h"

#define IDX_UBYTE 0x08
#define MAX_IDX_SIZE ((gsize) 1 << 31)
#define MAX_SIDE 4096

struct _StrataSourceIdx
{
  StrataSource parent_instance;

  int rows;
  int cols;
  GBytes *images[2];        /* train, test: the whole uncompressed files */
  guint n_train;
  guint n_test;
};

G_DEFINE_FINAL_TYPE (StrataSourceIdx, strata_source_idx, STRATA_TYPE_SOURCE)

static const char * const fashion_mnist_classes[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL
};

/**
 * strata_fashion_mnist_class_names:
 *
 * Returns: (transfer none): the ten class names in label order
 */
const char * const *
strata_fashion_mnist_class_names (void)
{
  return fashion_mnist_classes;
}

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Finds NAME.gz or NAME in DIR and reads it uncompressed. */
static GBytes *
read_idx_file (const char  *dir,
               const char  *name,
               char       **display,
               GError     **error)
{
  g_autofree char *gz_name = g_strconcat (name, ".gz", NULL);
  g_autofree char *gz_path = g_build_filename (dir, gz_name, NULL);
  g_autofree char *plain_path = g_build_filename (dir, name, NULL);
  const char *path = gz_path;

  if (!g_file_test (gz_path, G_FILE_TEST_EXISTS) && g_file_test (plain_path, G_FILE_TEST_EXISTS))
    path = plain_path;
  *display = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir_display = g_filename_display_name (dir);

      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_NOT_FOUND,
                   _("“%s” is missing from “%s” (the dataset-fashion-mnist package installs "
                     "it)"), gz_name, dir_display);
      return NULL;
    }
  return strata_read_maybe_gzip (path, MAX_IDX_SIZE, error);
}

/* Checks the header of an IDX file of unsigned bytes with @n_dims dimensions and that the
 * data that follows is exactly what the dimensions say. */
static gboolean
parse_idx (GBytes      *bytes,
           const char  *display,
           guint        n_dims,
           guint32     *dims,
           gsize       *data_offset,
           GError     **error)
{
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (bytes, &size);
  gsize header = 4 + 4 * (gsize) n_dims;
  guint64 expected = 1;
  guint32 magic;

  if (size < 4)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is too short to be an IDX file (%zu bytes)"), display, size);
      return FALSE;
    }
  magic = read_be32 (p);
  if (p[0] != 0 || p[1] != 0 || p[2] != IDX_UBYTE || p[3] != n_dims)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   /* Translators: the magic number is the first four bytes of the file */
                   _("“%s” is not an IDX file of %s: its magic number is 0x%08x, expected "
                     "0x%08x"),
                   display, n_dims == 1 ? _("labels") : _("images"), magic,
                   (guint) (IDX_UBYTE << 8 | n_dims));
      return FALSE;
    }
  if (size < header)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is truncated: its header is incomplete"), display);
      return FALSE;
    }
  for (guint i = 0; i < n_dims; i++)
    dims[i] = read_be32 (p + 4 + 4 * i);
  for (guint i = 1; i < n_dims; i++)
    if (dims[i] == 0 || dims[i] > MAX_SIDE)
      {
        g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                     _("“%s” claims images of %u×%u pixels, which can't be right"),
                     display, n_dims > 2 ? dims[2] : 0, dims[1]);
        return FALSE;
      }
  for (guint i = 0; i < n_dims; i++)
    expected *= dims[i];
  if (dims[0] == 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” holds no items"), display);
      return FALSE;
    }
  if (size - header < expected)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is truncated: its header announces %u items but the file has "
                     "data for only %llu"),
                   display, dims[0],
                   (unsigned long long) ((size - header) / (expected / dims[0])));
      return FALSE;
    }
  if (size - header > expected)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” has %llu bytes more than its header announces"),
                   display, (unsigned long long) (size - header - expected));
      return FALSE;
    }
  *data_offset = header;
  return TRUE;
}

static gboolean
load_part (StrataSourceIdx  *self,
           const char       *dir,
           const char       *prefix,
           int               part,
           GCancellable     *cancellable,
           GError          **error)
{
  StrataSource *source = STRATA_SOURCE (self);
  g_autofree char *images_name = g_strconcat (prefix, "-images-idx3-ubyte", NULL);
  g_autofree char *labels_name = g_strconcat (prefix, "-labels-idx1-ubyte", NULL);
  g_autofree char *images_display = NULL;
  g_autofree char *labels_display = NULL;
  g_autoptr(GBytes) images = NULL;
  g_autoptr(GBytes) labels = NULL;
  guint32 image_dims[3], label_dims[1];
  gsize image_offset, label_offset, pixels;
  const guint8 *image_data, *label_data;
  guint n_classes = g_strv_length ((char **) fashion_mnist_classes);

  images = read_idx_file (dir, images_name, &images_display, error);
  if (images == NULL ||
      !parse_idx (images, images_display, 3, image_dims, &image_offset, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  labels = read_idx_file (dir, labels_name, &labels_display, error);
  if (labels == NULL ||
      !parse_idx (labels, labels_display, 1, label_dims, &label_offset, error))
    return FALSE;

  if (label_dims[0] != image_dims[0])
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” has %u labels but “%s” has %u images"),
                   labels_display, label_dims[0], images_display, image_dims[0]);
      return FALSE;
    }
  if (self->rows == 0)
    {
      self->rows = image_dims[1];
      self->cols = image_dims[2];
    }
  else if (self->rows != (int) image_dims[1] || self->cols != (int) image_dims[2])
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” holds %u×%u images, unlike the training images (%d×%d)"),
                   images_display, image_dims[2], image_dims[1], self->cols, self->rows);
      return FALSE;
    }

  image_data = (const guint8 *) g_bytes_get_data (images, NULL) + image_offset;
  label_data = (const guint8 *) g_bytes_get_data (labels, NULL) + label_offset;
  pixels = (gsize) self->rows * self->cols;
  for (guint i = 0; i < image_dims[0]; i++)
    {
      g_autofree char *name = NULL;

      if (label_data[i] >= n_classes)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("In “%s”, item %u has the label %u, but the classes are numbered "
                         "0 to %u"),
                       labels_display, i, label_data[i], n_classes - 1);
          return FALSE;
        }
      name = g_strdup_printf ("%s/%u", part == 0 ? "train" : "test", i);
      strata_source_add_item (source, name, label_data[i],
                              part == 0 ? -1 : STRATA_SPLIT_TEST,
                              strata_hash_bytes (image_data + i * pixels, pixels, 0));
    }

  /* keep only the pixels: read_image hands out pointers into them */
  self->images[part] = g_bytes_new_from_bytes (images, image_offset, image_dims[0] * pixels);
  if (part == 0)
    self->n_train = image_dims[0];
  else
    self->n_test = image_dims[0];
  return TRUE;
}

static gboolean
strata_source_idx_load (StrataSource  *source,
                        GCancellable  *cancellable,
                        GError       **error)
{
  StrataSourceIdx *self = STRATA_SOURCE_IDX (source);
  const char *dir = strata_source_get_path (source);

  for (guint i = 0; fashion_mnist_classes[i]; i++)
    strata_source_add_class (source, fashion_mnist_classes[i]);
  if (!load_part (self, dir, "train", 0, cancellable, error) ||
      !load_part (self, dir, "t10k", 1, cancellable, error))
    return FALSE;
  strata_source_set_has_test_split (source, TRUE);
  strata_source_set_fixed (source, TRUE);
  strata_source_set_in_memory (source, TRUE);
  return TRUE;
}

static gboolean
strata_source_idx_read_image (StrataSource  *source,
                              guint          index,
                              StrataImage   *image,
                              GError       **error)
{
  StrataSourceIdx *self = STRATA_SOURCE_IDX (source);
  int part = index < self->n_train ? 0 : 1;
  gsize pixels = (gsize) self->rows * self->cols;
  const guint8 *data = g_bytes_get_data (self->images[part], NULL);

  if (part == 1)
    index -= self->n_train;
  /* borrowed: the source outlives every image it hands out, and nobody writes to them */
  image->width = self->cols;
  image->height = self->rows;
  image->channels = 1;
  image->stride = self->cols;
  image->data = (guint8 *) data + index * pixels;
  return TRUE;
}

static void
strata_source_idx_finalize (GObject *object)
{
  StrataSourceIdx *self = (StrataSourceIdx *) object;

  g_clear_pointer (&self->images[0], g_bytes_unref);
  g_clear_pointer (&self->images[1], g_bytes_unref);
  G_OBJECT_CLASS (strata_source_idx_parent_class)->finalize (object);
}

static void
strata_source_idx_class_init (StrataSourceIdxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StrataSourceClass *source_class = STRATA_SOURCE_CLASS (klass);

  object_class->finalize = strata_source_idx_finalize;
  source_class->load = strata_source_idx_load;
  source_class->read_image = strata_source_idx_read_image;
}

static void
strata_source_idx_init (StrataSourceIdx *self)
{
}

/**
 * strata_source_idx_new_fashion_mnist:
 * @dir: the folder with train-images-idx3-ubyte.gz and the three other files
 *
 * Returns: (transfer full): the source; the 10,000 t10k images are its test split
 */
StrataSource *
strata_source_idx_new_fashion_mnist (const char *dir)
{
  return g_object_new (STRATA_TYPE_SOURCE_IDX, "path", dir, NULL);
}

/* strata-keras-h5-reader.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <hdf5.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-keras-h5-reader.h"

/*
 * Keras' HDF5 weights (weights_formats.md §1.2, §1.3): the root, or /model_weights in a
 * full-model file, lists every layer in the attribute layer_names (or, when the list is
 * long, in layer_names0, layer_names1, …); each layer's group lists its datasets in the
 * attribute weight_names. Those strings come in every encoding h5py has ever written:
 * fixed-length (h5py < 2.10) or variable-length, ASCII or UTF-8, scalar or 1-D. Layer names
 * may contain '/', which makes nested groups; HDF5 follows the path.
 *
 * The serial libhdf5 is not thread-safe, so every call into it holds one lock, and its own
 * error printing is off: failures become GErrors naming the file.
 */

G_LOCK_DEFINE_STATIC (hdf5);

struct _StrataKerasH5
{
  char *display_name;
  hid_t file;
  hid_t root;                 /* the group holding the layers */
  GPtrArray *layers;          /* StrataKerasH5Layer* */
  GHashTable *attributes;     /* root attributes that are strings: name → value */
};

static void
weight_free (StrataKerasH5Weight *weight)
{
  g_free (weight->name);
  g_free (weight);
}

static void
layer_free (StrataKerasH5Layer *layer)
{
  g_free (layer->name);
  g_ptr_array_unref (layer->weights);
  g_free (layer);
}

static gboolean
corrupt (StrataKerasH5  *self,
         GError        **error,
         const char     *why)
{
  /* Translators: the first %s is a file name, the second says what is wrong */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("“%s” is not a Keras weights file Strata can read: %s"), self->display_name,
               why);
  return FALSE;
}

/* Reads a string attribute, scalar or 1-D, fixed- or variable-length; NULL if absent. */
static char **
read_strings (hid_t       object,
              const char *name,
              gboolean   *present)
{
  hid_t attr, ftype = -1, mtype = -1, space = -1;
  hssize_t n;
  char **result = NULL;

  *present = H5Aexists (object, name) > 0;
  if (!*present)
    return NULL;
  attr = H5Aopen (object, name, H5P_DEFAULT);
  if (attr < 0)
    return NULL;
  ftype = H5Aget_type (attr);
  space = H5Aget_space (attr);
  n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  if (ftype >= 0 && n == 0)
    {
      /* Keras 2.2 wrote an empty list as an empty float array */
      result = g_new0 (char *, 1);
      goto out;
    }
  if (ftype < 0 || n < 0 || n > 10000000 || H5Tget_class (ftype) != H5T_STRING)
    goto out;

  mtype = H5Tcopy (H5T_C_S1);
  H5Tset_cset (mtype, H5Tget_cset (ftype));
  if (H5Tis_variable_str (ftype) > 0)
    {
      g_autofree char **values = g_new0 (char *, n + 1);

      H5Tset_size (mtype, H5T_VARIABLE);
      if (H5Aread (attr, mtype, values) >= 0)
        {
          result = g_new0 (char *, n + 1);
          for (hssize_t i = 0; i < n; i++)
            result[i] = g_strdup (values[i] ? values[i] : "");
          H5Dvlen_reclaim (mtype, space, H5P_DEFAULT, values);
        }
    }
  else
    {
      size_t size = H5Tget_size (ftype);
      g_autofree char *buffer = NULL;

      if (size == 0 || size > 1 << 20 || (guint64) n * size > 1 << 28)
        goto out;
      buffer = g_malloc0 (n * size);
      H5Tset_size (mtype, size);
      H5Tset_strpad (mtype, H5T_STR_NULLPAD);
      if (H5Aread (attr, mtype, buffer) >= 0)
        {
          result = g_new0 (char *, n + 1);
          for (hssize_t i = 0; i < n; i++)
            result[i] = g_strndup (buffer + i * size, size);
        }
    }

out:
  if (mtype >= 0)
    H5Tclose (mtype);
  if (ftype >= 0)
    H5Tclose (ftype);
  if (space >= 0)
    H5Sclose (space);
  H5Aclose (attr);
  return result;
}

/* Keras' load_attributes_from_hdf5_group: @name, else @name0, @name1, … until one is missing. */
static gboolean
read_list (StrataKerasH5  *self,
           hid_t           object,
           const char     *name,
           char         ***values,
           GError        **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  gboolean present;
  char **single = read_strings (object, name, &present);

  if (present)
    {
      if (single == NULL)
        return corrupt (self, error, _("a list of names can't be read"));
      *values = single;
      return TRUE;
    }
  builder = g_strv_builder_new ();
  for (guint chunk = 0;; chunk++)
    {
      g_autofree char *chunk_name = g_strdup_printf ("%s%u", name, chunk);
      g_auto(GStrv) part = read_strings (object, chunk_name, &present);

      if (!present)
        break;
      if (part == NULL)
        return corrupt (self, error, _("a list of names can't be read"));
      g_strv_builder_addv (builder, (const char **) part);
    }
  *values = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_weight_info (StrataKerasH5        *self,
                  hid_t                 group,
                  const char           *layer,
                  StrataKerasH5Weight  *weight,
                  GError              **error)
{
  hid_t dset = H5Dopen2 (group, weight->name, H5P_DEFAULT);
  hid_t space, type;
  hsize_t dims[H5S_MAX_RANK];
  int rank;
  H5T_class_t cls;

  if (dset < 0)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: layer “%s” lists the weight “%s”, which is not in the file"),
                   self->display_name, layer, weight->name);
      return FALSE;
    }
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  cls = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;
  if (rank >= 0 && rank <= STRATA_KERAS_H5_MAX_RANK)
    H5Sget_simple_extent_dims (space, dims, NULL);
  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Dclose (dset);
  if (rank < 0 || rank > STRATA_KERAS_H5_MAX_RANK || (cls != H5T_FLOAT && cls != H5T_INTEGER))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: the weight “%s” of layer “%s” is not an array of numbers"),
                   self->display_name, weight->name, layer);
      return FALSE;
    }
  weight->rank = rank;
  weight->n_elements = 1;
  for (int i = 0; i < rank; i++)
    {
      weight->dims[i] = dims[i];
      weight->n_elements *= dims[i];
    }
  return TRUE;
}

static gboolean
read_layers (StrataKerasH5  *self,
             GError        **error)
{
  g_auto(GStrv) names = NULL;

  if (!read_list (self, self->root, "layer_names", &names, error))
    return FALSE;
  for (guint i = 0; names[i]; i++)
    {
      StrataKerasH5Layer *layer = g_new0 (StrataKerasH5Layer, 1);
      g_auto(GStrv) weights = NULL;
      hid_t group;
      gboolean ok;

      layer->name = g_strdup (names[i]);
      layer->weights = g_ptr_array_new_with_free_func ((GDestroyNotify) weight_free);
      g_ptr_array_add (self->layers, layer);
      group = H5Gopen2 (self->root, layer->name, H5P_DEFAULT);
      if (group < 0)
        {
          g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                       _("“%s” lists the layer “%s” but has no group for it"),
                       self->display_name, layer->name);
          return FALSE;
        }
      ok = read_list (self, group, "weight_names", &weights, error);
      for (guint w = 0; ok && weights[w]; w++)
        {
          StrataKerasH5Weight *weight = g_new0 (StrataKerasH5Weight, 1);

          weight->name = g_strdup (weights[w]);
          g_ptr_array_add (layer->weights, weight);
          ok = read_weight_info (self, group, layer->name, weight, error);
        }
      H5Gclose (group);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
read_root_attributes (StrataKerasH5 *self)
{
  static const char *const names[] = { "keras_version", "backend" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gboolean present;
      g_auto(GStrv) value = read_strings (self->root, names[i], &present);

      if (value == NULL)
        value = read_strings (self->file, names[i], &present);
      if (value && value[0])
        g_hash_table_insert (self->attributes, (gpointer) names[i], g_strdup (value[0]));
    }
}

/**
 * strata_keras_h5_open:
 *
 * Opens a weights-only file (model.save_weights) or a full model (model.save) and reads the
 * list of layers and the names and shapes of their weights; the values are read on demand.
 *
 * Returns: (transfer full): the file, or %NULL with a %STRATA_IO_ERROR
 */
StrataKerasH5 *
strata_keras_h5_open (const char  *path,
                      GError     **error)
{
  g_autoptr(StrataKerasH5) self = g_new0 (StrataKerasH5, 1);
  gboolean ok;

  self->display_name = g_filename_display_basename (path);
  self->file = self->root = -1;
  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ,
                   _("There is no file “%s”"), path);
      return NULL;
    }

  G_LOCK (hdf5);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (H5Fis_hdf5 (path) <= 0)
    {
      G_UNLOCK (hdf5);
      corrupt (self, error, _("it is not an HDF5 file, or it is cut short"));
      return NULL;
    }
  self->file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (self->file < 0)
    {
      G_UNLOCK (hdf5);
      corrupt (self, error, _("HDF5 can't open it; it may be cut short or damaged"));
      return NULL;
    }
  if (H5Aexists (self->file, "layer_names") > 0 || H5Aexists (self->file, "layer_names0") > 0)
    self->root = H5Gopen2 (self->file, "/", H5P_DEFAULT);
  else if (H5Lexists (self->file, "model_weights", H5P_DEFAULT) > 0)
    self->root = H5Gopen2 (self->file, "model_weights", H5P_DEFAULT);
  if (self->root < 0)
    {
      G_UNLOCK (hdf5);
      corrupt (self, error, _("it has no list of layers (“layer_names”)"));
      return NULL;
    }
  read_root_attributes (self);
  ok = read_layers (self, error);
  G_UNLOCK (hdf5);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

void
strata_keras_h5_close (StrataKerasH5 *self)
{
  if (self == NULL)
    return;
  G_LOCK (hdf5);
  if (self->root >= 0)
    H5Gclose (self->root);
  if (self->file >= 0)
    H5Fclose (self->file);
  G_UNLOCK (hdf5);
  g_ptr_array_unref (self->layers);
  g_hash_table_unref (self->attributes);
  g_free (self->display_name);
  g_free (self);
}

/**
 * strata_keras_h5_get_n_layers:
 *
 * Returns: the number of layers in layer_names, those without weights included
 */
guint
strata_keras_h5_get_n_layers (StrataKerasH5 *self)
{
  return self->layers->len;
}

const StrataKerasH5Layer *
strata_keras_h5_get_layer (StrataKerasH5 *self,
                           guint          index)
{
  g_return_val_if_fail (index < self->layers->len, NULL);
  return g_ptr_array_index (self->layers, index);
}

/**
 * strata_keras_h5_get_attribute:
 * @name: "keras_version" or "backend"
 *
 * Returns: (nullable): the value, absent in Keras 1 era files
 */
const char *
strata_keras_h5_get_attribute (StrataKerasH5 *self,
                               const char    *name)
{
  return g_hash_table_lookup (self->attributes, name);
}

/**
 * strata_keras_h5_read:
 * @n_elements: the size of @dst; must equal the weight's
 *
 * Reads one weight as float32 (HDF5 converts other number types), in the stored order.
 */
gboolean
strata_keras_h5_read (StrataKerasH5  *self,
                      guint           layer,
                      guint           weight,
                      float          *dst,
                      gint64          n_elements,
                      GError        **error)
{
  const StrataKerasH5Layer *l = strata_keras_h5_get_layer (self, layer);
  const StrataKerasH5Weight *w;
  hid_t group, dset = -1;
  herr_t status = -1;

  g_return_val_if_fail (l != NULL && weight < l->weights->len, FALSE);
  w = g_ptr_array_index (l->weights, weight);
  g_return_val_if_fail (w->n_elements == n_elements, FALSE);

  G_LOCK (hdf5);
  group = H5Gopen2 (self->root, l->name, H5P_DEFAULT);
  if (group >= 0)
    dset = H5Dopen2 (group, w->name, H5P_DEFAULT);
  if (dset >= 0)
    status = H5Dread (dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst);
  if (dset >= 0)
    H5Dclose (dset);
  if (group >= 0)
    H5Gclose (group);
  G_UNLOCK (hdf5);
  if (status < 0)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: the weight “%s” of layer “%s” can't be read; the file may be cut "
                     "short or damaged"), self->display_name, w->name, l->name);
      return FALSE;
    }
  return TRUE;
}

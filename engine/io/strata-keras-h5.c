/* strata-keras-h5.c
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
#include <hdf5.h>
#include <string.h>
#include <unistd.h>

#include "strata-keras-h5.h"

/*
 * The layout tf.keras 2.13's model.save("x.h5") writes with h5py 3 (see
 * shared/reference/weights_formats.md §1.2–1.3):
 *
 *   /  keras_version, backend: variable-length UTF-8 (Python str)
 *      model_config: variable-length ASCII (json.dumps(…).encode())
 *   /model_weights  layer_names: variable-length ASCII list of every layer, in model.layers
 *                   order; split into layer_names0, 1, … as fixed-length lists when longer
 *                   than 64512 bytes, as Keras' save_attributes_to_hdf5_group does;
 *                   backend, keras_version: variable-length ASCII
 *      /<layer>     weight_names: variable-length ASCII list, or an empty float64 array for
 *                   layers without weights (what h5py makes of an empty list)
 *         /<layer>/<weight>:0   float32 datasets in Keras' layouts
 *      /top_level_model_weights  weight_names empty
 *
 * The file is written under a temporary name beside @path and renamed over it once complete
 * and synced, so a failure (a full disk) leaves no partial file.
 */

typedef struct
{
  GString *message;
} ErrorWalk;

static herr_t
walk_cb (unsigned int     n,
         const H5E_error2_t *err,
         void            *data)
{
  ErrorWalk *w = data;

  if (err->desc && *err->desc && w->message->len == 0)
    g_string_append (w->message, err->desc);
  return 0;
}

/* HDF5 keeps its own error stack; turn its most specific message into a GError. */
static gboolean
fail (GError    **error,
      const char *path,
      const char *what)
{
  ErrorWalk w = { g_string_new (NULL) };
  g_autofree char *display = g_filename_display_name (path);
  int saved_errno = errno;

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &w);
  if (saved_errno == ENOSPC || saved_errno == EFBIG || saved_errno == EDQUOT)
    g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                 _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
  else
    g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                 _("Could not write “%s” (%s): %s"), display, what,
                 w.message->len ? w.message->str : _("the HDF5 library failed"));
  g_string_free (w.message, TRUE);
  return FALSE;
}

static hid_t
string_type (gboolean utf8)
{
  hid_t type = H5Tcopy (H5T_C_S1);

  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  return type;
}

static gboolean
write_string_attr (hid_t       loc,
                   const char *name,
                   const char *value,
                   gboolean    utf8)
{
  hid_t type = string_type (utf8);
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attr = H5Acreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = attr >= 0 && H5Awrite (attr, type, &value) >= 0;

  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
  return ok;
}

/* A list of names as h5py stores a Python list of bytes: variable-length ASCII. */
static gboolean
write_vlen_list (hid_t              loc,
                 const char        *name,
                 const char *const *values,
                 guint              n)
{
  hid_t type = string_type (FALSE);
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t attr = H5Acreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = attr >= 0 && H5Awrite (attr, type, values) >= 0;

  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
  return ok;
}

/* A chunk of a long list as h5py stores a numpy |S array: fixed-length, NUL-padded. */
static gboolean
write_fixed_list (hid_t              loc,
                  const char        *name,
                  const char *const *values,
                  guint              n,
                  gsize              item_size)
{
  hid_t type = H5Tcopy (H5T_C_S1);
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  g_autofree char *buffer = g_malloc0 (MAX (n * item_size, 1));
  hid_t attr;
  gboolean ok;

  H5Tset_size (type, item_size);
  H5Tset_strpad (type, H5T_STR_NULLPAD);
  H5Tset_cset (type, H5T_CSET_ASCII);
  for (guint i = 0; i < n; i++)
    memcpy (buffer + i * item_size, values[i], MIN (strlen (values[i]), item_size));
  attr = H5Acreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  ok = attr >= 0 && H5Awrite (attr, type, buffer) >= 0;
  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
  return ok;
}

/* Keras' save_attributes_to_hdf5_group: split into the fewest numpy.array_split chunks that
 * keep each under the header limit (measured as count × longest). */
static gboolean
write_name_list (hid_t              loc,
                 const char        *name,
                 const char *const *values,
                 guint              n)
{
  gsize item_size = 1;
  guint chunks = 1;

  if (n == 0)
    {
      /* h5py stores an empty list as an empty float64 array */
      hsize_t dims[1] = { 0 };
      hid_t space = H5Screate_simple (1, dims, NULL);
      hid_t attr = H5Acreate2 (loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);

      H5Sclose (space);
      if (attr < 0)
        return FALSE;
      H5Aclose (attr);
      return TRUE;
    }
  for (guint i = 0; i < n; i++)
    item_size = MAX (item_size, strlen (values[i]));
  while ((gsize) ((n + chunks - 1) / chunks) * item_size > STRATA_KERAS_HEADER_LIMIT &&
         chunks < n)
    chunks++;
  if (chunks == 1)
    return write_vlen_list (loc, name, values, n);

  for (guint c = 0, start = 0; c < chunks; c++)
    {
      guint size = n / chunks + (c < n % chunks ? 1 : 0);
      g_autofree char *chunk_name = g_strdup_printf ("%s%u", name, c);

      if (!write_fixed_list (loc, chunk_name, values + start, size, item_size))
        return FALSE;
      start += size;
    }
  return TRUE;
}

static gboolean
write_weight (hid_t                    group,
              hid_t                    lcpl,
              const char              *dataset_name,
              const StrataKerasWeight *weight)
{
  hsize_t dims[4];
  g_autofree float *data = strata_keras_weight_dup_keras_data (weight);
  hid_t space, dataset;
  gboolean ok;

  for (int i = 0; i < weight->rank; i++)
    dims[i] = weight->dims[i];
  space = weight->rank > 0 ? H5Screate_simple (weight->rank, dims, NULL)
                           : H5Screate (H5S_SCALAR);
  dataset = H5Dcreate2 (group, dataset_name, H5T_IEEE_F32LE, space, lcpl, H5P_DEFAULT,
                        H5P_DEFAULT);
  ok = dataset >= 0 &&
       H5Dwrite (dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
  if (dataset >= 0)
    H5Dclose (dataset);
  H5Sclose (space);
  return ok;
}

static int
compare_layer_names (gconstpointer a,
                     gconstpointer b)
{
  const StrataKerasLayer *x = *(StrataKerasLayer **) a, *y = *(StrataKerasLayer **) b;

  return strcmp (x->name, y->name);
}

static gboolean
write_weights_group (StrataKerasModel *model,
                     hid_t             file,
                     const char       *path,
                     GError          **error)
{
  guint n = strata_keras_model_get_n_layers (model);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  hid_t group, lcpl;
  gboolean ok = TRUE;

  group = H5Gcreate2 (file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group < 0)
    return fail (error, path, "model_weights");
  for (guint i = 0; i < n; i++)
    {
      names[i] = strata_keras_model_get_layer (model, i)->name;
      g_ptr_array_add (sorted, strata_keras_model_get_layer (model, i));
    }
  if (!write_name_list (group, "layer_names", names, n) ||
      !write_string_attr (group, "backend", STRATA_KERAS_BACKEND, FALSE) ||
      !write_string_attr (group, "keras_version", STRATA_KERAS_VERSION, FALSE))
    {
      H5Gclose (group);
      return fail (error, path, "layer_names");
    }

  /* weight "conv2d/kernel:0" is a dataset in a group "conv2d" inside the layer's group */
  lcpl = H5Pcreate (H5P_LINK_CREATE);
  H5Pset_create_intermediate_group (lcpl, 1);
  /* tf.keras creates the layer groups sorted by name */
  g_ptr_array_sort (sorted, compare_layer_names);
  for (guint i = 0; ok && i < sorted->len; i++)
    {
      StrataKerasLayer *layer = g_ptr_array_index (sorted, i);
      g_autoptr(GPtrArray) weight_names = g_ptr_array_new_with_free_func (g_free);
      hid_t layer_group = H5Gcreate2 (group, layer->name, lcpl, H5P_DEFAULT, H5P_DEFAULT);

      if (layer_group < 0)
        {
          ok = fail (error, path, layer->name);
          break;
        }
      for (guint w = 0; w < layer->weights->len; w++)
        {
          StrataKerasWeight *weight = &g_array_index (layer->weights, StrataKerasWeight, w);

          g_ptr_array_add (weight_names, g_strdup_printf ("%s/%s:0", layer->name,
                                                          weight->keras_name));
        }
      g_ptr_array_add (weight_names, NULL);
      ok = write_name_list (layer_group, "weight_names",
                            (const char *const *) weight_names->pdata, layer->weights->len);
      for (guint w = 0; ok && w < layer->weights->len; w++)
        ok = write_weight (layer_group, lcpl, g_ptr_array_index (weight_names, w),
                           &g_array_index (layer->weights, StrataKerasWeight, w));
      H5Gclose (layer_group);
      if (!ok)
        fail (error, path, layer->name);
    }
  if (ok)
    {
      hid_t top = H5Gcreate2 (group, "top_level_model_weights", H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);

      ok = top >= 0 && write_name_list (top, "weight_names", NULL, 0);
      if (top >= 0)
        H5Gclose (top);
      if (!ok)
        fail (error, path, "top_level_model_weights");
    }
  H5Pclose (lcpl);
  H5Gclose (group);
  return ok;
}

static gboolean
sync_and_rename (const char  *tmp_path,
                 const char  *path,
                 GError     **error)
{
  int fd = g_open (tmp_path, O_RDONLY | O_CLOEXEC, 0);
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  if (g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return TRUE;
}

/**
 * strata_keras_h5_write:
 * @model: the Keras view of a model
 * @path: where to write; replaced atomically
 *
 * Writes @model as the full-model HDF5 file `keras.models.load_model(path, compile=False)`
 * reads (tf.keras 2.4 and later, Keras 3), without a training config.
 */
gboolean
strata_keras_h5_write (StrataKerasModel  *model,
                       const char        *path,
                       GError           **error)
{
  g_autofree char *tmp_path = g_strdup_printf ("%s.XXXXXX.tmp", path);
  g_autoptr(JsonNode) config = strata_keras_model_dup_config (model);
  g_autofree char *config_text = json_to_string (config, FALSE);
  H5E_auto2_t old_func;
  void *old_data;
  hid_t file;
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  /* errors become GErrors; HDF5 prints nothing (the handler is per thread) */
  H5Eget_auto2 (H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  file = H5Fcreate (tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0)
    ok = fail (error, path, "create");
  else
    {
      ok = write_string_attr (file, "keras_version", STRATA_KERAS_VERSION, TRUE) &&
           write_string_attr (file, "backend", STRATA_KERAS_BACKEND, TRUE) &&
           write_string_attr (file, "model_config", config_text, FALSE);
      if (!ok)
        fail (error, path, "model_config");
      else
        ok = write_weights_group (model, file, path, error);
      errno = 0;
      if (H5Fclose (file) < 0 && ok)
        ok = fail (error, path, "close");
    }
  H5Eset_auto2 (H5E_DEFAULT, old_func, old_data);

  if (ok)
    ok = sync_and_rename (tmp_path, path, error);
  if (!ok)
    g_unlink (tmp_path);
  return ok;
}

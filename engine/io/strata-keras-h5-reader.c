/* strata-keras-h5-reader.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"
#define _GNU_SOURCE   /* memfd_create */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-keras-h5-reader-private.h"
#include "strata-remove-tree.h"
#include "strata-safetensors.h"

/*
 * Keras' HDF5 weights (weights_formats.md §1.2, §1.3): the root, or /model_weights in a
 * full-model file, lists every layer in the attribute layer_names (or, when the list is
 * long, in layer_names0, layer_names1, …); each layer's group lists its datasets in the
 * attribute weight_names. Those strings come in every encoding h5py has ever written:
 * fixed-length (h5py < 2.10) or variable-length, ASCII or UTF-8, scalar or 1-D. Layer names
 * may contain '/', which makes nested groups; HDF5 follows the path.
 *
 * A damaged file can crash or hang libhdf5 itself (1.10 reads past a global-heap block when
 * a variable-length string's stored size is wrong), and no check made through its API sees
 * that before the read. So strata_keras_h5_open() never calls HDF5 in Strata's process: the
 * helper program strata-h5-reader opens the file with _strata_keras_h5_open_direct(), which
 * checks every type and size it can before reading, and writes what it read in the
 * safetensors format into a memfd this process made (else a file in a private folder); this
 * process reads that back with the safetensors parser and turns the helper's crash, signal
 * or time-out into an error naming the file.
 *
 * The serial libhdf5 is not thread-safe, so every call into it holds one lock, and its own
 * error printing is off: failures become GErrors naming the file.
 */

G_LOCK_DEFINE_STATIC (hdf5);

/* Bounds far above any real Keras file, so that a damaged count or size is an error rather
 * than a huge allocation. */
#define MAX_NAMES         1000000
#define MAX_NAME_BYTES    65536
#define MAX_WEIGHTS       4096
#define MAX_LIST_BYTES    (1 << 28)
#define MAX_ELEMENTS      (G_GINT64_CONSTANT (1) << 34)

/* Reading a file takes a few seconds at most; a damaged one can make libhdf5 loop. */
#define TIMEOUT_SECONDS   60
#define TIMEOUT_BYTES_PER_SECOND (16 << 20)

#define OUTPUT_FORMAT     "strata-h5-reader/1"

#if defined (__linux__) && defined (MFD_CLOEXEC)
#define HAVE_MEMFD_ANSWER 1
#endif

struct _StrataKerasH5
{
  char *display_name;
  hid_t file;                 /* direct: the HDF5 file, else -1 */
  hid_t root;                 /* direct: the group holding the layers, else -1 */
  size_t sizeof_addr;         /* direct: the size of the file's addresses */
  StrataSafetensors *values;  /* isolated with values: the helper's copy of the weights */
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

static StrataKerasH5 *
keras_h5_new (const char *display_name)
{
  StrataKerasH5 *self = g_new0 (StrataKerasH5, 1);

  self->display_name = g_strdup (display_name);
  self->file = self->root = -1;
  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
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

G_GNUC_PRINTF (3, 4)
static gboolean
corruptf (StrataKerasH5  *self,
          GError        **error,
          const char     *format,
          ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  return corrupt (self, error, why);
}

/* The number of elements of a scalar or 1-D dataspace, -1 for any other */
static hssize_t
list_length (hid_t space)
{
  switch (H5Sget_simple_extent_type (space))
    {
    case H5S_NULL:
      return 0;
    case H5S_SCALAR:
      return 1;
    case H5S_SIMPLE:
      return H5Sget_simple_extent_ndims (space) == 1 ? H5Sget_simple_extent_npoints (space) : -1;
    case H5S_NO_CLASS:
    default:
      return -1;
    }
}

/*
 * Reads a string attribute, scalar or 1-D, fixed- or variable-length, into @values; sets
 * @present to whether it exists. Its type, shape and stored size are checked before HDF5
 * reads it, and what it reads must be UTF-8.
 */
static gboolean
read_strings (StrataKerasH5   *self,
              hid_t            object,
              const char      *name,
              gboolean        *present,
              char          ***values,
              GError         **error)
{
  hid_t attr, ftype = -1, mtype = -1, space = -1;
  hssize_t n;
  H5T_cset_t cset;
  size_t size;
  hsize_t storage;
  htri_t variable;
  g_auto(GStrv) result = NULL;
  gboolean ok = FALSE;

  *values = NULL;
  *present = H5Aexists (object, name) > 0;
  if (!*present)
    return TRUE;
  attr = H5Aopen (object, name, H5P_DEFAULT);
  if (attr < 0)
    return corruptf (self, error, _("the attribute “%s” can't be opened"), name);
  ftype = H5Aget_type (attr);
  space = H5Aget_space (attr);
  n = space >= 0 ? list_length (space) : -1;
  if (ftype < 0 || n < 0)
    {
      corruptf (self, error, _("the attribute “%s” is not a list of names"), name);
      goto out;
    }
  if (n == 0)
    {
      /* Keras 2.2 wrote an empty list as an empty float array */
      result = g_new0 (char *, 1);
      ok = TRUE;
      goto out;
    }
  if (H5Tget_class (ftype) != H5T_STRING)
    {
      corruptf (self, error, _("the attribute “%s” is not text"), name);
      goto out;
    }
  cset = H5Tget_cset (ftype);
  if (cset != H5T_CSET_ASCII && cset != H5T_CSET_UTF8)
    {
      corruptf (self, error, _("the attribute “%s” is text in an unknown encoding"), name);
      goto out;
    }
  if (n > MAX_NAMES)
    {
      corruptf (self, error, _("the attribute “%s” lists more than %d names"), name, MAX_NAMES);
      goto out;
    }
  /* the bytes stored must be what the type and the count say: for a variable-length string
   * each element is a reference into the global heap (a length, an address, an index) */
  variable = H5Tis_variable_str (ftype);
  size = variable > 0 ? 4 + self->sizeof_addr + 4 : H5Tget_size (ftype);
  storage = H5Aget_storage_size (attr);
  if (variable < 0 || size == 0 || (variable == 0 && size > MAX_NAME_BYTES) ||
      (guint64) n * size > MAX_LIST_BYTES || storage != (hsize_t) n * size)
    {
      corruptf (self, error, _("the attribute “%s” has the wrong size"), name);
      goto out;
    }

  mtype = H5Tcopy (H5T_C_S1);
  H5Tset_cset (mtype, cset);
  if (variable)
    {
      g_autofree char **strings = g_new0 (char *, n + 1);

      H5Tset_size (mtype, H5T_VARIABLE);
      if (H5Aread (attr, mtype, strings) >= 0)
        {
          result = g_new0 (char *, n + 1);
          for (hssize_t i = 0; i < n; i++)
            result[i] = g_strdup (strings[i] ? strings[i] : "");
          H5Dvlen_reclaim (mtype, space, H5P_DEFAULT, strings);
        }
    }
  else
    {
      g_autofree char *buffer = g_try_malloc0 (n * size);


      H5Tset_size (mtype, size);
      H5Tset_strpad (mtype, H5T_STR_NULLPAD);
      if (buffer != NULL && H5Aread (attr, mtype, buffer) >= 0)
        {
          result = g_new0 (char *, n + 1);
          for (hssize_t i = 0; i < n; i++)
            result[i] = g_strndup (buffer + i * size, size);
        }
    }
  if (result == NULL)
    {
      corruptf (self, error, _("the attribute “%s” can't be read; the file may be damaged"),
                name);
      goto out;
    }
  for (hssize_t i = 0; i < n; i++)
    if (strlen (result[i]) > MAX_NAME_BYTES || !g_utf8_validate (result[i], -1, NULL))
      {
        corruptf (self, error, _("the attribute “%s” holds a name that is not UTF-8 text"),
                  name);
        goto out;
      }
  ok = TRUE;

out:
  if (mtype >= 0)
    H5Tclose (mtype);
  if (ftype >= 0)
    H5Tclose (ftype);
  if (space >= 0)
    H5Sclose (space);
  H5Aclose (attr);
  if (ok)
    *values = g_steal_pointer (&result);
  return ok;
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
  guint total = 0;

  if (!read_strings (self, object, name, &present, values, error))
    return FALSE;
  if (present)
    return TRUE;
  builder = g_strv_builder_new ();
  for (guint chunk = 0;; chunk++)
    {
      g_autofree char *chunk_name = g_strdup_printf ("%s%u", name, chunk);
      g_auto(GStrv) part = NULL;

      if (!read_strings (self, object, chunk_name, &present, &part, error))
        return FALSE;
      if (!present)
        break;
      total += g_strv_length (part);
      if (total > MAX_NAMES)
        return corruptf (self, error, _("the attribute “%s” lists more than %d names"), name,
                         MAX_NAMES);
      g_strv_builder_addv (builder, (const char **) part);
    }
  *values = g_strv_builder_end (builder);
  return TRUE;
}

/* Whether a dataset's stored bytes are all in the file (contiguous storage; chunked and
 * compact storage are checked by HDF5 as it reads). */
static gboolean
storage_fits (StrataKerasH5 *self,
              hid_t          dset,
              gint64         n_elements,
              size_t         type_size)
{
  hid_t plist = H5Dget_create_plist (dset);
  H5D_layout_t layout = plist >= 0 ? H5Pget_layout (plist) : H5D_LAYOUT_ERROR;
  haddr_t offset;
  hsize_t file_size = 0;
  guint64 bytes = (guint64) n_elements * type_size;

  if (plist >= 0)
    H5Pclose (plist);
  if (layout == H5D_LAYOUT_ERROR)
    return FALSE;
  if (layout != H5D_CONTIGUOUS)
    return TRUE;
  offset = H5Dget_offset (dset);
  if (offset == HADDR_UNDEF)
    return H5Dget_storage_size (dset) == 0;   /* never written: HDF5 gives the fill value */
  if (H5Dget_storage_size (dset) != bytes || H5Fget_filesize (self->file, &file_size) < 0)
    return FALSE;
  return offset <= file_size && bytes <= file_size - offset;
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
  hsize_t dims[STRATA_KERAS_H5_MAX_RANK];
  int rank = -1;
  H5T_class_t cls;
  size_t type_size;
  H5S_class_t space_class;
  gboolean numbers, too_large = FALSE, fits;

  if (dset < 0)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: layer “%s” lists the weight “%s”, which is not in the file"),
                   self->display_name, layer, weight->name);
      return FALSE;
    }
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  space_class = space >= 0 ? H5Sget_simple_extent_type (space) : H5S_NO_CLASS;
  if (space_class == H5S_SCALAR || space_class == H5S_SIMPLE)
    rank = H5Sget_simple_extent_ndims (space);
  if (rank >= 0 && rank <= STRATA_KERAS_H5_MAX_RANK)
    H5Sget_simple_extent_dims (space, dims, NULL);
  cls = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;
  type_size = type >= 0 ? H5Tget_size (type) : 0;
  numbers = rank >= 0 && rank <= STRATA_KERAS_H5_MAX_RANK &&
            ((cls == H5T_FLOAT && (type_size == 2 || type_size == 4 || type_size == 8)) ||
             (cls == H5T_INTEGER && type_size >= 1 && type_size <= 8));
  weight->rank = numbers ? rank : 0;
  weight->n_elements = 1;
  for (int i = 0; numbers && i < rank; i++)
    {
      weight->dims[i] = dims[i];
      if (dims[i] > (hsize_t) MAX_ELEMENTS ||
          (dims[i] > 0 && weight->n_elements > MAX_ELEMENTS / (gint64) dims[i]))
        too_large = TRUE;
      else
        weight->n_elements *= dims[i];
    }
  fits = numbers && !too_large && storage_fits (self, dset, weight->n_elements, type_size);
  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Dclose (dset);
  if (!numbers)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: the weight “%s” of layer “%s” is not an array of numbers"),
                   self->display_name, weight->name, layer);
      return FALSE;
    }
  if (too_large)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: the weight “%s” of layer “%s” is too large to be real; the file "
                     "may be damaged"), self->display_name, weight->name, layer);
      return FALSE;
    }
  if (!fits)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s”: the weight “%s” of layer “%s” can't be read; the file may be cut "
                     "short or damaged"), self->display_name, weight->name, layer);
      return FALSE;
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
      group = *layer->name ? H5Gopen2 (self->root, layer->name, H5P_DEFAULT) : -1;
      if (group < 0)
        {
          g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                       _("“%s” lists the layer “%s” but has no group for it"),
                       self->display_name, layer->name);
          return FALSE;
        }
      ok = read_list (self, group, "weight_names", &weights, error);
      if (ok && g_strv_length (weights) > MAX_WEIGHTS)
        ok = corruptf (self, error, _("the layer “%s” lists more than %d weights"),
                       layer->name, MAX_WEIGHTS);
      for (guint w = 0; ok && weights[w]; w++)
        {
          StrataKerasH5Weight *weight = g_new0 (StrataKerasH5Weight, 1);

          weight->name = g_strdup (weights[w]);
          g_ptr_array_add (layer->weights, weight);
          if (*weight->name == '\0')
            ok = corruptf (self, error, _("the layer “%s” lists a weight with no name"),
                           layer->name);
          else
            ok = read_weight_info (self, group, layer->name, weight, error);
        }
      H5Gclose (group);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
file_sizes (StrataKerasH5 *self)
{
  hid_t plist = H5Fget_create_plist (self->file);
  size_t sizeof_size = 0;
  herr_t status = plist >= 0 ? H5Pget_sizes (plist, &self->sizeof_addr, &sizeof_size) : -1;

  if (plist >= 0)
    H5Pclose (plist);
  return status >= 0 && self->sizeof_addr >= 2 && self->sizeof_addr <= 16;
}

static gboolean
read_root_attributes (StrataKerasH5  *self,
                      GError        **error)
{
  static const char *const names[] = { "keras_version", "backend" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gboolean present;
      g_auto(GStrv) value = NULL;

      if (!read_strings (self, self->root, names[i], &present, &value, error))
        return FALSE;
      if (!present && !read_strings (self, self->file, names[i], &present, &value, error))
        return FALSE;
      if (value && value[0])
        g_hash_table_insert (self->attributes, g_strdup (names[i]), g_strdup (value[0]));
    }
  return TRUE;
}

/**
 * _strata_keras_h5_open_direct:
 *
 * Opens a weights-only file (model.save_weights) or a full model (model.save) with libhdf5
 * in this process, checks the types and sizes of everything it will read, and reads the list
 * of layers and the names and shapes of their weights; the values are read on demand.
 * A damaged file can still crash libhdf5: only strata-h5-reader and the fuzz target call this.
 *
 * Returns: (transfer full): the file, or %NULL with a %STRATA_IO_ERROR
 */
StrataKerasH5 *
_strata_keras_h5_open_direct (const char  *path,
                              GError     **error)
{
  g_autofree char *display_name = g_filename_display_basename (path);
  g_autoptr(StrataKerasH5) self = keras_h5_new (display_name);
  gboolean ok;

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
  if (!file_sizes (self))
    {
      G_UNLOCK (hdf5);
      corrupt (self, error, _("HDF5 can't open it; it may be cut short or damaged"));
      return NULL;
    }
  if (H5Aexists (self->file, "layer_names") > 0 || H5Aexists (self->file, "layer_names0") > 0)
    self->root = H5Gopen2 (self->file, "/", H5P_DEFAULT);
  else if (H5Lexists (self->file, "model_weights", H5P_DEFAULT) > 0 &&
           H5Oexists_by_name (self->file, "model_weights", H5P_DEFAULT) > 0)
    self->root = H5Gopen2 (self->file, "model_weights", H5P_DEFAULT);
  if (self->root < 0)
    {
      G_UNLOCK (hdf5);
      corrupt (self, error, _("it has no list of layers (“layer_names”)"));
      return NULL;
    }
  ok = read_root_attributes (self, error) && read_layers (self, error);
  G_UNLOCK (hdf5);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

/*
 * What strata-h5-reader hands back: a safetensors file whose metadata "structure" is the
 * JSON list [{"name": layer, "weights": [{"name": weight, "shape": [d, …]}, …]}, …] and,
 * with the values, one F32 tensor "L/W" per weight W of layer L (both counted from 0).
 */
static char *
tensor_name (guint layer,
             guint weight)
{
  return g_strdup_printf ("%u/%u", layer, weight);
}

/* Writes all of @data to @fd, which is @path. */
static gboolean
write_all (int          fd,
           const char  *path,
           const void  *data,
           gsize        size,
           GError     **error)
{
  const guint8 *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, MIN (size, (gsize) 1 << 30));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : ENOSPC;
          g_autofree char *name = g_filename_display_name (path);

          g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                       _("Could not write “%s”: %s"), name, g_strerror (saved_errno));
          return FALSE;
        }
      p += n;
      size -= n;
    }
  return TRUE;
}

/* The JSON list that the answer's metadata "structure" holds. */
static char *
build_structure (StrataKerasH5 *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint l = 0; l < self->layers->len; l++)
    {
      const StrataKerasH5Layer *layer = g_ptr_array_index (self->layers, l);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, layer->name);
      json_builder_set_member_name (builder, "weights");
      json_builder_begin_array (builder);
      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, weight->name);
          json_builder_set_member_name (builder, "shape");
          json_builder_begin_array (builder);
          for (int d = 0; d < weight->rank; d++)
            json_builder_add_int_value (builder, weight->dims[d]);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The safetensors header: the metadata, then one F32 tensor per weight, in order. */
static char *
build_header (StrataKerasH5      *self,
              StrataKerasH5Flags  flags)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *structure = build_structure (self);
  GHashTableIter iter;
  gpointer key, value;
  gint64 offset = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "__metadata__");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, OUTPUT_FORMAT);
  json_builder_set_member_name (b, "structure");
  json_builder_add_string_value (b, structure);
  g_hash_table_iter_init (&iter, self->attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *meta = g_strconcat ("attribute.", key, NULL);

      json_builder_set_member_name (b, meta);
      json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
  for (guint l = 0; flags == STRATA_KERAS_H5_VALUES && l < self->layers->len; l++)
    {
      const StrataKerasH5Layer *layer = g_ptr_array_index (self->layers, l);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);
          g_autofree char *name = tensor_name (l, w);

          json_builder_set_member_name (b, name);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "dtype");
          json_builder_add_string_value (b, "F32");
          json_builder_set_member_name (b, "shape");
          json_builder_begin_array (b);
          for (int d = 0; d < weight->rank; d++)
            json_builder_add_int_value (b, weight->dims[d]);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "data_offsets");
          json_builder_begin_array (b);
          json_builder_add_int_value (b, offset);
          json_builder_add_int_value (b, offset + weight->n_elements * (gint64) sizeof (float));
          json_builder_end_array (b);
          json_builder_end_object (b);
          offset += weight->n_elements * (gint64) sizeof (float);
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * _strata_keras_h5_write_safetensors_fd:
 * @self: a file opened with _strata_keras_h5_open_direct()
 * @fd: where to write, from its current position
 * @path: what @fd is, for messages
 * @flags: %STRATA_KERAS_H5_VALUES to write the values too, as float32
 *
 * Writes what strata_keras_h5_open() reads back from the helper program, in the safetensors
 * format (little-endian, like every machine Strata runs on). The header comes first, from the
 * shapes alone, then each weight as soon as it is read: the helper holds one weight at a
 * time, not the whole model (VGG16: 400 MB at most, not 555 MB). There is no fsync and no
 * atomic rename, which strata_safetensors_writer_write() does: this is a throw-away answer in
 * memory that Strata reads once, and a helper that dies half-way gives an error anyway.
 */
gboolean
_strata_keras_h5_write_safetensors_fd (StrataKerasH5       *self,
                                       int                  fd,
                                       const char          *path,
                                       StrataKerasH5Flags   flags,
                                       GError             **error)
{
  g_autofree char *header = NULL;
  gsize header_len, padded;
  g_autofree char *padding = NULL;
  guint8 size_bytes[8];

  g_return_val_if_fail (self->file >= 0, FALSE);

  header = build_header (self, flags);
  header_len = strlen (header);
  padded = (header_len + 7) / 8 * 8;   /* so the data starts 8-aligned */
  padding = g_strnfill (padded - header_len, ' ');
  for (int i = 0; i < 8; i++)
    size_bytes[i] = (guint8) ((guint64) padded >> (8 * i));
  if (!write_all (fd, path, size_bytes, 8, error) ||
      !write_all (fd, path, header, header_len, error) ||
      !write_all (fd, path, padding, padded - header_len, error))
    return FALSE;

  for (guint l = 0; flags == STRATA_KERAS_H5_VALUES && l < self->layers->len; l++)
    {
      const StrataKerasH5Layer *layer = g_ptr_array_index (self->layers, l);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);
          g_autofree float *values = g_try_malloc (MAX (weight->n_elements, 1) * sizeof (float));

          if (values == NULL)
            {
              g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ,
                           _("Not enough memory to read “%s”"), self->display_name);
              return FALSE;
            }
          if (!strata_keras_h5_read (self, l, w, values, weight->n_elements, error) ||
              !write_all (fd, path, values, weight->n_elements * sizeof (float), error))
            return FALSE;
        }
    }
  return TRUE;
}

/**
 * _strata_keras_h5_write_safetensors:
 * @self: a file opened with _strata_keras_h5_open_direct()
 * @flags: %STRATA_KERAS_H5_VALUES to write the values too, as float32
 *
 * _strata_keras_h5_write_safetensors_fd() into a new file @path (replaced if it exists).
 */
gboolean
_strata_keras_h5_write_safetensors (StrataKerasH5       *self,
                                    const char          *path,
                                    StrataKerasH5Flags   flags,
                                    GError             **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                   _("Could not write “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  ok = _strata_keras_h5_write_safetensors_fd (self, fd, path, flags, error);
  if (close (fd) != 0 && ok)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                   _("Could not write “%s”: %s"), name, g_strerror (saved_errno));
      ok = FALSE;
    }
  return ok;
}

static gboolean
parse_weight (StrataKerasH5        *self,
              JsonNode             *node,
              StrataKerasH5Weight  *weight)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *name = obj ? json_object_get_member (obj, "name") : NULL;
  JsonNode *shape = obj ? json_object_get_member (obj, "shape") : NULL;
  JsonArray *dims;

  if (name == NULL || json_node_get_value_type (name) != G_TYPE_STRING ||
      shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return FALSE;
  weight->name = g_strdup (json_node_get_string (name));
  dims = json_node_get_array (shape);
  if (json_array_get_length (dims) > STRATA_KERAS_H5_MAX_RANK)
    return FALSE;
  weight->rank = json_array_get_length (dims);
  weight->n_elements = 1;
  for (int d = 0; d < weight->rank; d++)
    {
      JsonNode *dim = json_array_get_element (dims, d);

      if (json_node_get_value_type (dim) != G_TYPE_INT64)
        return FALSE;
      weight->dims[d] = json_node_get_int (dim);
      if (weight->dims[d] < 0 || weight->dims[d] > MAX_ELEMENTS ||
          (weight->dims[d] > 0 && weight->n_elements > MAX_ELEMENTS / weight->dims[d]))
        return FALSE;
      weight->n_elements *= weight->dims[d];
    }
  return TRUE;
}

static gboolean
parse_structure (StrataKerasH5 *self,
                 const char    *structure)
{
  g_autoptr(JsonNode) root = strata_json_load_data (structure, -1, NULL);
  JsonArray *layers;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;
  layers = json_node_get_array (root);
  if (json_array_get_length (layers) > MAX_NAMES)
    return FALSE;
  for (guint l = 0; l < json_array_get_length (layers); l++)
    {
      JsonNode *node = json_array_get_element (layers, l);
      JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *name = obj ? json_object_get_member (obj, "name") : NULL;
      JsonNode *weights = obj ? json_object_get_member (obj, "weights") : NULL;
      StrataKerasH5Layer *layer;
      JsonArray *list;

      if (name == NULL || json_node_get_value_type (name) != G_TYPE_STRING ||
          weights == NULL || !JSON_NODE_HOLDS_ARRAY (weights))
        return FALSE;
      list = json_node_get_array (weights);
      if (json_array_get_length (list) > MAX_WEIGHTS)
        return FALSE;
      layer = g_new0 (StrataKerasH5Layer, 1);
      layer->name = g_strdup (json_node_get_string (name));
      layer->weights = g_ptr_array_new_with_free_func ((GDestroyNotify) weight_free);
      g_ptr_array_add (self->layers, layer);
      for (guint w = 0; w < json_array_get_length (list); w++)
        {
          StrataKerasH5Weight *weight = g_new0 (StrataKerasH5Weight, 1);

          g_ptr_array_add (layer->weights, weight);
          if (!parse_weight (self, json_array_get_element (list, w), weight))
            return FALSE;
          if (self->values != NULL)
            {
              g_autofree char *tensor = tensor_name (l, w);
              const StrataSafetensorsInfo *info = strata_safetensors_lookup (self->values,
                                                                             tensor);

              if (info == NULL || info->dtype != STRATA_DTYPE_F32 || info->rank != weight->rank ||
                  memcmp (info->shape, weight->dims, weight->rank * sizeof (gint64)) != 0)
                return FALSE;
            }
        }
    }
  return TRUE;
}

static guint
count_weights (StrataKerasH5 *self)
{
  guint n = 0;

  for (guint l = 0; l < self->layers->len; l++)
    n += ((StrataKerasH5Layer *) g_ptr_array_index (self->layers, l))->weights->len;
  return n;
}

/**
 * _strata_keras_h5_open_safetensors:
 * @path: a file written by _strata_keras_h5_write_safetensors()
 * @display_name: the name of the .h5 file it was made from, for messages
 * @flags: whether @path must hold the values
 *
 * Reads back what strata-h5-reader wrote, with no trust in it beyond the safetensors format.
 *
 * Returns: (transfer full): the file, or %NULL with a %STRATA_IO_ERROR
 */
StrataKerasH5 *
_strata_keras_h5_open_safetensors (const char          *path,
                                   const char          *display_name,
                                   StrataKerasH5Flags   flags,
                                   GError             **error)
{
  g_autoptr(StrataKerasH5) self = keras_h5_new (display_name);
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, error);
  const char *format, *structure;
  static const char *const attributes[] = { "keras_version", "backend" };

  if (st == NULL)
    return NULL;
  format = strata_safetensors_get_metadata (st, "format");
  structure = strata_safetensors_get_metadata (st, "structure");
  if (flags == STRATA_KERAS_H5_VALUES)
    self->values = g_steal_pointer (&st);
  if (format == NULL || !g_str_equal (format, OUTPUT_FORMAT) || structure == NULL ||
      !parse_structure (self, structure) ||
      (self->values && strata_safetensors_get_n_tensors (self->values) != count_weights (self)))
    {
      corrupt (self, error, _("the HDF5 reader's answer is not understood"));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    {
      g_autofree char *meta = g_strconcat ("attribute.", attributes[i], NULL);
      const char *value = strata_safetensors_get_metadata (self->values ? self->values : st,
                                                           meta);
      if (value != NULL)
        g_hash_table_insert (self->attributes, g_strdup (attributes[i]), g_strdup (value));
    }
  return g_steal_pointer (&self);
}

/* STRATA_H5_READER (tests, the build tree), else the installed one, else the build tree's. */
static char *
find_reader (void)
{
  const char *env = g_getenv ("STRATA_H5_READER");
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "strata-h5-reader", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return g_strdup (H5_READER_BUILD_PATH);
}

static int
reader_timeout (const char *path)
{
  const char *env = g_getenv ("STRATA_H5_READER_TIMEOUT");
  GStatBuf st;

  if (env != NULL && atoi (env) > 0)
    return atoi (env);
  if (g_stat (path, &st) != 0)
    return TIMEOUT_SECONDS;
  return TIMEOUT_SECONDS + (int) MIN (st.st_size / TIMEOUT_BYTES_PER_SECOND, 3600);
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* Reads what the child writes on stderr, keeping the first 4 KiB; FALSE once it is closed. */
static gboolean
drain (int     fd,
       GString *message)
{
  char buffer[1024];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n < 0)
    return errno == EINTR || errno == EAGAIN;
  if (n == 0)
    return FALSE;
  if (message->len < 4096)
    g_string_append_len (message, buffer, MIN ((gsize) n, 4096 - message->len));
  return TRUE;
}

/*
 * Runs strata-h5-reader on @path, writing @output (a path or "--output-fd=3"), and waits for
 * it at most the time limit. g_spawn execs the helper at once (posix_spawn where it can), so
 * no HDF5 code runs in a forked copy of this multithreaded process; @answer_fd, unless -1,
 * becomes the child's fd 3 by GLib's own async-signal-safe code between fork and exec (no
 * GSpawnChildSetupFunc, which would not be safe in a threaded process).
 */
static gboolean
run_reader (const char          *path,
            const char          *output,
            int                  answer_fd,
            const char          *display_name,
            StrataKerasH5Flags   flags,
            GError             **error)
{
  g_autofree char *reader = find_reader ();
  const char *argv[] = {
    reader, flags == STRATA_KERAS_H5_VALUES ? "--values" : "--names", path, output, NULL
  };
  const int target_fd = 3;
  g_autoptr(GError) spawn_error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  int timeout = reader_timeout (path);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
  gboolean timed_out = FALSE;
  GPid pid;
  int err_fd = -1, status = 0;

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD |
                                         G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_CLOEXEC_PIPES,
                                         NULL, NULL, -1, -1, -1,
                                         answer_fd >= 0 ? &answer_fd : NULL,
                                         answer_fd >= 0 ? &target_fd : NULL,
                                         answer_fd >= 0 ? 1 : 0,
                                         &pid, NULL, NULL, &err_fd, &spawn_error))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ,
                   _("Strata's HDF5 reader “%s” can't be started: %s"), reader,
                   spawn_error->message);
      return FALSE;
    }

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      pid_t done;

      if (left <= 0)
        {
          timed_out = TRUE;
          break;
        }
      if (err_fd >= 0)
        {
          struct pollfd p = { .fd = err_fd, .events = POLLIN };

          if (poll (&p, 1, (int) MIN (left / 1000 + 1, 100)) > 0 && !drain (err_fd, message))
            close_fd (&err_fd);
        }
      else
        g_usleep (MIN (left, 5000));
      done = waitpid (pid, &status, WNOHANG);
      if (done == pid)
        break;
      if (done < 0 && errno != EINTR)
        {
          g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ,
                       _("Strata's HDF5 reader was lost while reading “%s”"), display_name);
          close_fd (&err_fd);
          g_spawn_close_pid (pid);
          return FALSE;
        }
    }
  if (timed_out)
    {
      kill (pid, SIGKILL);
      while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
    }
  /* what the child wrote before it ended: it is gone, so this ends at once */
  while (err_fd >= 0 && drain (err_fd, message))
    ;
  close_fd (&err_fd);
  g_spawn_close_pid (pid);

  if (timed_out)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("The weights file “%s” is damaged (reading it took longer than %d "
                     "seconds)"), display_name, timeout);
      return FALSE;
    }
  if (WIFSIGNALED (status))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("The weights file “%s” is damaged (the HDF5 library crashed reading it)"),
                   display_name);
      return FALSE;
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return TRUE;

  g_strchomp (message->str);
  if (WIFEXITED (status) && message->str[0] != '\0' &&
      (WEXITSTATUS (status) == STRATA_H5_READER_EXIT_CORRUPT ||
       WEXITSTATUS (status) == STRATA_H5_READER_EXIT_READ))
    {
      g_autofree char *valid = g_utf8_make_valid (message->str, -1);

      g_set_error_literal (error, STRATA_IO_ERROR,
                           WEXITSTATUS (status) == STRATA_H5_READER_EXIT_READ
                           ? STRATA_IO_ERROR_READ : STRATA_IO_ERROR_CORRUPT, valid);
      return FALSE;
    }
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("The weights file “%s” can't be read (Strata's HDF5 reader failed with status "
                 "%d)"), display_name, WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return FALSE;
}

/*
 * Whether the answer fits in memory: with the values, as float32, it is up to 4 times the file
 * (float16 or int8 files); an in-memory folder that has room for that is taken as the sign.
 */
static gboolean
answer_fits_in_memory (const char          *path,
                       StrataKerasH5Flags   flags)
{
#ifdef __linux__
  const char *candidates[] = { g_get_user_runtime_dir (), "/dev/shm" };
  GStatBuf st;

  if (flags != STRATA_KERAS_H5_VALUES)
    return TRUE;
  if (g_stat (path, &st) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      struct statfs fs;

      if (statfs (candidates[i], &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
          access (candidates[i], W_OK) == 0 &&
          (guint64) fs.f_bavail * fs.f_bsize > 4 * (guint64) st.st_size + (64 << 20))
        return TRUE;
    }
#endif
  return FALSE;
}

/*
 * Where the helper writes its answer when there is no memfd: an in-memory folder when one has
 * room, else the temporary folder on disk.
 */
static const char *
answer_folder (const char          *path,
               StrataKerasH5Flags   flags)
{
#ifdef __linux__
  const char *candidates[] = { g_get_user_runtime_dir (), "/dev/shm" };

  if (answer_fits_in_memory (path, flags))
    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        struct statfs fs;

        if (statfs (candidates[i], &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
            access (candidates[i], W_OK) == 0)
          return candidates[i];
      }
#endif
  return g_get_tmp_dir ();
}

#ifdef HAVE_MEMFD_ANSWER
/*
 * The fast way (bench/bench-h5-load.c, BENCHMARKS.md): the answer goes into an anonymous
 * memory file that this process made and the helper inherits as fd 3. Nothing touches a
 * filesystem, there is no fsync and no name to clean up, and the pages the helper wrote are
 * the very pages strata_safetensors_open() maps here (through /proc/self/fd, so that the one
 * hardened parser reads it). The memfd is only mapped after the helper has exited 0: a helper
 * still running, or killed half-way, is never read from.
 */
static StrataKerasH5 *
open_with_memfd (const char          *path,
                 const char          *display_name,
                 StrataKerasH5Flags   flags,
                 gboolean            *tried,
                 GError             **error)
{
  g_autofree char *proc_path = NULL;
  StrataKerasH5 *self = NULL;
  int fd = memfd_create ("strata-h5-answer", MFD_CLOEXEC);

  *tried = fd >= 0;
  if (fd < 0)
    return NULL;
  if (run_reader (path, "--output-fd=3", fd, display_name, flags, error))
    {
      proc_path = g_strdup_printf ("/proc/self/fd/%d", fd);
      self = _strata_keras_h5_open_safetensors (proc_path, display_name, flags, error);
    }
  /* the mapping keeps the values readable once the fd is closed */
  close (fd);
  return self;
}
#endif

/**
 * strata_keras_h5_open:
 * @flags: %STRATA_KERAS_H5_NAMES for the layers and the names and shapes of their weights,
 *   %STRATA_KERAS_H5_VALUES for the values too
 *
 * Opens a weights-only file (model.save_weights) or a full model (model.save) in the helper
 * program strata-h5-reader, so that a file that crashes or hangs libhdf5 gives an error and
 * this process lives on. With %STRATA_KERAS_H5_VALUES the helper converts every weight to
 * float32 into a memfd (or a temporary file), mapped and read on demand by
 * strata_keras_h5_read().
 *
 * Returns: (transfer full): the file, or %NULL with a %STRATA_IO_ERROR
 */
StrataKerasH5 *
strata_keras_h5_open (const char          *path,
                      StrataKerasH5Flags   flags,
                      GError             **error)
{
  g_autofree char *display_name = g_filename_display_basename (path);
  g_autofree char *folder = NULL;
  g_autofree char *output = NULL;
  StrataKerasH5 *self = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ,
                   _("There is no file “%s”"), path);
      return NULL;
    }
#ifdef HAVE_MEMFD_ANSWER
  if (answer_fits_in_memory (path, flags))
    {
      gboolean tried = FALSE;

      self = open_with_memfd (path, display_name, flags, &tried, error);
      if (tried)
        return self;
    }
#endif
  folder = g_build_filename (answer_folder (path, flags), "strata-h5-XXXXXX", NULL);
  if (g_mkdtemp (folder) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                   _("Could not make a temporary folder in “%s”: %s"),
                   answer_folder (path, flags), g_strerror (saved_errno));
      return NULL;
    }
  output = g_build_filename (folder, "weights.safetensors", NULL);
  if (run_reader (path, output, -1, display_name, flags, error))
    self = _strata_keras_h5_open_safetensors (output, display_name, flags, error);
  /* the mapping keeps the values readable once the file's name is gone */
  strata_remove_tree (folder, NULL);
  return self;
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
  g_clear_pointer (&self->values, strata_safetensors_close);
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
 * @self: a file opened with %STRATA_KERAS_H5_VALUES
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
  g_return_val_if_fail (self->values != NULL || self->file >= 0, FALSE);

  if (self->values != NULL)
    {
      g_autofree char *name = tensor_name (layer, weight);
      return strata_safetensors_read_f32 (self->values, name, dst, n_elements, error);
    }

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

/* strata-safetensors.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-safetensors.h"

/*
 * The format (huggingface/safetensors): 8 bytes little-endian header size N, N bytes of JSON
 * ({"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}),
 * then the data. The reader trusts nothing: sizes, offsets, overlap and full coverage of the
 * data buffer are all checked before any tensor is read.
 */

#define MAX_HEADER_SIZE 100000000

static const struct
{
  const char *name;
  StrataDtype dtype;
  int size;
} dtypes[] = {
  { "F32", STRATA_DTYPE_F32, 4 },   { "F16", STRATA_DTYPE_F16, 2 },
  { "BF16", STRATA_DTYPE_BF16, 2 }, { "F64", STRATA_DTYPE_F64, 8 },
  { "I64", STRATA_DTYPE_I64, 8 },   { "I32", STRATA_DTYPE_I32, 4 },
  { "I16", STRATA_DTYPE_I16, 2 },   { "I8", STRATA_DTYPE_I8, 1 },
  { "U8", STRATA_DTYPE_U8, 1 },     { "U16", STRATA_DTYPE_U16, 2 },
  { "U32", STRATA_DTYPE_U32, 4 },   { "U64", STRATA_DTYPE_U64, 8 },
  { "BOOL", STRATA_DTYPE_BOOL, 1 },
};

typedef struct
{
  StrataSafetensorsInfo info;
  char *name;
  gint64 begin;
  gint64 end;
} Entry;

struct _StrataSafetensors
{
  char *display_name;
  GMappedFile *file;
  const guint8 *data;         /* start of the byte buffer */
  gint64 data_size;
  GArray *entries;            /* Entry */
  GHashTable *by_name;        /* name → index + 1 */
  GHashTable *metadata;       /* key → value */
};

static gboolean
corrupt (GError    **error,
         const char *display_name,
         const char *why)
{
  /* Translators: the first %s is a file name, the second says what is wrong */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("“%s” is not a valid safetensors file: %s"), display_name, why);
  return FALSE;
}

static void
entry_clear (Entry *entry)
{
  g_free (entry->name);
}

static int
compare_entries_by_begin (gconstpointer a,
                          gconstpointer b)
{
  const Entry *const *ea = a, *const *eb = b;
  return ((*ea)->begin > (*eb)->begin) - ((*ea)->begin < (*eb)->begin);
}

static gboolean
parse_entry (StrataSafetensors *self,
             const char        *name,
             JsonNode          *node,
             GError           **error)
{
  JsonObject *obj;
  JsonArray *shape, *offsets;
  const char *dtype_name;
  Entry entry = { 0 };
  int size = 0;
  gint64 n = 1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, self->display_name, _("a tensor entry is not an object"));
  obj = json_node_get_object (node);
  dtype_name = strata_json_get_string (obj, "dtype", NULL);
  if (dtype_name == NULL ||
      !json_object_has_member (obj, "shape") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "shape")) ||
      !json_object_has_member (obj, "data_offsets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "data_offsets")))
    return corrupt (error, self->display_name, _("a tensor lacks dtype, shape or offsets"));

  entry.info.dtype = STRATA_DTYPE_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (g_str_equal (dtypes[i].name, dtype_name))
      {
        entry.info.dtype = dtypes[i].dtype;
        size = dtypes[i].size;
      }

  shape = json_object_get_array_member (obj, "shape");
  if (json_array_get_length (shape) > STRATA_SAFETENSORS_MAX_RANK)
    return corrupt (error, self->display_name, _("a tensor has too many dimensions"));
  entry.info.rank = json_array_get_length (shape);
  for (int i = 0; i < entry.info.rank; i++)
    {
      JsonNode *dim = json_array_get_element (shape, i);
      gint64 d;

      if (!JSON_NODE_HOLDS_VALUE (dim) || json_node_get_value_type (dim) != G_TYPE_INT64)
        return corrupt (error, self->display_name, _("a shape is not a list of integers"));
      d = json_node_get_int (dim);
      if (d < 0 || (d > 0 && n > G_MAXINT64 / 16 / d))
        return corrupt (error, self->display_name, _("a shape is out of range"));
      entry.info.shape[i] = d;
      n *= d;
    }
  entry.info.n_elements = n;

  offsets = json_object_get_array_member (obj, "data_offsets");
  if (json_array_get_length (offsets) != 2)
    return corrupt (error, self->display_name, _("data_offsets must have two entries"));
  for (int i = 0; i < 2; i++)
    {
      JsonNode *o = json_array_get_element (offsets, i);
      if (!JSON_NODE_HOLDS_VALUE (o) || json_node_get_value_type (o) != G_TYPE_INT64)
        return corrupt (error, self->display_name, _("data_offsets are not integers"));
    }
  entry.begin = json_array_get_int_element (offsets, 0);
  entry.end = json_array_get_int_element (offsets, 1);
  if (entry.begin < 0 || entry.end < entry.begin || entry.end > self->data_size)
    return corrupt (error, self->display_name, _("a tensor lies outside the file"));
  if (size > 0 && entry.end - entry.begin != n * size)
    return corrupt (error, self->display_name, _("a tensor's size does not match its shape"));

  entry.name = g_strdup (name);
  entry.info.name = entry.name;
  g_array_append_val (self->entries, entry);
  return TRUE;
}

static gboolean
parse_metadata (StrataSafetensors *self,
                JsonNode          *node,
                GError           **error)
{
  JsonObject *obj;
  g_autoptr(GList) keys = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, self->display_name, _("__metadata__ is not an object"));
  obj = json_node_get_object (node);
  keys = json_object_get_members (obj);
  for (GList *l = keys; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (obj, l->data);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return corrupt (error, self->display_name, _("__metadata__ values must be strings"));
      g_hash_table_insert (self->metadata, g_strdup (l->data),
                           g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

/* Every byte of the data buffer belongs to exactly one tensor. */
static gboolean
check_coverage (StrataSafetensors *self,
                GError           **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  gint64 pos = 0;

  for (guint i = 0; i < self->entries->len; i++)
    g_ptr_array_add (sorted, &g_array_index (self->entries, Entry, i));
  g_ptr_array_sort (sorted, compare_entries_by_begin);
  for (guint i = 0; i < sorted->len; i++)
    {
      Entry *entry = g_ptr_array_index (sorted, i);
      if (entry->begin != pos)
        return corrupt (error, self->display_name,
                        entry->begin < pos ? _("two tensors overlap") : _("the data has gaps"));
      pos = entry->end;
    }
  if (pos != self->data_size)
    return corrupt (error, self->display_name, _("the data has bytes no tensor uses"));
  return TRUE;
}

StrataSafetensors *
strata_safetensors_open (const char *path,
                         GError    **error)
{
  g_autoptr(StrataSafetensors) self = g_new0 (StrataSafetensors, 1);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) names = NULL;
  const guint8 *bytes;
  gsize size;
  guint64 header_size = 0;
  JsonObject *obj;

  self->display_name = g_filename_display_basename (path);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->file = g_mapped_file_new (path, FALSE, &local_error);
  if (self->file == NULL)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ, _("Could not open “%s”: %s"),
                   self->display_name, local_error->message);
      return NULL;
    }
  bytes = (const guint8 *) g_mapped_file_get_contents (self->file);
  size = g_mapped_file_get_length (self->file);
  if (size < 8)
    return corrupt (error, self->display_name, _("the file is too short")), NULL;
  for (int i = 7; i >= 0; i--)
    header_size = (header_size << 8) | bytes[i];
  if (header_size > MAX_HEADER_SIZE || header_size > size - 8)
    return corrupt (error, self->display_name, _("the header size is larger than the file")),
           NULL;
  if (header_size < 2 || bytes[8] != '{')
    return corrupt (error, self->display_name, _("the header does not start with “{”")), NULL;
  self->data = bytes + 8 + header_size;
  self->data_size = size - 8 - header_size;

  root = strata_json_load_data ((const char *) bytes + 8, header_size, &local_error);
  if (root == NULL)
    return corrupt (error, self->display_name, local_error->message), NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return corrupt (error, self->display_name, _("the header is not a JSON object")), NULL;
  obj = json_node_get_object (root);
  names = json_object_get_members (obj);
  for (GList *l = names; l; l = l->next)
    {
      JsonNode *member = json_object_get_member (obj, l->data);
      gboolean ok = g_str_equal (l->data, "__metadata__")
                    ? parse_metadata (self, member, error)
                    : parse_entry (self, l->data, member, error);
      if (!ok)
        return NULL;
    }
  if (!check_coverage (self, error))
    return NULL;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      g_hash_table_insert (self->by_name, entry->name, GUINT_TO_POINTER (i + 1));
    }
  return g_steal_pointer (&self);
}

void
strata_safetensors_close (StrataSafetensors *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->file, g_mapped_file_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_free (self->display_name);
  g_free (self);
}

guint
strata_safetensors_get_n_tensors (StrataSafetensors *self)
{
  return self->entries->len;
}

const StrataSafetensorsInfo *
strata_safetensors_get_info (StrataSafetensors *self,
                             guint              index)
{
  g_return_val_if_fail (index < self->entries->len, NULL);
  return &g_array_index (self->entries, Entry, index).info;
}

const StrataSafetensorsInfo *
strata_safetensors_lookup (StrataSafetensors *self,
                           const char        *name)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name, name));

  return index ? &g_array_index (self->entries, Entry, index - 1).info : NULL;
}

const char *
strata_safetensors_get_metadata (StrataSafetensors *self,
                                 const char        *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  guint32 bits;
  float f;

  if (exponent == 0x1f)
    bits = sign | 0x7f800000 | (mantissa << 13);          /* inf, nan */
  else if (exponent != 0)
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  else if (mantissa == 0)
    bits = sign;                                          /* ±0 */
  else
    {
      /* subnormal: value = mantissa × 2^-24 */
      f = (float) mantissa / 16777216.0f;
      return sign ? -f : f;
    }
  memcpy (&f, &bits, sizeof f);
  return f;
}

/**
 * strata_safetensors_read_f32:
 *
 * Copies a floating-point tensor into @dst as float, converting F16, BF16 and F64.
 */
gboolean
strata_safetensors_read_f32 (StrataSafetensors *self,
                             const char        *name,
                             float             *dst,
                             gint64             n_elements,
                             GError           **error)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name, name));
  const Entry *entry;
  const guint8 *src;

  if (index == 0)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("“%s” has no tensor named “%s”"), self->display_name, name);
      return FALSE;
    }
  entry = &g_array_index (self->entries, Entry, index - 1);
  if (entry->info.n_elements != n_elements)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("Tensor “%s” in “%s” has %lld values where %lld are needed"),
                   name, self->display_name, (long long) entry->info.n_elements,
                   (long long) n_elements);
      return FALSE;
    }
  src = self->data + entry->begin;
  switch (entry->info.dtype)
    {
    case STRATA_DTYPE_F32:
      memcpy (dst, src, n_elements * sizeof (float));
      return TRUE;
    case STRATA_DTYPE_F64:
      for (gint64 i = 0; i < n_elements; i++)
        {
          double d;
          memcpy (&d, src + 8 * i, 8);
          dst[i] = (float) d;
        }
      return TRUE;
    case STRATA_DTYPE_F16:
      for (gint64 i = 0; i < n_elements; i++)
        dst[i] = half_to_float (src[2 * i] | (src[2 * i + 1] << 8));
      return TRUE;
    case STRATA_DTYPE_BF16:
      for (gint64 i = 0; i < n_elements; i++)
        {
          guint32 bits = (guint32) (src[2 * i] | (src[2 * i + 1] << 8)) << 16;
          memcpy (&dst[i], &bits, 4);
        }
      return TRUE;
    default:
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                   _("Tensor “%s” in “%s” does not hold floating-point values"), name,
                   self->display_name);
      return FALSE;
    }
}

/* Writer -------------------------------------------------------------------------------------- */

typedef struct
{
  char *name;
  int rank;
  gint64 shape[STRATA_SAFETENSORS_MAX_RANK];
  gint64 n;
  const char *dtype;          /* "F32" or "I64" */
  gsize element_size;
  gconstpointer data;
} PendingTensor;

struct _StrataSafetensorsWriter
{
  GPtrArray *tensors;        /* PendingTensor* */
  GPtrArray *metadata;       /* alternating key, value */
};

static void
pending_tensor_free (PendingTensor *t)
{
  g_free (t->name);
  g_free (t);
}

StrataSafetensorsWriter *
strata_safetensors_writer_new (void)
{
  StrataSafetensorsWriter *self = g_new0 (StrataSafetensorsWriter, 1);

  self->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_tensor_free);
  self->metadata = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
strata_safetensors_writer_free (StrataSafetensorsWriter *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->tensors);
  g_ptr_array_unref (self->metadata);
  g_free (self);
}

static void
add_tensor (StrataSafetensorsWriter *self,
            const char              *name,
            int                      rank,
            const gint64            *shape,
            const char              *dtype,
            gsize                    element_size,
            gconstpointer            data)
{
  PendingTensor *t = g_new0 (PendingTensor, 1);

  g_return_if_fail (rank >= 0 && rank <= STRATA_SAFETENSORS_MAX_RANK);
  t->name = g_strdup (name);
  t->rank = rank;
  t->n = 1;
  for (int i = 0; i < rank; i++)
    {
      t->shape[i] = shape[i];
      t->n *= shape[i];
    }
  t->dtype = dtype;
  t->element_size = element_size;
  t->data = data;
  g_ptr_array_add (self->tensors, t);
}

/**
 * strata_safetensors_writer_add_f32:
 * @data: borrowed until strata_safetensors_writer_write() returns
 */
void
strata_safetensors_writer_add_f32 (StrataSafetensorsWriter *self,
                                   const char              *name,
                                   int                      rank,
                                   const gint64            *shape,
                                   const float             *data)
{
  add_tensor (self, name, rank, shape, "F32", sizeof (float), data);
}

/**
 * strata_safetensors_writer_add_i64:
 * @data: borrowed until strata_safetensors_writer_write() returns
 *
 * For PyTorch's integer buffers, such as BatchNorm's num_batches_tracked (rank 0).
 */
void
strata_safetensors_writer_add_i64 (StrataSafetensorsWriter *self,
                                   const char              *name,
                                   int                      rank,
                                   const gint64            *shape,
                                   const gint64            *data)
{
  add_tensor (self, name, rank, shape, "I64", sizeof (gint64), data);
}

void
strata_safetensors_writer_set_metadata (StrataSafetensorsWriter *self,
                                        const char              *key,
                                        const char              *value)
{
  g_ptr_array_add (self->metadata, g_strdup (key));
  g_ptr_array_add (self->metadata, g_strdup (value));
}

static char *
build_header (StrataSafetensorsWriter *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 offset = 0;

  json_builder_begin_object (b);
  if (self->metadata->len > 0)
    {
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      for (guint i = 0; i + 1 < self->metadata->len; i += 2)
        {
          json_builder_set_member_name (b, g_ptr_array_index (self->metadata, i));
          json_builder_add_string_value (b, g_ptr_array_index (self->metadata, i + 1));
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < self->tensors->len; i++)
    {
      PendingTensor *t = g_ptr_array_index (self->tensors, i);

      json_builder_set_member_name (b, t->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, t->dtype);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < t->rank; d++)
        json_builder_add_int_value (b, t->shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, offset);
      json_builder_add_int_value (b, offset + t->n * (gint64) t->element_size);
      json_builder_end_array (b);
      json_builder_end_object (b);
      offset += t->n * (gint64) t->element_size;
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * strata_safetensors_writer_write:
 *
 * Writes the file atomically: on failure the previous file at @path is untouched.
 */
gboolean
strata_safetensors_writer_write (StrataSafetensorsWriter *self,
                                 const char              *path,
                                 GError                 **error)
{
  g_autoptr(StrataAtomicFile) file = NULL;
  g_autofree char *header = build_header (self);
  gsize header_len = strlen (header);
  gsize padded = (header_len + 7) / 8 * 8;   /* so the data starts 8-aligned */
  g_autofree char *padding = g_strnfill (padded - header_len, ' ');
  guint8 size_bytes[8];

  for (int i = 0; i < 8; i++)
    size_bytes[i] = (guint8) ((guint64) padded >> (8 * i));

  file = strata_atomic_file_new (path, error);
  if (file == NULL ||
      !strata_atomic_file_write (file, size_bytes, 8, error) ||
      !strata_atomic_file_write (file, header, header_len, error) ||
      !strata_atomic_file_write (file, padding, padded - header_len, error))
    return FALSE;
  for (guint i = 0; i < self->tensors->len; i++)
    {
      PendingTensor *t = g_ptr_array_index (self->tensors, i);
      if (!strata_atomic_file_write (file, t->data, t->n * t->element_size, error))
        return FALSE;
    }
  return strata_atomic_file_commit (file, error);
}

/* strata-safetensors.h: read and write the safetensors format
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  STRATA_DTYPE_F32,
  STRATA_DTYPE_F16,
  STRATA_DTYPE_BF16,
  STRATA_DTYPE_F64,
  STRATA_DTYPE_I64,
  STRATA_DTYPE_I32,
  STRATA_DTYPE_I16,
  STRATA_DTYPE_I8,
  STRATA_DTYPE_U8,
  STRATA_DTYPE_U16,
  STRATA_DTYPE_U32,
  STRATA_DTYPE_U64,
  STRATA_DTYPE_BOOL,
  STRATA_DTYPE_OTHER,   /* a type we can skip but not convert, e.g. F8_E4M3 */
} StrataDtype;

#define STRATA_SAFETENSORS_MAX_RANK 8

typedef struct
{
  const char *name;
  StrataDtype dtype;
  int rank;
  gint64 shape[STRATA_SAFETENSORS_MAX_RANK];
  gint64 n_elements;
} StrataSafetensorsInfo;

typedef struct _StrataSafetensors StrataSafetensors;

StrataSafetensors *strata_safetensors_open         (const char                   *path,
                                                    GError                      **error);
void               strata_safetensors_close        (StrataSafetensors            *self);
guint              strata_safetensors_get_n_tensors (StrataSafetensors           *self);
const StrataSafetensorsInfo *
                   strata_safetensors_get_info     (StrataSafetensors            *self,
                                                    guint                         index);
const StrataSafetensorsInfo *
                   strata_safetensors_lookup       (StrataSafetensors            *self,
                                                    const char                   *name);
gboolean           strata_safetensors_read_f32     (StrataSafetensors            *self,
                                                    const char                   *name,
                                                    float                        *dst,
                                                    gint64                        n_elements,
                                                    GError                      **error);
const char        *strata_safetensors_get_metadata (StrataSafetensors            *self,
                                                    const char                   *key);

typedef struct _StrataSafetensorsWriter StrataSafetensorsWriter;

StrataSafetensorsWriter *strata_safetensors_writer_new          (void);
void                     strata_safetensors_writer_free         (StrataSafetensorsWriter *self);
void                     strata_safetensors_writer_add_f32      (StrataSafetensorsWriter *self,
                                                                 const char              *name,
                                                                 int                      rank,
                                                                 const gint64            *shape,
                                                                 const float             *data);
void                     strata_safetensors_writer_add_i64      (StrataSafetensorsWriter *self,
                                                                 const char              *name,
                                                                 int                      rank,
                                                                 const gint64            *shape,
                                                                 const gint64            *data);
void                     strata_safetensors_writer_set_metadata (StrataSafetensorsWriter *self,
                                                                 const char              *key,
                                                                 const char              *value);
gboolean                 strata_safetensors_writer_write        (StrataSafetensorsWriter *self,
                                                                 const char              *path,
                                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSafetensors, strata_safetensors_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSafetensorsWriter, strata_safetensors_writer_free)

G_END_DECLS

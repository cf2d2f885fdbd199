/* strata-op.h: the layer types a graph is made of, their parameters and shape rules
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-shape.h"

G_BEGIN_DECLS

typedef struct _StrataNode StrataNode;
typedef struct _StrataGraph StrataGraph;
typedef struct _StrataOpKernels StrataOpKernels;

typedef enum
{
  STRATA_PARAM_INT,      /* GVariant "i" */
  STRATA_PARAM_FLOAT,    /* GVariant "d" */
  STRATA_PARAM_BOOL,     /* GVariant "b" */
  STRATA_PARAM_ENUM,     /* GVariant "s", one of @choices */
  STRATA_PARAM_STRING,   /* GVariant "s" */
  STRATA_PARAM_INTS,     /* GVariant "ai" with @n_components entries, e.g. kernel_size */
  STRATA_PARAM_STRINGS,  /* GVariant "as", e.g. the class list */
} StrataParamKind;

/**
 * StrataParamSpec:
 * @name: the Keras config key, e.g. "filters"
 * @label: translatable label for the inspector (mark with N_())
 * @description: translatable tooltip
 * @kind: value type
 * @n_components: for %STRATA_PARAM_INTS, the number of entries
 * @min: smallest value (numbers and each entry of INTS)
 * @max: largest value
 * @choices: for %STRATA_PARAM_ENUM, a %NULL-terminated list of values
 * @default_value: the default in GVariant text format: "32", "'same'", "[3, 3]", "true"
 * @advanced: shown folded away in the inspector
 */
typedef struct
{
  const char *name;
  const char *label;
  const char *description;
  StrataParamKind kind;
  int n_components;
  double min;
  double max;
  const char *const *choices;
  const char *default_value;
  gboolean advanced;
} StrataParamSpec;

const GVariantType *strata_param_spec_get_variant_type (const StrataParamSpec *spec);
GVariant           *strata_param_spec_dup_default      (const StrataParamSpec *spec);
gboolean            strata_param_spec_check            (const StrataParamSpec *spec,
                                                        GVariant              *value,
                                                        GError               **error);

/**
 * StrataOpInfo:
 * @type: the Keras class name, e.g. "Conv2D"; also the type in project files
 * @category: palette category (see strata_op_categories())
 * @label: translatable display name
 * @description: translatable one-line description
 * @params: parameter specs
 * @n_params: length of @params
 * @min_inputs: fewest input ports
 * @max_inputs: most input ports (equal to @min_inputs for fixed arity)
 * @has_output: whether the node has an output port (Output has none)
 * @infer: computes the output shape from the input shapes, or sets a user-facing error
 * @count_params: number of weights (trainable unless frozen) and of state values that are never
 *   trained, such as BatchNormalization's moving statistics, given the input shapes
 * @kernels: how the plan runs it (engine-private)
 * @count_frozen: (nullable): for a layer that freezes part of itself (a pretrained backbone
 *   with its trainable_percent), how many of the weights that @count_params gives are frozen
 * @expand: (nullable): for a composite layer (a pretrained backbone): adds the layers it stands
 *   for to @graph, the first fed by @input_id (whose output has the shape @input), with ids
 *   "<node id>/<layer name>" and their trainable flags set, and returns the id of the last
 *   one (newly allocated), or %NULL with @error set. strata_graph_expand() uses it.
 *
 * One layer type. The table of all types is static; nodes point into it.
 */
typedef struct
{
  const char *type;
  const char *category;
  const char *label;
  const char *description;
  const StrataParamSpec *params;
  guint n_params;
  guint min_inputs;
  guint max_inputs;
  gboolean has_output;
  gboolean (*infer)        (const StrataNode  *node,
                            const StrataShape *inputs,
                            guint              n_inputs,
                            StrataShape       *output,
                            GError           **error);
  void     (*count_params) (const StrataNode  *node,
                            const StrataShape *inputs,
                            guint              n_inputs,
                            gint64            *n_weights,
                            gint64            *n_state);
  const StrataOpKernels *kernels;
  void     (*count_frozen) (const StrataNode  *node,
                            const StrataShape *inputs,
                            guint              n_inputs,
                            gint64            *n_frozen_weights);
  char    *(*expand)       (const StrataNode  *node,
                            const StrataShape *input,
                            StrataGraph       *graph,
                            const char        *input_id,
                            GError           **error);
} StrataOpInfo;

#define STRATA_OP_ERROR (strata_op_error_quark ())

typedef enum
{
  STRATA_OP_ERROR_UNKNOWN_TYPE,
  STRATA_OP_ERROR_BAD_PARAM,
  STRATA_OP_ERROR_SHAPE,
} StrataOpError;

GQuark                     strata_op_error_quark     (void);
const StrataOpInfo        *strata_op_lookup          (const char         *type);
const StrataOpInfo *const *strata_op_list            (guint              *n_ops);
const char *const         *strata_op_categories      (void);
const char                *strata_op_category_label  (const char         *category);
const StrataParamSpec     *strata_op_find_param      (const StrataOpInfo *op,
                                                      const char         *name);
char                      *strata_op_default_id_stem (const StrataOpInfo *op);

G_END_DECLS

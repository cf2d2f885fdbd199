/* strata-op-kernels.c: helpers shared by the op kernels
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"

gboolean
_strata_op_pd (StrataPlan                  *plan,
               const_dnnl_op_desc_t         desc,
               const_dnnl_primitive_attr_t  attr,
               const_dnnl_primitive_desc_t  hint,
               dnnl_primitive_desc_t       *pd,
               const char                  *what,
               GError                     **error)
{
  dnnl_primitive_attr_t own_attr = NULL;
  dnnl_status_t status;

  if (attr == NULL)
    attr = own_attr = _strata_plan_attr (plan);
  status = dnnl_primitive_desc_create (pd, desc, attr, _strata_plan_engine (plan), hint);
  if (own_attr)
    dnnl_primitive_attr_destroy (own_attr);
  return _strata_plan_check (status, what, error);
}

StrataPlanPrim *
_strata_op_prim (StrataPlan                  *plan,
                 const_dnnl_op_desc_t         desc,
                 const_dnnl_primitive_attr_t  attr,
                 const_dnnl_primitive_desc_t  hint,
                 dnnl_primitive_desc_t       *pd_out,
                 const char                  *what,
                 GError                     **error)
{
  dnnl_primitive_desc_t pd = NULL;
  StrataPlanPrim *prim;

  if (!_strata_op_pd (plan, desc, attr, hint, &pd, what, error))
    return NULL;
  prim = _strata_plan_prim_new (plan, pd, error);
  if (prim == NULL || pd_out == NULL)
    dnnl_primitive_desc_destroy (pd);
  else
    *pd_out = pd;
  return prim;
}

/*
 * Keras' "same" puts the odd row at the end, which is oneDNN's padding_r. A ZeroPadding2D
 * folded into the layer (in_pad) adds its rows on both sides: the window is then laid over
 * the padded size, as Keras lays it over the ZeroPadding2D's output.
 */
void
_strata_op_window_pads (StrataPlanLayer *layer,
                        int              axis,
                        int              window,
                        int              stride,
                        int              dilation,
                        gboolean         same,
                        dnnl_dim_t      *pad_l,
                        dnnl_dim_t      *pad_r)
{
  int extra_l = layer->in_pad[2 * axis], extra_r = layer->in_pad[2 * axis + 1];
  int before, after;

  strata_op_window_out_size (layer->inputs[0]->shape.dims[axis] + extra_l + extra_r, window,
                             stride, dilation, same, NULL, &before, &after);
  *pad_l = before + extra_l;
  *pad_r = after + extra_r;
}

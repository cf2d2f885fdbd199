/* strata-optimizer-kernels.c: one fused, vectorised pass per tensor for each optimizer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-optimizer"

#include "config.h"

#include <math.h>

#include "strata-optimizer-private.h"

/*
 * The update runs after every batch over every trainable weight, so it is bound by memory
 * bandwidth: each loop reads the weight, its gradient and its slots once and writes the
 * weight and slots once. The arithmetic follows TensorFlow's training_ops kernels (the
 * ResourceApply* ops tf.keras' legacy optimizers call) term by term, in float, so results
 * match tf.keras to a few ulps. The build passes -fno-math-errno so sqrtf vectorises.
 *
 * Below PARALLEL_MIN elements (biases, small kernels) a thread team costs more than it saves.
 */
#define PARALLEL_MIN 16384

/* SGD: ResourceApplyGradientDescent, or ResourceApplyKerasMomentum with a "momentum" slot. */
static void
apply_sgd (const StrataOptimizerCoeffs *c,
           float *restrict              var,
           const float *restrict        grad,
           float *restrict              accum,
           gint64                       n)
{
  const float lr = c->lr, mu = c->mu;

  if (!c->momentum)
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        var[i] -= grad[i] * lr;
    }
  else if (c->nesterov)
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float a = accum[i] * mu - grad[i] * lr;

          accum[i] = a;
          var[i] += a * mu - grad[i] * lr;
        }
    }
  else
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float a = accum[i] * mu - grad[i] * lr;

          accum[i] = a;
          var[i] += a;
        }
    }
}

/*
 * RMSprop. Keras has two code paths with different epsilon placement:
 *  - without momentum (Python in rmsprop.py): var -= lr·g / (√denom + ε)
 *  - with momentum (ResourceApply[Centered]RMSProp): mom = μ·mom + lr·g / √(denom + ε)
 * denom is the second moment, or for centered the second moment minus the squared mean.
 * In exact arithmetic the centered denominator is a variance (≥ 0); in float it can come out
 * a few ulps below 0 where Keras would produce NaN, so it is clamped at 0 (written as a
 * comparison, not fmaxf, which has NaN rules SIMD max lacks and so blocks vectorisation).
 */
static void
apply_rmsprop (const StrataOptimizerCoeffs *c,
               float *restrict              var,
               const float *restrict        grad,
               float *restrict              rms,
               float *restrict              mom,
               float *restrict              mg,
               gint64                       n)
{
  const float lr = c->lr, mu = c->mu, rho = c->rho, one_minus_rho = c->one_minus_rho;
  const float eps = c->epsilon;

  if (!c->momentum && !c->centered)
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float g = grad[i];
          float r = rho * rms[i] + one_minus_rho * (g * g);

          rms[i] = r;
          var[i] -= lr * g / (sqrtf (r) + eps);
        }
    }
  else if (!c->momentum)
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float g = grad[i];
          float r = rho * rms[i] + one_minus_rho * (g * g);
          float m = rho * mg[i] + one_minus_rho * g;
          float d = r - m * m;

          rms[i] = r;
          mg[i] = m;
          var[i] -= lr * g / (sqrtf (d < 0.0f ? 0.0f : d) + eps);
        }
    }
  else if (!c->centered)
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float g = grad[i];
          float r = rms[i] + (g * g - rms[i]) * one_minus_rho;
          float m = mom[i] * mu + (g * lr) / sqrtf (r + eps);

          rms[i] = r;
          mom[i] = m;
          var[i] -= m;
        }
    }
  else
    {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (gint64 i = 0; i < n; i++)
        {
          float g = grad[i];
          float r = rms[i] + (g * g - rms[i]) * one_minus_rho;
          float a = mg[i] + (g - mg[i]) * one_minus_rho;
          float d = r - a * a;
          float m = mom[i] * mu + (g * lr) / sqrtf ((d < 0.0f ? 0.0f : d) + eps);

          rms[i] = r;
          mg[i] = a;
          mom[i] = m;
          var[i] -= m;
        }
    }
}

/* Adagrad: ResourceApplyAdagradV2. */
static void
apply_adagrad (const StrataOptimizerCoeffs *c,
               float *restrict              var,
               const float *restrict        grad,
               float *restrict              accum,
               gint64                       n)
{
  const float lr = c->lr, eps = c->epsilon;

#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (gint64 i = 0; i < n; i++)
    {
      float g = grad[i];
      float a = accum[i] + g * g;

      accum[i] = a;
      var[i] -= g * lr / (sqrtf (a) + eps);
    }
}

/* Adadelta: ResourceApplyAdadelta; slots accum_grad and accum_var. */
static void
apply_adadelta (const StrataOptimizerCoeffs *c,
                float *restrict              var,
                const float *restrict        grad,
                float *restrict              accum,
                float *restrict              accum_update,
                gint64                       n)
{
  const float lr = c->lr, rho = c->rho, one_minus_rho = c->one_minus_rho, eps = c->epsilon;

#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (gint64 i = 0; i < n; i++)
    {
      float g = grad[i];
      float a = accum[i] * rho + g * g * one_minus_rho;
      float u = sqrtf (accum_update[i] + eps) / sqrtf (a + eps) * g;

      accum[i] = a;
      var[i] -= u * lr;
      accum_update[i] = accum_update[i] * rho + u * u * one_minus_rho;
    }
}

/* Adam: ResourceApplyAdam, epsilon-hat form: var -= α·m / (√v + ε̂). */
static void
apply_adam (const StrataOptimizerCoeffs *c,
            float *restrict              var,
            const float *restrict        grad,
            float *restrict              m,
            float *restrict              v,
            gint64                       n)
{
  const float alpha = c->alpha, eps = c->epsilon;
  const float one_minus_beta_1 = c->one_minus_beta_1, one_minus_beta_2 = c->one_minus_beta_2;

#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (gint64 i = 0; i < n; i++)
    {
      float g = grad[i];
      float mi = m[i] + (g - m[i]) * one_minus_beta_1;
      float vi = v[i] + (g * g - v[i]) * one_minus_beta_2;

      m[i] = mi;
      v[i] = vi;
      var[i] -= (mi * alpha) / (sqrtf (vi) + eps);
    }
}

/* Adamax: ResourceApplyAdaMax; v is the exponentially weighted infinity norm. */
static void
apply_adamax (const StrataOptimizerCoeffs *c,
              float *restrict              var,
              const float *restrict        grad,
              float *restrict              m,
              float *restrict              v,
              gint64                       n)
{
  const float alpha = c->alpha, eps = c->epsilon, beta_2 = c->beta_2;
  const float one_minus_beta_1 = c->one_minus_beta_1;

#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (gint64 i = 0; i < n; i++)
    {
      float g = grad[i];
      float mi = m[i] + (g - m[i]) * one_minus_beta_1;
      float decayed = beta_2 * v[i], ag = fabsf (g);
      float vi = ag > decayed ? ag : decayed;

      m[i] = mi;
      v[i] = vi;
      var[i] -= alpha * (mi / (vi + eps));
    }
}

/*
 * Nadam, Keras' legacy nadam.py with the momentum-cache schedule:
 *   m̄ = (1−μₜ)·g/(1−Πμ..ₜ) + μₜ₊₁·m/(1−Πμ..ₜ₊₁);  var -= lr·m̄ / (√(v/(1−β₂ᵗ)) + ε)
 * with the scalar quotients folded into nadam_g, nadam_m and nadam_v.
 */
static void
apply_nadam (const StrataOptimizerCoeffs *c,
             float *restrict              var,
             const float *restrict        grad,
             float *restrict              m,
             float *restrict              v,
             gint64                       n)
{
  const float lr = c->lr, eps = c->epsilon, beta_1 = c->beta_1, beta_2 = c->beta_2;
  const float one_minus_beta_1 = c->one_minus_beta_1, one_minus_beta_2 = c->one_minus_beta_2;
  const float kg = c->nadam_g, km = c->nadam_m, kv = c->nadam_v;

#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (gint64 i = 0; i < n; i++)
    {
      float g = grad[i];
      float mi = beta_1 * m[i] + one_minus_beta_1 * g;
      float vi = beta_2 * v[i] + one_minus_beta_2 * (g * g);
      float m_bar = kg * g + km * mi;

      m[i] = mi;
      v[i] = vi;
      var[i] -= lr * m_bar / (sqrtf (vi * kv) + eps);
    }
}

void
_strata_optimizer_apply (const StrataOptimizerCoeffs *c,
                         float                       *data,
                         const float                 *diff,
                         float                       *slot0,
                         float                       *slot1,
                         float                       *slot2,
                         gint64                       n)
{
  switch (c->kind)
    {
    case STRATA_OPTIMIZER_SGD:
      apply_sgd (c, data, diff, slot0, n);
      break;
    case STRATA_OPTIMIZER_RMSPROP:
      apply_rmsprop (c, data, diff, slot0, slot1, slot2, n);
      break;
    case STRATA_OPTIMIZER_ADAGRAD:
      apply_adagrad (c, data, diff, slot0, n);
      break;
    case STRATA_OPTIMIZER_ADADELTA:
      apply_adadelta (c, data, diff, slot0, slot1, n);
      break;
    case STRATA_OPTIMIZER_ADAM:
      apply_adam (c, data, diff, slot0, slot1, n);
      break;
    case STRATA_OPTIMIZER_ADAMAX:
      apply_adamax (c, data, diff, slot0, slot1, n);
      break;
    case STRATA_OPTIMIZER_NADAM:
      apply_nadam (c, data, diff, slot0, slot1, n);
      break;
    default:
      g_assert_not_reached ();
    }
}

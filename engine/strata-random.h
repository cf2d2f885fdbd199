/* strata-random.h: counter-based random numbers (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every random value in the engine is a pure function of a seed and what it is for — a tensor
 * and element, a layer and step, (seed, epoch) for a shuffle, (seed, epoch, image) for an
 * augmentation — never of a shared stream, so runs resume exactly, results do not depend on
 * which thread runs first, and tests can reproduce any value. The mixer is SplitMix64's
 * finaliser; tests/ and the exported Python re-implement it.
 */

#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

#define STRATA_GOLDEN_GAMMA G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

/* SplitMix64's finaliser: a bijection with good avalanche. */
static inline guint64
strata_mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Keyed values: a value per (seed, counter) ------------------------------------------------ */

/* A key for one stream: (seed, stream index). */
static inline guint64
strata_random_key (guint64 seed,
                   guint64 stream)
{
  return strata_mix64 (seed + STRATA_GOLDEN_GAMMA * (stream + 1));
}

/* The counter-th 64-bit value of a stream. */
static inline guint64
strata_random_bits (guint64 key,
                    guint64 counter)
{
  return strata_mix64 (key ^ (counter * STRATA_GOLDEN_GAMMA));
}

/* The counter-th value of a stream, uniform in [0, 1) with 53 bits. */
static inline double
strata_random_at (guint64 key,
                  guint64 counter)
{
  return (double) (strata_random_bits (key, counter) >> 11) * (1.0 / 9007199254740992.0);
}

/* Keys from two or three things a decision is about, such as (seed, epoch, image). */
static inline guint64
strata_key2 (guint64 a,
             guint64 b)
{
  return strata_mix64 (strata_mix64 (a) + STRATA_GOLDEN_GAMMA * (b + 1));
}

static inline guint64
strata_key3 (guint64 a,
             guint64 b,
             guint64 c)
{
  return strata_key2 (strata_key2 (a, b), c);
}

/* A generator started from a key, for the decisions of one image ------------------------- */

typedef struct
{
  guint64 state;
} StrataRandom;

static inline void
strata_random_init (StrataRandom *rng,
                    guint64       key)
{
  rng->state = strata_mix64 (key ^ G_GUINT64_CONSTANT (0x5851f42d4c957f2d));
}

static inline guint64
strata_random_next (StrataRandom *rng)
{
  rng->state += STRATA_GOLDEN_GAMMA;
  return strata_mix64 (rng->state);
}

/* uniform in [0, 1) with 53 random bits */
static inline double
strata_random_double (StrataRandom *rng)
{
  return (strata_random_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double
strata_random_uniform (StrataRandom *rng,
                       double        low,
                       double        high)
{
  return low + (high - low) * strata_random_double (rng);
}

/* uniform in [0, n), n > 0, without modulo bias worth mentioning for n < 2^32 */
static inline guint32
strata_random_below (StrataRandom *rng,
                     guint32       n)
{
  return (guint32) (((strata_random_next (rng) >> 32) * (guint64) n) >> 32);
}

/* Dropout masks ------------------------------------------------------------------------------ */

/* A 32-bit mixer (Chris Wellons' lowbias32): cheap enough to vectorise for Dropout. */
static inline guint32
strata_mix32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

/*
 * Whether Dropout keeps element @index (Keras order: sample, height, width, channel) of the
 * layer with key @key: the top 24 bits of two rounds of mixing against the rate.
 */
static inline gboolean
strata_dropout_keep (guint64 key,
                     guint32 index,
                     guint32 threshold)
{
  guint32 h = strata_mix32 (strata_mix32 (index + (guint32) key) ^ (guint32) (key >> 32));
  return (h >> 8) >= threshold;
}

static inline guint32
strata_dropout_threshold (double rate)
{
  return (guint32) llround (rate * 16777216.0);
}

G_END_DECLS

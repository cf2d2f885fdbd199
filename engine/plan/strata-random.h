/* strata-random.h: counter-based random numbers (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every random value in the engine is a pure function of a seed and the position it is for
 * (tensor and element, or layer and element), so that runs resume exactly and tests can
 * reproduce any value. The mixer is SplitMix64's finaliser; tests/ re-implement it in Python.
 */

#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

static inline guint64
strata_mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* A key for one stream: (seed, stream index). */
static inline guint64
strata_random_key (guint64 seed,
                   guint64 stream)
{
  return strata_mix64 (seed + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) * (stream + 1));
}

/* The counter-th 64-bit value of a stream. */
static inline guint64
strata_random_bits (guint64 key,
                    guint64 counter)
{
  return strata_mix64 (key ^ (counter * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
}

/* Uniform in [0, 1) with 53 bits. */
static inline double
strata_random_uniform (guint64 key,
                       guint64 counter)
{
  return (double) (strata_random_bits (key, counter) >> 11) * (1.0 / 9007199254740992.0);
}

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

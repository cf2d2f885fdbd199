/* strata-random.h: counter-based random numbers for reproducible data pipelines
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every random decision of the data pipeline comes from a generator keyed by what it is
 * about — (seed, epoch) for a shuffle, (seed, epoch, image) for an augmentation — never from
 * a shared stream, so results do not depend on which thread runs first. */

static inline guint64
strata_mix64 (guint64 x)
{
  /* splitmix64's finaliser: a bijection with good avalanche */
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

static inline guint64
strata_key2 (guint64 a,
             guint64 b)
{
  return strata_mix64 (strata_mix64 (a) + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) * (b + 1));
}

static inline guint64
strata_key3 (guint64 a,
             guint64 b,
             guint64 c)
{
  return strata_key2 (strata_key2 (a, b), c);
}

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
  rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
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

G_END_DECLS

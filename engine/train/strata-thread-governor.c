/* strata-thread-governor.c: the threads for the next batch, from how fast the last ones ran
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include "strata-thread-governor.h"

/*
 * On a desktop other programs take cores away and give them back while a model trains. With
 * fewer cores than threads, OpenMP's barriers make every thread wait for the one that is
 * descheduled, and two threads on one free core run slower than one. The governor keeps a
 * cost per unit of work (seconds per image) for each thread count it has run, and:
 *
 * - when the steps at the current count get slower than that count's best by SLOWER, tries
 *   one thread fewer (unless that count was measured just before); and tries it anyway once
 *   at the start and then rarely (DOWN_PROBE_*), for a machine that was busy from the start;
 * - every probe interval, tries one thread more, in case the machine got quiet again;
 * - after SETTLE batches at a count, moves to a neighbour measured in the last probe
 *   interval if that one was cheaper by BETTER, and otherwise stays.
 *
 * It is decided between batches, and the first batch after a change (which pays for
 * building the plans again) is not counted. The clock is the sum of the recorded times, so a
 * sequence of step times always gives the same decisions. A change costs a rebuild of the
 * plans; the probe interval grows so that rebuilds take at most a twentieth of the time.
 */

#define SETTLE 4                 /* batches counted at a count before deciding */
#define SLOWER 1.3               /* this much above a count's best is "slowed down" */
#define BETTER 0.92              /* a neighbour cheaper than this share of the cost wins */
#define MIN_PROBE_INTERVAL 10.0  /* seconds between tries of one thread more */
#define SWITCH_SHARE 20.0        /* the probe interval is at least this many switch costs */
#define DOWN_PROBE_SECONDS 60.0  /* one thread fewer is tried again after this long */
#define DOWN_PROBE_BATCHES 300   /* and this many batches: a quiet machine loses ~1 % */

typedef struct
{
  double cost;       /* seconds per unit of work, smoothed; < 0: never measured */
  double best;       /* the lowest smoothed cost seen */
  double seen_at;    /* the clock when it was last measured */
  guint64 seen_batch;
} Count;

struct _StrataThreadGovernor
{
  guint max_threads;
  guint threads;
  guint n_counted;       /* batches counted at @threads since the last change */
  gboolean skip_next;
  double clock;
  guint64 n_batches;
  double switch_cost;    /* the longest rebuild reported */
  guint switches;
  Count *counts;         /* [1 .. max_threads] */
};

/**
 * strata_thread_governor_new:
 * @max_threads: the most threads to use (the cores available, the user's limit); starts there
 */
StrataThreadGovernor *
strata_thread_governor_new (guint max_threads)
{
  StrataThreadGovernor *self = g_new0 (StrataThreadGovernor, 1);

  self->max_threads = MAX (max_threads, 1);
  self->threads = self->max_threads;
  self->skip_next = TRUE;   /* the first batch pays for warming up */
  self->counts = g_new (Count, self->max_threads + 1);
  for (guint t = 0; t <= self->max_threads; t++)
    self->counts[t] = (Count) { -1, G_MAXDOUBLE, -G_MAXDOUBLE, 0 };
  return self;
}

void
strata_thread_governor_free (StrataThreadGovernor *self)
{
  if (self == NULL)
    return;
  g_free (self->counts);
  g_free (self);
}

guint
strata_thread_governor_get_threads (StrataThreadGovernor *self)
{
  return self->threads;
}

/* Returns: how many times the thread count changed */
guint
strata_thread_governor_get_switches (StrataThreadGovernor *self)
{
  return self->switches;
}

/**
 * strata_thread_governor_add_switch_cost:
 * @seconds: what changing the thread count cost (building the plans again)
 */
void
strata_thread_governor_add_switch_cost (StrataThreadGovernor *self,
                                        double                seconds)
{
  self->switch_cost = MAX (self->switch_cost, seconds);
}

static double
probe_interval (StrataThreadGovernor *self)
{
  return MAX (MIN_PROBE_INTERVAL, SWITCH_SHARE * self->switch_cost);
}

static gboolean
recent (StrataThreadGovernor *self,
        guint                 threads)
{
  const Count *count = &self->counts[threads];

  return count->cost >= 0 && self->clock - count->seen_at <= probe_interval (self);
}

/* one thread fewer was not tried for long: perhaps the machine has been busy all along */
static gboolean
stale (StrataThreadGovernor *self,
       guint                 threads)
{
  const Count *count = &self->counts[threads];

  return count->cost < 0 ||
         (self->clock - count->seen_at > MAX (DOWN_PROBE_SECONDS, 6 * probe_interval (self)) &&
          self->n_batches - count->seen_batch > DOWN_PROBE_BATCHES);
}

static guint
change (StrataThreadGovernor *self,
        guint                 threads)
{
  self->threads = threads;
  self->n_counted = 0;
  self->skip_next = TRUE;
  self->switches++;
  return threads;
}

/**
 * strata_thread_governor_record:
 * @seconds: how long the batch took
 * @work: how much it did (its images)
 *
 * Returns: the threads to run the next batch with
 */
guint
strata_thread_governor_record (StrataThreadGovernor *self,
                               double                seconds,
                               double                work)
{
  guint t = self->threads;
  Count *count = &self->counts[t];
  double cost;

  if (!(seconds > 0) || !(work > 0))
    return t;
  self->clock += seconds;
  self->n_batches++;
  if (self->skip_next)
    {
      self->skip_next = FALSE;
      return t;
    }
  cost = seconds / work;
  count->cost = self->n_counted == 0 ? cost : 0.7 * count->cost + 0.3 * cost;
  count->seen_at = self->clock;
  count->seen_batch = self->n_batches;
  if (++self->n_counted < SETTLE)
    return t;
  count->best = MIN (count->best, count->cost);

  /* a neighbour just measured that ran cheaper: go there */
  if (t > 1 && recent (self, t - 1) && self->counts[t - 1].cost < BETTER * count->cost)
    return change (self, t - 1);
  if (t < self->max_threads && recent (self, t + 1) &&
      self->counts[t + 1].cost < BETTER * count->cost)
    return change (self, t + 1);

  /* slower than this count can be: another process took a core */
  if (t > 1 && ((count->cost > SLOWER * count->best && !recent (self, t - 1)) ||
                stale (self, t - 1)))
    return change (self, t - 1);

  /* fewer threads than allowed for a while: the machine may be quiet again */
  if (t < self->max_threads && !recent (self, t + 1))
    return change (self, t + 1);
  return t;
}

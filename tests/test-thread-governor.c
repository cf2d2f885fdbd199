/* test-thread-governor.c: the thread count follows synthetic step times; cgroup quotas
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-thread-governor.h"
#include "strata-threads.h"

/*
 * A synthetic machine with two cores, as measured (BENCHMARKS.md, "Under load"): a step takes
 * 40 ms on one thread and 21 ms on two when it is quiet; with another CPU-bound process one
 * thread still has a core to itself, but two threads wait at every barrier for the one that
 * was descheduled and take 6× as long.
 */
static double
step_time (guint threads,
           guint busy)
{
  if (threads == 1)
    return busy < 2 ? 0.040 : 0.060;
  return busy == 0 ? 0.021 : 0.021 * 6 * busy;
}

/* Runs @n batches with @busy competitors; returns the threads of the last one. */
static guint
run (StrataThreadGovernor *governor,
     guint                 n,
     guint                 busy,
     guint                *n_at_one)
{
  guint threads = strata_thread_governor_get_threads (governor);

  for (guint i = 0; i < n; i++)
    {
      if (n_at_one && threads == 1)
        (*n_at_one)++;
      threads = strata_thread_governor_record (governor, step_time (threads, busy), 64);
    }
  return threads;
}

static void
test_quiet_stays (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (2);
  guint at_one = 0;

  g_assert_cmpuint (strata_thread_governor_get_threads (governor), ==, 2);
  g_assert_cmpuint (run (governor, 4000, 0, &at_one), ==, 2);
  /* one thread is tried at the start and then every 300 batches (60 s here), briefly */
  g_assert_cmpuint (at_one, <=, 4000 / 100);
  g_assert_cmpuint (strata_thread_governor_get_switches (governor), <=, 2 * (1 + 4000 / 300));
}

/* A machine busy from the start: the first probe finds one thread better and stays. */
static void
test_busy_from_start (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (2);
  guint at_one = 0;

  run (governor, 1000, 1, &at_one);
  g_assert_cmpuint (at_one, >, 900);
}

static void
test_load_drops_and_returns (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (2);
  guint at_one = 0;

  run (governor, 50, 0, NULL);
  /* a competitor arrives: one thread, after a few batches, and mostly stays there */
  g_assert_cmpuint (run (governor, 10, 1, NULL), ==, 1);
  run (governor, 1000, 1, &at_one);
  g_assert_cmpuint (at_one, >, 900);
  g_assert_cmpuint (strata_thread_governor_get_threads (governor), ==, 1);

  /* quiet again: the next probe finds two threads faster and keeps them */
  run (governor, 400, 0, NULL);
  g_assert_cmpuint (strata_thread_governor_get_threads (governor), ==, 2);
  at_one = 0;
  run (governor, 400, 0, &at_one);
  g_assert_cmpuint (at_one, ==, 0);
}

static void
test_probes_are_rare (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (2);
  guint switches;

  run (governor, 20, 1, NULL);
  switches = strata_thread_governor_get_switches (governor);
  /* ~1,000 batches of 40 ms under load is 40 s: a probe of two threads every 10 s */
  run (governor, 1000, 1, NULL);
  g_assert_cmpuint (strata_thread_governor_get_switches (governor) - switches, <=, 2 * 5);

  /* plans that take 2 s to build: probes at most every 40 s */
  strata_thread_governor_add_switch_cost (governor, 2.0);
  switches = strata_thread_governor_get_switches (governor);
  run (governor, 1000, 1, NULL);
  g_assert_cmpuint (strata_thread_governor_get_switches (governor) - switches, <=, 2 * 2);
}

static void
test_same_sequence_same_decisions (void)
{
  g_autoptr(StrataThreadGovernor) a = strata_thread_governor_new (4);
  g_autoptr(StrataThreadGovernor) b = strata_thread_governor_new (4);

  for (guint i = 0; i < 3000; i++)
    {
      double seconds = 0.01 + 0.01 * ((i * 7919) % 13) / 13.0 + (i / 500 % 2) * 0.03;
      guint ta = strata_thread_governor_record (a, seconds, 32);
      guint tb = strata_thread_governor_record (b, seconds, 32);

      g_assert_cmpuint (ta, ==, tb);
      g_assert_cmpuint (ta, >=, 1);
      g_assert_cmpuint (ta, <=, 4);
    }
}

static void
test_bad_times_ignored (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (2);

  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpuint (strata_thread_governor_record (governor, 0, 64), ==, 2);
      g_assert_cmpuint (strata_thread_governor_record (governor, NAN, 64), ==, 2);
      g_assert_cmpuint (strata_thread_governor_record (governor, 0.1, 0), ==, 2);
    }
  g_assert_cmpuint (strata_thread_governor_get_switches (governor), ==, 0);
}

static void
test_one_thread_only (void)
{
  g_autoptr(StrataThreadGovernor) governor = strata_thread_governor_new (0);

  g_assert_cmpuint (strata_thread_governor_get_threads (governor), ==, 1);
  g_assert_cmpuint (run (governor, 200, 1, NULL), ==, 1);
  g_assert_cmpuint (strata_thread_governor_get_switches (governor), ==, 0);
}

static void
test_cpu_max (void)
{
  guint cpus = 99;

  g_assert_true (strata_threads_parse_cpu_max ("max 100000\n", &cpus));
  g_assert_cmpuint (cpus, ==, 0);
  g_assert_true (strata_threads_parse_cpu_max ("200000 100000\n", &cpus));
  g_assert_cmpuint (cpus, ==, 2);
  g_assert_true (strata_threads_parse_cpu_max ("150000 100000", &cpus));
  g_assert_cmpuint (cpus, ==, 2);   /* 1.5 cores: two threads, each busy 3/4 */
  g_assert_true (strata_threads_parse_cpu_max ("10000 100000", &cpus));
  g_assert_cmpuint (cpus, ==, 1);
  g_assert_false (strata_threads_parse_cpu_max ("", &cpus));
  g_assert_false (strata_threads_parse_cpu_max ("max", &cpus));
  g_assert_false (strata_threads_parse_cpu_max ("-5 100000", &cpus));
  g_assert_false (strata_threads_parse_cpu_max ("100 0", &cpus));
  g_assert_false (strata_threads_parse_cpu_max (NULL, &cpus));
  g_assert_cmpuint (cpus, ==, 0);
}

static void
test_limit (void)
{
  guint available = strata_threads_get_available ();

  g_assert_cmpuint (available, >=, 1);
  g_assert_cmpuint (available, <=, g_get_num_processors ());
  g_unsetenv ("OMP_NUM_THREADS");
  strata_threads_set_limit (0);
  g_assert_cmpuint (strata_threads_get_default (), ==, available);
  strata_threads_set_limit (1);
  g_assert_cmpuint (strata_threads_get_default (), ==, 1);
  strata_threads_set_limit (1000);
  g_assert_cmpuint (strata_threads_get_default (), ==, available);
  g_setenv ("OMP_NUM_THREADS", "1,1", TRUE);
  g_assert_cmpuint (strata_threads_get_default (), ==, 1);
  strata_threads_set_limit (0);

  g_assert_cmpuint (strata_threads_use (3), ==, 3);
  g_assert_cmpuint (strata_threads_get_current (), ==, 3);
  g_assert_cmpuint (strata_threads_use (0), ==, 1);
  g_assert_cmpuint (strata_threads_get_current (), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/thread-governor/quiet-stays", test_quiet_stays);
  g_test_add_func ("/thread-governor/busy-from-start", test_busy_from_start);
  g_test_add_func ("/thread-governor/load-drops-and-returns", test_load_drops_and_returns);
  g_test_add_func ("/thread-governor/probes-are-rare", test_probes_are_rare);
  g_test_add_func ("/thread-governor/same-sequence", test_same_sequence_same_decisions);
  g_test_add_func ("/thread-governor/bad-times", test_bad_times_ignored);
  g_test_add_func ("/thread-governor/one-thread", test_one_thread_only);
  g_test_add_func ("/threads/cpu-max", test_cpu_max);
  g_test_add_func ("/threads/limit", test_limit);
  return g_test_run ();
}

/* strata-threads.c: how many threads oneDNN and the kernels use, and how they wait
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* sched_getaffinity() and CPU_COUNT() */
#define _GNU_SOURCE

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <omp.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "strata-threads.h"

/*
 * oneDNN (Debian's 2.6) and Strata's own kernels run on libgomp. By default its threads spin
 * for about 3 ms at every barrier before they sleep: on a machine where another process
 * runs, the thread that is descheduled holds a barrier while its partner spins through its
 * whole time slice, and one competing process costs 3–13× instead of 2× (see BENCHMARKS.md,
 * "Under load"). A spin of about 0.1 ms still covers the short waits between oneDNN's
 * parallel loops on a quiet machine and gives the core away soon when it is shared.
 */

static guint limit;   /* the user's "at most N cores"; 0: all */

/**
 * strata_threads_init_wait_policy:
 * @argv: the program's arguments, as main() got them
 *
 * libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT once, in its own constructor, before
 * main() runs: setting them later changes nothing. So when the user set neither, this sets
 * GOMP_SPINCOUNT and executes the program again with the same arguments (the same process,
 * a few milliseconds). Call it first thing in main(). The user's own setting is kept; if the
 * program cannot be executed again it goes on with libgomp's default.
 */
void
strata_threads_init_wait_policy (char **argv)
{
  if (g_getenv ("OMP_WAIT_POLICY") != NULL || g_getenv ("GOMP_SPINCOUNT") != NULL)
    return;
  /* set even if the exec fails, so that no child program tries again */
  g_setenv ("GOMP_SPINCOUNT", STRATA_THREADS_SPIN_COUNT, TRUE);
  execv ("/proc/self/exe", argv);
  /* no /proc: the default policy, only slower under load */
}

/**
 * strata_threads_parse_cpu_max:
 * @text: the contents of a cgroup v2 cpu.max file, "QUOTA PERIOD" or "max PERIOD"
 * @cpus: (out): the cores the quota amounts to, rounded up; 0 when there is no quota
 *
 * Returns: whether @text could be read
 */
gboolean
strata_threads_parse_cpu_max (const char *text,
                              guint      *cpus)
{
  g_autofree char *line = g_strstrip (g_strdup (text ? text : ""));
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  guint64 quota, period;

  *cpus = 0;
  if (g_strv_length (fields) != 2 ||
      !g_ascii_string_to_unsigned (fields[1], 10, 1, G_MAXUINT32, &period, NULL))
    return FALSE;
  if (g_str_equal (fields[0], "max"))
    return TRUE;
  if (!g_ascii_string_to_unsigned (fields[0], 10, 1, G_MAXUINT64 / 2, &quota, NULL))
    return FALSE;
  *cpus = (guint) MAX (1, MIN ((quota + period - 1) / period, G_MAXUINT));
  return TRUE;
}

/* The tightest cpu.max on the way from the process's cgroup (v2) to the root; 0: none. */
static guint
cgroup_cpus (void)
{
  g_autofree char *self = NULL;
  g_autofree char *path = NULL;
  const char *line;
  guint best = 0;

  if (!g_file_get_contents ("/proc/self/cgroup", &self, NULL, NULL))
    return 0;
  /* v2's single hierarchy is the line "0::/some/path" */
  line = strstr (self, "0::/");
  if (line == NULL || (line != self && line[-1] != '\n'))
    return 0;
  path = g_strndup (line + 3, strcspn (line + 3, "\n"));
  for (;;)
    {
      g_autofree char *file = g_build_filename ("/sys/fs/cgroup", path, "cpu.max", NULL);
      g_autofree char *text = NULL;
      char *slash;
      guint cpus;

      if (g_file_get_contents (file, &text, NULL, NULL) &&
          strata_threads_parse_cpu_max (text, &cpus) && cpus > 0)
        best = best > 0 ? MIN (best, cpus) : cpus;
      slash = strrchr (path, '/');
      if (slash == NULL || slash == path)
        break;
      *slash = '\0';
    }
  return best;
}

/**
 * strata_threads_get_available:
 *
 * Returns: the cores this process may run on: its CPU affinity, bounded by its cgroup's CPU
 *   quota; at least 1
 */
guint
strata_threads_get_available (void)
{
  cpu_set_t set;
  guint n, quota;

  if (sched_getaffinity (0, sizeof set, &set) == 0)
    n = CPU_COUNT (&set);
  else
    n = g_get_num_processors ();
  quota = cgroup_cpus ();
  if (quota > 0)
    n = MIN (n, quota);
  return MAX (n, 1);
}

/**
 * strata_threads_set_limit:
 * @n_threads: the most threads to use (Preferences' "Use at most N cores", `--threads`);
 *   0 for as many as there are cores
 *
 * Takes effect where the next training, evaluation or prediction starts.
 */
void
strata_threads_set_limit (guint n_threads)
{
  g_atomic_int_set (&limit, n_threads);
}

guint
strata_threads_get_limit (void)
{
  return g_atomic_int_get (&limit);
}

/**
 * strata_threads_get_default:
 *
 * Returns: the threads a job starts with: the cores available, no more than the limit and
 *   than OMP_NUM_THREADS if the user set it
 */
guint
strata_threads_get_default (void)
{
  guint n = strata_threads_get_available ();
  guint user = strata_threads_get_limit ();
  const char *env = g_getenv ("OMP_NUM_THREADS");
  g_autofree char *first = env ? g_strndup (env, strcspn (env, ",")) : NULL;
  guint64 omp;

  if (user > 0)
    n = MIN (n, user);
  /* OMP_NUM_THREADS may be a list ("2,1") for nested levels: the first is the outer one */
  if (first != NULL && g_ascii_string_to_unsigned (first, 10, 1, G_MAXINT, &omp, NULL))
    n = MIN (n, (guint) omp);
  return n;
}

/**
 * strata_threads_use:
 * @n_threads: the threads parallel regions started from now on by the calling thread use
 *
 * OpenMP's thread count is a setting of each thread: call it on the thread that builds the
 * plans and runs them, before it builds them (a oneDNN primitive splits its work for the
 * thread count it was created with).
 *
 * Returns: the count set, at least 1
 */
guint
strata_threads_use (guint n_threads)
{
  n_threads = CLAMP (n_threads, 1, G_MAXINT);
  omp_set_num_threads ((int) n_threads);
  return n_threads;
}

guint
strata_threads_get_current (void)
{
  return (guint) omp_get_max_threads ();
}

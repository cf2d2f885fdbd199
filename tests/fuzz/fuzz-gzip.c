/* fuzz-gzip.c: a gzip stream, as the IDX source inflates the Fashion-MNIST files
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "strata-gzip.h"

/* The IDX source allows 2 GiB; the fuzzer's memory is smaller, and the limit is the same
 * code path at any size. */
#define MAX_SIZE (16 << 20)

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) compressed = g_bytes_new_static (data, size);
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  inflated = strata_gzip_inflate (compressed, "fuzz.gz", MAX_SIZE, &error);
  g_assert ((inflated == NULL) == (error != NULL));
  if (inflated)
    g_assert (g_bytes_get_size (inflated) <= MAX_SIZE);
  return 0;
}

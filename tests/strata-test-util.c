/* strata-test-util.c: building graphs and models in tests, .npy files
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strata-test-util.h"
#include "strata-random.h"

void
test_add (StrataGraph *graph,
          const char  *type,
          const char  *id,
          const char  *after)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strata_graph_add_node (graph, type, id, &error));
  g_assert_no_error (error);
  if (after)
    test_link (graph, after, id, 0);
}

void
test_link (StrataGraph *graph,
           const char  *src,
           const char  *dst,
           guint        port)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_graph_connect (graph, src, dst, port, &error));
  g_assert_no_error (error);
}

void
test_set (StrataGraph *graph,
          const char  *id,
          const char  *name,
          const char  *text)
{
  g_autoptr(GError) error = NULL;
  const StrataOpInfo *op = strata_node_get_op (strata_graph_get_node (graph, id));
  const StrataParamSpec *spec = strata_op_find_param (op, name);
  g_autoptr(GVariant) value = NULL;

  g_assert_nonnull (spec);
  value = g_variant_parse (strata_param_spec_get_variant_type (spec), text, NULL, NULL, &error);
  g_assert_no_error (error);
  strata_graph_set_param (graph, id, name, value, &error);
  g_assert_no_error (error);
}

/* The Keras-tutorial CNN of the example project. */
StrataGraph *
test_example_graph (void)
{
  StrataGraph *graph = strata_graph_new ();

  test_add (graph, "Input", "input", NULL);
  test_add (graph, "Conv2D", "conv2d", "input");
  test_add (graph, "Conv2D", "conv2d_1", "conv2d");
  test_set (graph, "conv2d_1", "filters", "64");
  test_add (graph, "MaxPooling2D", "max_pooling2d", "conv2d_1");
  test_add (graph, "Dropout", "dropout", "max_pooling2d");
  test_set (graph, "dropout", "rate", "0.25");
  test_add (graph, "Flatten", "flatten", "dropout");
  test_add (graph, "Dense", "dense", "flatten");
  test_add (graph, "Dropout", "dropout_1", "dense");
  test_add (graph, "Dense", "dense_1", "dropout_1");
  test_set (graph, "dense_1", "units", "10");
  test_set (graph, "dense_1", "activation", "'softmax'");
  test_add (graph, "Output", "output", "dense_1");
  return graph;
}

/* conv-BN-relu-conv-BN + shortcut, relu, global average pooling, dense (from logits). */
StrataGraph *
test_residual_graph (void)
{
  StrataGraph *graph = strata_graph_new ();

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", "12");
  test_set (graph, "input", "width", "12");
  test_set (graph, "input", "channels", "3");
  test_add (graph, "Conv2D", "stem", "input");
  test_set (graph, "stem", "filters", "16");
  test_set (graph, "stem", "padding", "'same'");
  test_add (graph, "Conv2D", "conv_a", "stem");
  test_set (graph, "conv_a", "filters", "16");
  test_set (graph, "conv_a", "padding", "'same'");
  test_set (graph, "conv_a", "activation", "'linear'");
  test_set (graph, "conv_a", "use_bias", "false");
  test_add (graph, "BatchNormalization", "bn_a", "conv_a");
  test_add (graph, "Activation", "relu_a", "bn_a");
  test_add (graph, "Conv2D", "conv_b", "relu_a");
  test_set (graph, "conv_b", "filters", "16");
  test_set (graph, "conv_b", "padding", "'same'");
  test_set (graph, "conv_b", "activation", "'linear'");
  test_set (graph, "conv_b", "use_bias", "false");
  test_add (graph, "BatchNormalization", "bn_b", "conv_b");
  test_add (graph, "Add", "add", "bn_b");
  test_link (graph, "stem", "add", 1);
  test_add (graph, "Activation", "relu_b", "add");
  test_add (graph, "GlobalAveragePooling2D", "gap", "relu_b");
  test_add (graph, "Dense", "logits", "gap");
  test_set (graph, "logits", "units", "5");
  test_set (graph, "logits", "activation", "'linear'");
  test_add (graph, "Output", "output", "logits");
  return graph;
}

/* Uniform in [−scale, scale), reproducible. */
void
test_fill_random (float   *values,
                  gsize    n,
                  guint64  seed,
                  float    scale)
{
  guint64 key = strata_random_key (seed, 12345);

  for (gsize i = 0; i < n; i++)
    values[i] = (2.0 * strata_random_at (key, i) - 1.0) * scale;
}

char *
test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* NumPy's .npy, version 1.0, little-endian float32, C order. */
gboolean
test_write_npy (const char   *path,
                const float  *values,
                int           rank,
                const gint64 *dims,
                GError      **error)
{
  g_autoptr(GString) header = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  gsize n = 1;
  guint16 len;

  for (int i = 0; i < rank; i++)
    {
      g_string_append_printf (header, "%" G_GINT64_FORMAT ",%s", dims[i],
                              i + 1 < rank ? " " : "");
      n *= dims[i];
    }
  g_string_append (header, "), }");
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  len = header->len;
  g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (bytes, (const guint8 *) &len, 2);
  g_byte_array_append (bytes, (const guint8 *) header->str, header->len);
  g_byte_array_append (bytes, (const guint8 *) values, n * sizeof (float));
  return g_file_set_contents (path, (const char *) bytes->data, bytes->len, error);
}

float *
test_read_npy (const char  *path,
               gsize       *n,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  guint16 header_len;
  float *values;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  g_assert_cmpint (length, >=, 10);
  g_assert_true (memcmp (contents, "\x93NUMPY\x01\x00", 8) == 0);
  memcpy (&header_len, contents + 8, 2);
  g_assert_nonnull (strstr (contents + 10, "'<f4'"));
  *n = (length - 10 - header_len) / sizeof (float);
  values = g_new (float, MAX (*n, 1));
  memcpy (values, contents + 10 + header_len, *n * sizeof (float));
  return values;
}

/**
 * test_http_server_start:
 * @dir: the folder to serve
 * @log: where the server appends the requests it gets
 *
 * Starts tests/zoo/http_server.py on 127.0.0.1. It serves until its standard input closes,
 * which at the latest is when the test exits.
 *
 * Returns: its port, or 0 when there is no /usr/bin/python3 to run it
 */
int
test_http_server_start (const char *dir,
                        const char *log)
{
  const char *srcdir = g_getenv ("STRATA_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "zoo", "http_server.py",
                                              NULL);
  char *argv[] = { (char *) "/usr/bin/python3", script, (char *) dir, (char *) log, NULL };
  g_autoptr(GError) error = NULL;
  char line[32] = "";
  int in, out;
  gssize n;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return 0;
  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &in, &out,
                            NULL, &error);
  g_assert_no_error (error);
  /* both pipes stay open: the server may still write, and it stops when @in closes */
  n = read (out, line, sizeof line - 1);
  if (n <= 0)
    return 0;
  line[n] = '\0';
  return atoi (line);
}

/**
 * test_skip_missing:
 * @what: the missing dependency, as the message names it ("python3-torch", "Fashion-MNIST")
 *
 * Skips the running test because something it needs is not installed. CI installs every
 * dependency (.ci/packages), so there (CI=true) the skip is a failure instead: a package
 * dropped from the list or renamed must not turn tests into silent skips.
 */
void
test_skip_missing (const char *what)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s is not installed, but CI installs it (.ci/packages)", what);
  else
    g_test_skip_printf ("%s is not installed", what);
}

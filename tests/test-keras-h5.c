/* test-keras-h5.c: the Keras .h5 reader, its checks and its helper process
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/keras_h5_fixtures.py writes small Keras-style files in each string style h5py has
 * written, and damaged ones: bytes flipped in the global heap that make libhdf5 1.10 crash,
 * abort or loop in H5Aread, and attributes and datasets of the wrong type. Good files must
 * read back exactly; every damaged one must give an error naming the problem while this
 * process lives on. Skipped (77) without python3-h5py.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "strata-atomic-file.h"
#include "strata-keras-h5-reader-private.h"
#include "strata-remove-tree.h"
#include "strata-safetensors.h"
#include "strata-test-util.h"
#include "strata-zoo-weights.h"

static char *fixtures;

static char *
fixture (const char *name)
{
  return g_build_filename (fixtures, name, NULL);
}

/* What keras_h5_fixtures.py's LAYERS and values() wrote */
static void
check_contents (StrataKerasH5 *h5)
{
  static const char *const layers[] = { "conv1", "flatten", "dense/top" };
  static const guint n_weights[] = { 2, 0, 2 };
  const StrataKerasH5Layer *layer;
  const StrataKerasH5Weight *w;

  g_assert_cmpuint (strata_keras_h5_get_n_layers (h5), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      layer = strata_keras_h5_get_layer (h5, i);
      g_assert_cmpstr (layer->name, ==, layers[i]);
      g_assert_cmpuint (layer->weights->len, ==, n_weights[i]);
    }
  g_assert_cmpstr (strata_keras_h5_get_attribute (h5, "keras_version"), ==, "2.11.0");
  g_assert_cmpstr (strata_keras_h5_get_attribute (h5, "backend"), ==, "tensorflow");

  layer = strata_keras_h5_get_layer (h5, 0);
  w = g_ptr_array_index (layer->weights, 0);
  g_assert_cmpstr (w->name, ==, "conv1/w0:0");
  g_assert_cmpint (w->rank, ==, 4);
  g_assert_cmpint (w->dims[0], ==, 3);
  g_assert_cmpint (w->dims[3], ==, 4);
  g_assert_cmpint (w->n_elements, ==, 108);
  layer = strata_keras_h5_get_layer (h5, 2);
  w = g_ptr_array_index (layer->weights, 0);
  g_assert_cmpstr (w->name, ==, "top/w0:0");
  g_assert_cmpint (w->rank, ==, 2);
  g_assert_cmpint (w->dims[0], ==, 36);
  g_assert_cmpint (w->dims[1], ==, 2);
}

static void
check_values (StrataKerasH5 *h5)
{
  for (guint l = 0; l < strata_keras_h5_get_n_layers (h5); l++)
    {
      const StrataKerasH5Layer *layer = strata_keras_h5_get_layer (h5, l);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);
          g_autofree float *values = g_new (float, weight->n_elements);
          g_autoptr(GError) error = NULL;

          g_assert_true (strata_keras_h5_read (h5, l, w, values, weight->n_elements, &error));
          g_assert_no_error (error);
          for (gint64 i = 0; i < weight->n_elements; i++)
            g_assert_cmpfloat (values[i], ==, i * 0.5f + l);
        }
    }
}

static void
test_good (gconstpointer data)
{
  g_autofree char *path = fixture (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataKerasH5) names = strata_keras_h5_open (path, STRATA_KERAS_H5_NAMES, &error);
  g_autoptr(StrataKerasH5) values = NULL;
  g_autoptr(StrataKerasH5) direct = NULL;

  g_assert_no_error (error);
  check_contents (names);
  values = strata_keras_h5_open (path, STRATA_KERAS_H5_VALUES, &error);
  g_assert_no_error (error);
  check_contents (values);
  check_values (values);
  /* the helper's own path, in this process: the same answer */
  direct = _strata_keras_h5_open_direct (path, &error);
  g_assert_no_error (error);
  check_contents (direct);
  check_values (direct);

  /* the answer as a file, where there is no memfd: streamed, read back the same */
  {
    g_autofree char *answer = fixture ("answer-file.safetensors");
    g_autoptr(StrataKerasH5) back = NULL;

    g_assert_true (_strata_keras_h5_write_safetensors (direct, answer, STRATA_KERAS_H5_VALUES,
                                                       &error));
    g_assert_no_error (error);
    back = _strata_keras_h5_open_safetensors (answer, "weights.h5", STRATA_KERAS_H5_VALUES,
                                              &error);
    g_assert_no_error (error);
    check_contents (back);
    check_values (back);
    g_unlink (answer);
  }
}

/* Flipped global-heap sizes: libhdf5 itself dies on these, in this process too. */
static void
test_library_crashes (gconstpointer data)
{
  g_autofree char *path = fixture (data);

  if (g_test_subprocess ())
    {
      /* what strata_keras_h5_open() did before it used the helper */
      g_autoptr(StrataKerasH5) h5 = _strata_keras_h5_open_direct (path, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static void
test_heap_crash (gconstpointer data)
{
  g_autofree char *path = fixture (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataKerasH5) h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_VALUES, &error);
  StrataZooProbe probe;

  g_assert_null (h5);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, data));
  g_assert_nonnull (strstr (error->message, "crashed"));

  /* the zoo's variant probe, which shape inference runs on every edit */
  g_assert_true (_strata_zoo_probe_file (path, STRATA_ZOO_RESNET50, &probe));
  g_assert_cmpint (probe.kind, ==, ZOO_FILE_KERAS_H5);
  g_assert_false (probe.has_variant);
}

static void
test_heap_hang (void)
{
  g_autofree char *path = fixture ("heap-hang.h5");
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataKerasH5) h5 = NULL;
  gint64 start = g_get_monotonic_time ();

  g_setenv ("STRATA_H5_READER_TIMEOUT", "2", TRUE);
  h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_NAMES, &error);
  g_unsetenv ("STRATA_H5_READER_TIMEOUT");
  g_assert_null (h5);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "longer than 2 seconds"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

typedef struct
{
  const char *file;
  const char *message;
} Damaged;

static const Damaged damaged[] = {
  { "int-names.h5", "the attribute “layer_names” is not text" },
  { "matrix-names.h5", "the attribute “layer_names” is not a list of names" },
  { "latin1-names.h5", "the attribute “layer_names” holds a name that is not UTF-8 text" },
  { "text-weight.h5", "the weight “kernel:0” of layer “dense” is not an array of numbers" },
  { "truncated.h5", "it may be cut short or damaged" },
};

/* Checked before HDF5 reads them: the same message from the helper and in this process. */
static void
test_checks (gconstpointer data)
{
  const Damaged *d = data;
  g_autofree char *path = fixture (d->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) direct_error = NULL;
  g_autoptr(StrataKerasH5) h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_VALUES, &error);
  g_autoptr(StrataKerasH5) direct = _strata_keras_h5_open_direct (path, &direct_error);

  g_assert_null (h5);
  g_assert_null (direct);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, d->file));
  g_assert_nonnull (strstr (error->message, d->message));
  g_assert_cmpstr (error->message, ==, direct_error->message);
}

static void
test_not_found (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataKerasH5) h5 = strata_keras_h5_open ("/nonexistent/weights.h5",
                                                      STRATA_KERAS_H5_NAMES, &error);

  g_assert_null (h5);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ);
}

static void
test_no_reader (void)
{
  g_autofree char *path = fixture ("vlen.h5");
  g_autofree char *saved = g_strdup (g_getenv ("STRATA_H5_READER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataKerasH5) h5 = NULL;

  g_setenv ("STRATA_H5_READER", "/nonexistent/strata-h5-reader", TRUE);
  h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_NAMES, &error);
  if (saved)
    g_setenv ("STRATA_H5_READER", saved, TRUE);
  else
    g_unsetenv ("STRATA_H5_READER");
  g_assert_null (h5);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "/nonexistent/strata-h5-reader"));
}

/* The helper's answer is checked too: a reply that is not what it writes is an error. */
static void
test_bad_answer (void)
{
  g_autofree char *path = fixture ("answer.safetensors");
  g_autoptr(StrataSafetensorsWriter) writer = strata_safetensors_writer_new ();
  static const float one = 1;
  static const char *const structures[] = {
    "[{\"name\": \"dense\", \"weights\": [{\"name\": \"k\", \"shape\": [2]}]}]",   /* shape */
    "[{\"name\": \"dense\", \"weights\": [{\"name\": \"k\", \"shape\": [-1]}]}]",
    "{\"name\": \"dense\"}",
    "[{\"name\": 3, \"weights\": []}]",
    "[{\"name\": \"dense\", \"weights\": [{\"name\": \"k\", \"shape\": [1]}]}, "
    "{\"name\": \"extra\", \"weights\": [{\"name\": \"k\", \"shape\": [1]}]}]",  /* no tensor */
    "not json",
  };
  gint64 shape[1] = { 1 };

  for (guint i = 0; i < G_N_ELEMENTS (structures); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataKerasH5) h5 = NULL;

      g_clear_pointer (&writer, strata_safetensors_writer_free);
      writer = strata_safetensors_writer_new ();
      strata_safetensors_writer_set_metadata (writer, "format", "strata-h5-reader/1");
      strata_safetensors_writer_set_metadata (writer, "structure", structures[i]);
      strata_safetensors_writer_add_f32 (writer, "0/0", 1, shape, &one);
      g_assert_true (strata_safetensors_writer_write (writer, path, NULL));
      h5 = _strata_keras_h5_open_safetensors (path, "weights.h5", STRATA_KERAS_H5_VALUES,
                                              &error);
      g_assert_null (h5);
      g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
    }
}

static gboolean
generate (void)
{
  const char *srcdir = g_getenv ("STRATA_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "keras_h5_fixtures.py",
                                              NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "/usr/bin/python3", script, fixtures, NULL };
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("keras_h5_fixtures.py failed:\n%s%s", out, err);
  return TRUE;
}

static void
test_skip (void)
{
  g_test_skip ("python3-h5py is missing");
}

int
main (int   argc,
      char *argv[])
{
  static const char *const good[] = { "vlen.h5", "fixed.h5", "full-model.h5", "float64.h5" };
  static const char *const heap[] = { "heap-crash.h5", "heap-abort.h5" };
  int status;

  g_test_init (&argc, &argv, NULL);
  /* the subprocesses of /keras-h5/library-crashes reuse the parent's fixtures */
  fixtures = g_getenv ("STRATA_KERAS_H5_FIXTURES")
             ? g_strdup (g_getenv ("STRATA_KERAS_H5_FIXTURES")) : test_tmpdir ();
  if (!g_test_subprocess ())
    {
      g_setenv ("STRATA_KERAS_H5_FIXTURES", fixtures, TRUE);
      if (!generate ())
        {
          g_test_add_func ("/keras-h5/skipped", test_skip);
          status = g_test_run ();
          strata_remove_tree (fixtures, NULL);
          return status;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *name = g_strdup_printf ("/keras-h5/good/%s", good[i]);
      g_test_add_data_func (name, good[i], test_good);
    }
  for (guint i = 0; i < G_N_ELEMENTS (heap); i++)
    {
      g_autofree char *crash = g_strdup_printf ("/keras-h5/library-crashes/%s", heap[i]);
      g_autofree char *name = g_strdup_printf ("/keras-h5/heap-crash/%s", heap[i]);
      g_test_add_data_func (crash, heap[i], test_library_crashes);
      g_test_add_data_func (name, heap[i], test_heap_crash);
    }
  g_test_add_func ("/keras-h5/heap-hang", test_heap_hang);
  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autofree char *name = g_strdup_printf ("/keras-h5/checks/%s", damaged[i].file);
      g_test_add_data_func (name, &damaged[i], test_checks);
    }
  g_test_add_func ("/keras-h5/not-found", test_not_found);
  g_test_add_func ("/keras-h5/no-reader", test_no_reader);
  g_test_add_func ("/keras-h5/bad-answer", test_bad_answer);
  status = g_test_run ();
  if (!g_test_subprocess ())
    strata_remove_tree (fixtures, NULL);
  return status;
}

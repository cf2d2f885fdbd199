/* test-optimizer.c: the seven optimizers against tf.keras' rules and torch.optim; resume
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "strata-optimizer.h"
#include "strata-test-util.h"

/*
 * The optimizer is tested on tensors built here, without StrataModel. Tolerance against the
 * references (float32 on both sides, the same formulas, scalars in double here and in Python
 * floats there): |strata − ref| ≤ 1e-5 |ref| + 1e-6 max|ref| for the values and slots, and
 * the displacement (final − initial) within 1e-4 of its largest element, so that an error in
 * a small update can't hide behind the weight's magnitude.
 */
#define RTOL 1e-5
#define N_STEPS 6

/* Tensors ------------------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  int rank;
  gint64 dims[4];
} Shape;

/* conv2d/kernel has more elements than the update's threading threshold, the others fewer. */
static const Shape test_shapes[] = {
  { "dense/kernel", 2, { 12, 20 } },
  { "dense/bias", 1, { 12 } },
  { "conv2d/kernel", 4, { 8, 4, 25, 25 } },
};

static StrataTensor *
random_tensor (const char   *name,
               int           rank,
               const gint64 *dims,
               gboolean      trainable,
               GRand        *rand)
{
  g_autofree char *layer = g_strndup (name, strcspn (name, "/"));
  StrataTensor *tensor = strata_tensor_new (name, layer, rank, dims, TRUE);

  tensor->trainable = trainable;
  for (gint64 i = 0; i < tensor->n; i++)
    tensor->data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);

  return tensor;
}

/* Gradients kept away from 0, so that the cases with ε = 0 never divide 0 by 0. */
static void
random_gradient (StrataTensor *tensor,
                 GRand        *rand)
{
  for (gint64 i = 0; i < tensor->n; i++)
    {
      double magnitude = g_rand_double_range (rand, 0.05, 1.0);

      tensor->diff[i] = (float) (g_rand_boolean (rand) ? magnitude : -magnitude);
    }
}

static StrataTensor *
copy_tensor (const StrataTensor *tensor)
{
  StrataTensor *copy = strata_tensor_new (tensor->name, tensor->layer, tensor->rank,
                                          tensor->dims, tensor->diff != NULL);

  copy->role = tensor->role;
  copy->trainable = tensor->trainable;
  memcpy (copy->data, tensor->data, (gsize) tensor->n * sizeof (float));
  if (tensor->diff != NULL)
    memcpy (copy->diff, tensor->diff, (gsize) tensor->n * sizeof (float));

  return copy;
}

static GPtrArray *
copy_tensors (GPtrArray *tensors)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);

  for (guint i = 0; i < tensors->len; i++)
    g_ptr_array_add (copy, copy_tensor (g_ptr_array_index (tensors, i)));

  return copy;
}

static GPtrArray *
test_params (GRand *rand)
{
  GPtrArray *params = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);
  static const gint64 frozen_dims[] = { 7, 5 };

  for (guint i = 0; i < G_N_ELEMENTS (test_shapes); i++)
    g_ptr_array_add (params, random_tensor (test_shapes[i].name, test_shapes[i].rank,
                                            test_shapes[i].dims, TRUE, rand));
  /* A frozen tensor, with a gradient, between the others: it must never change. */
  g_ptr_array_insert (params, 1, random_tensor ("frozen/kernel", 2, frozen_dims, FALSE, rand));

  return params;
}

/* .npy files ---------------------------------------------------------------------------------- */

static void
write_npy (const char   *path,
           const float  *data,
           int           rank,
           const gint64 *dims)
{
  g_autoptr(GString) header = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 n = 1;
  guint16 header_len;

  for (int i = 0; i < rank; i++)
    {
      g_string_append_printf (header, "%" G_GINT64_FORMAT ",%s", dims[i], i + 1 < rank ? " " : "");
      n *= dims[i];
    }
  g_string_append (header, "), }");
  /* magic (6) + version (2) + length (2) + header, padded with spaces to 64, ending in \n */
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');

  g_assert_cmpint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);
  header_len = GUINT16_TO_LE ((guint16) header->len);
  g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (bytes, (const guint8 *) &header_len, 2);
  g_byte_array_append (bytes, (const guint8 *) header->str, header->len);
  g_byte_array_append (bytes, (const guint8 *) data, (guint) (n * sizeof (float)));

  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
}

/* Reads a little-endian float32 C-order .npy of @n elements. */
static float *
read_npy (const char *path,
          gint64      n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  gsize length, offset;
  guint16 header_len;
  float *values;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 10);
  g_assert_cmpmem (contents, 6, "\x93NUMPY", 6);
  g_assert_cmpint (contents[6], ==, 1);   /* version 1.0: 16-bit header length */
  memcpy (&header_len, contents + 8, 2);
  header_len = GUINT16_FROM_LE (header_len);
  offset = 10 + header_len;
  header = g_strndup (contents + 10, header_len);
  g_assert_nonnull (strstr (header, "'descr': '<f4'"));
  g_assert_nonnull (strstr (header, "'fortran_order': False"));
  g_assert_cmpuint (length - offset, ==, (gsize) n * sizeof (float));

  values = g_new (float, MAX (n, 1));
  memcpy (values, contents + offset, (gsize) n * sizeof (float));

  return values;
}

static char *
npy_path (const char *dir,
          const char *case_id,
          const char *name,
          const char *what)
{
  g_autofree char *flat = g_strdup (name);
  g_autofree char *base = NULL;

  g_strdelimit (flat, "/", '.');
  base = g_strdup_printf ("%s--%s--%s.npy", case_id, flat, what);

  return g_build_filename (dir, base, NULL);
}

/* Comparisons --------------------------------------------------------------------------------- */

static double
max_abs (const float *values,
         gint64       n)
{
  double m = 0.0;

  for (gint64 i = 0; i < n; i++)
    m = MAX (m, fabs ((double) values[i]));

  return m;
}

static void
assert_close (const char  *what,
              const float *actual,
              const float *expected,
              gint64       n)
{
  double atol = 0.1 * RTOL * max_abs (expected, n);

  for (gint64 i = 0; i < n; i++)
    {
      double a = actual[i], e = expected[i];

      if (!(fabs (a - e) <= RTOL * fabs (e) + atol))
        g_error ("%s[%" G_GINT64_FORMAT "]: %.9g, expected %.9g (tolerance %.3g)",
                 what, i, a, e, RTOL * fabs (e) + atol);
    }
}

static void
assert_same_displacement (const char  *what,
                          const float *initial,
                          const float *actual,
                          const float *expected,
                          gint64       n)
{
  g_autofree float *moved = g_new (float, MAX (n, 1));
  double largest, worst = 0.0;

  for (gint64 i = 0; i < n; i++)
    moved[i] = expected[i] - initial[i];
  largest = max_abs (moved, n);
  g_assert_cmpfloat (largest, >, 0.0);

  for (gint64 i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) (actual[i] - initial[i]) - moved[i]));

  if (worst > 10 * RTOL * largest)
    g_error ("%s: the update differs by %.3g of its largest element", what, worst / largest);
}

/* The cases ----------------------------------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *name;
  double lr;
  gboolean vary_lr;        /* the lr given to each step falls, as a schedule would make it */
  double momentum;
  gboolean nesterov;
  gboolean centered;
  double decay;
  gboolean zero_epsilon;
  gboolean torch;          /* torch.optim computes the same maths: see optimizer-reference.py */
} OptimCase;

static const OptimCase cases[] = {
  { "sgd", "sgd", 0.1, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, TRUE },
  { "sgd-momentum", "sgd", 0.05, FALSE, 0.9, FALSE, FALSE, 0.0, FALSE, TRUE },
  { "sgd-nesterov", "sgd", 0.05, FALSE, 0.9, TRUE, FALSE, 0.0, FALSE, TRUE },
  { "sgd-nesterov-decay", "sgd", 0.05, TRUE, 0.9, TRUE, FALSE, 0.02, FALSE, FALSE },
  { "rmsprop", "rmsprop", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, TRUE },
  { "rmsprop-centered", "rmsprop", 0.01, FALSE, 0.0, FALSE, TRUE, 0.0, FALSE, TRUE },
  { "rmsprop-momentum-eps0", "rmsprop", 0.01, FALSE, 0.9, FALSE, FALSE, 0.0, TRUE, TRUE },
  { "rmsprop-momentum", "rmsprop", 0.01, TRUE, 0.9, FALSE, FALSE, 0.02, FALSE, FALSE },
  { "rmsprop-centered-momentum", "rmsprop", 0.01, TRUE, 0.5, FALSE, TRUE, 0.02, FALSE, FALSE },
  { "adagrad", "adagrad", 0.1, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, TRUE },
  { "adadelta", "adadelta", 1.0, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, TRUE },
  { "adam", "adam", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, FALSE },
  { "adam-eps0", "adam", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, TRUE, TRUE },
  { "adamax", "adamax", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, FALSE },
  { "adamax-eps0", "adamax", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, TRUE, TRUE },
  { "nadam", "nadam", 0.01, FALSE, 0.0, FALSE, FALSE, 0.0, FALSE, TRUE },
  { "nadam-decay", "nadam", 0.01, TRUE, 0.0, FALSE, FALSE, 0.02, FALSE, TRUE },
};

static void
case_config (const OptimCase       *c,
             StrataOptimizerConfig *config)
{
  strata_optimizer_config_init (config, c->name);
  config->momentum = c->momentum;
  config->nesterov = c->nesterov;
  config->centered = c->centered;
  config->decay = c->decay;
  if (c->zero_epsilon)
    config->epsilon = 0.0;
}

static double
case_lr (const OptimCase *c,
         int              step)
{
  return c->vary_lr ? c->lr * (1.0 - 0.1 * step) : c->lr;
}

/* What a case needs kept between writing the inputs and reading the references. */
typedef struct
{
  GPtrArray *initial;      /* StrataTensor*, the values before the first step */
  GPtrArray *grads;        /* float*, N_STEPS × n per tensor of initial */
} CaseData;

static char *reference_dir;
static CaseData case_data[G_N_ELEMENTS (cases)];
static gboolean reference_ran;
static gboolean reference_skipped;

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
write_inputs (const char *dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "cases.json", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260311);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cases");
  json_builder_begin_array (builder);

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const OptimCase *c = &cases[k];
      CaseData *data = &case_data[k];
      StrataOptimizerConfig config;

      case_config (c, &config);
      data->initial = test_params (rand);
      data->grads = g_ptr_array_new_with_free_func (g_free);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, c->id);
      json_builder_set_member_name (builder, "torch");
      json_builder_add_boolean_value (builder, c->torch);

      json_builder_set_member_name (builder, "config");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, config.name);
      add_number (builder, "momentum", config.momentum);
      json_builder_set_member_name (builder, "nesterov");
      json_builder_add_boolean_value (builder, config.nesterov);
      json_builder_set_member_name (builder, "centered");
      json_builder_add_boolean_value (builder, config.centered);
      add_number (builder, "rho", config.rho);
      add_number (builder, "beta_1", config.beta_1);
      add_number (builder, "beta_2", config.beta_2);
      add_number (builder, "epsilon", config.epsilon);
      add_number (builder, "decay", config.decay);
      add_number (builder, "initial_accumulator", config.initial_accumulator);
      add_number (builder, "schedule_decay", config.schedule_decay);
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "lrs");
      json_builder_begin_array (builder);
      for (int s = 0; s < N_STEPS; s++)
        json_builder_add_double_value (builder, case_lr (c, s));
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "params");
      json_builder_begin_array (builder);
      for (guint i = 0; i < data->initial->len; i++)
        {
          StrataTensor *t = g_ptr_array_index (data->initial, i);
          float *grads = g_new (float, N_STEPS * t->n);
          gint64 grad_dims[5] = { N_STEPS };
          g_autofree char *data_path = npy_path (dir, c->id, t->name, "data");
          g_autofree char *grads_path = npy_path (dir, c->id, t->name, "grads");

          for (int s = 0; s < N_STEPS; s++)
            {
              random_gradient (t, rand);
              memcpy (grads + s * t->n, t->diff, (gsize) t->n * sizeof (float));
            }
          g_ptr_array_add (data->grads, grads);

          if (!t->trainable)
            continue;

          memcpy (grad_dims + 1, t->dims, sizeof t->dims);
          write_npy (data_path, t->data, t->rank, t->dims);
          write_npy (grads_path, grads, t->rank + 1, grad_dims);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, t->name);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

/* Runs optimizer-reference.py once for all cases; FALSE (test skipped) without torch. */
static gboolean
ensure_reference (void)
{
  const char *srcdir = g_getenv ("STRATA_TEST_SRCDIR");
  const char *python = g_getenv ("STRATA_TEST_PYTHON");
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (reference_ran)
    {
      if (reference_skipped)
        test_skip_missing ("python3 with torch and numpy (the reference)");
      return !reference_skipped;
    }
  reference_ran = TRUE;

  if (python == NULL)
    python = "/usr/bin/python3";
  script = g_build_filename (srcdir != NULL ? srcdir : ".", "optimizer-reference.py", NULL);
  if (!g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      reference_skipped = TRUE;
      test_skip_missing ("/usr/bin/python3 (the reference)");
      return FALSE;
    }

  reference_dir = g_dir_make_tmp ("strata-optimizer-XXXXXX", &error);
  g_assert_no_error (error);
  write_inputs (reference_dir);

  {
    const char *argv[] = { python, script, reference_dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &status, &error);
    g_assert_no_error (error);
  }

  if (!g_spawn_check_wait_status (status, &error))
    {
      if (g_error_matches (error, G_SPAWN_EXIT_ERROR, 77))
        {
          reference_skipped = TRUE;
          test_skip_missing ("python3 with torch and numpy (the reference)");
          return FALSE;
        }
      g_error ("optimizer-reference.py failed: %s\n%s", error->message, err);
    }

  return TRUE;
}

/* Runs case @k in Strata on copies of its inputs; returns the tensors after N_STEPS. */
static GPtrArray *
run_case (guint              k,
          StrataOptimizer  **optimizer_out)
{
  const OptimCase *c = &cases[k];
  CaseData *data = &case_data[k];
  g_autoptr(GPtrArray) params = copy_tensors (data->initial);
  g_autoptr(GError) error = NULL;
  StrataOptimizerConfig config;
  StrataOptimizer *optimizer;

  case_config (c, &config);
  optimizer = strata_optimizer_new_for_tensors (&config, params, &error);
  g_assert_no_error (error);

  for (int s = 0; s < N_STEPS; s++)
    {
      for (guint i = 0; i < params->len; i++)
        {
          StrataTensor *t = g_ptr_array_index (params, i);
          const float *grads = g_ptr_array_index (data->grads, i);

          memcpy (t->diff, grads + s * t->n, (gsize) t->n * sizeof (float));
        }
      strata_optimizer_step (optimizer, case_lr (c, s));
    }
  g_assert_cmpint (strata_optimizer_get_iterations (optimizer), ==, N_STEPS);

  *optimizer_out = optimizer;
  return g_steal_pointer (&params);
}

static void
test_keras_reference (void)
{
  if (!ensure_reference ())
    return;

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const OptimCase *c = &cases[k];
      g_autoptr(StrataOptimizer) optimizer = NULL;
      g_autoptr(GPtrArray) params = run_case (k, &optimizer);
      GPtrArray *slots = strata_optimizer_get_slots (optimizer);

      g_test_message ("%s: %u slots", c->id, slots->len);

      for (guint i = 0; i < params->len; i++)
        {
          StrataTensor *t = g_ptr_array_index (params, i);
          StrataTensor *t0 = g_ptr_array_index (case_data[k].initial, i);
          g_autofree char *path = npy_path (reference_dir, c->id, t->name, "keras");
          g_autofree char *what = g_strdup_printf ("%s %s", c->id, t->name);
          g_autofree float *expected = NULL;

          if (!t->trainable)
            {
              /* Frozen: not one bit changed. */
              g_assert_cmpmem (t->data, t->n * sizeof (float), t0->data, t0->n * sizeof (float));
              continue;
            }

          expected = read_npy (path, t->n);
          assert_close (what, t->data, expected, t->n);
          assert_same_displacement (what, t0->data, t->data, expected, t->n);
        }

      for (guint i = 0; i < slots->len; i++)
        {
          StrataTensor *slot = g_ptr_array_index (slots, i);
          g_autofree char *path = npy_path (reference_dir, c->id, slot->name, "keras");
          g_autofree char *what = g_strdup_printf ("%s %s", c->id, slot->name);
          g_autofree float *expected = NULL;

          g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
          expected = read_npy (path, slot->n);
          assert_close (what, slot->data, expected, slot->n);
        }
    }
}

static void
test_torch_reference (void)
{
  guint n_compared = 0;

  if (!ensure_reference ())
    return;

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const OptimCase *c = &cases[k];
      g_autoptr(StrataOptimizer) optimizer = NULL;
      g_autoptr(GPtrArray) params = NULL;

      if (!c->torch)
        continue;

      params = run_case (k, &optimizer);
      for (guint i = 0; i < params->len; i++)
        {
          StrataTensor *t = g_ptr_array_index (params, i);
          StrataTensor *t0 = g_ptr_array_index (case_data[k].initial, i);
          g_autofree char *path = npy_path (reference_dir, c->id, t->name, "torch");
          g_autofree char *what = g_strdup_printf ("%s %s (torch.optim)", c->id, t->name);
          g_autofree float *expected = NULL;

          if (!t->trainable)
            continue;

          expected = read_npy (path, t->n);
          assert_close (what, t->data, expected, t->n);
          assert_same_displacement (what, t0->data, t->data, expected, t->n);
        }
      n_compared++;
    }

  /* Every optimizer has a case where torch.optim agrees. */
  g_assert_cmpuint (n_compared, >=, 7);
}

/* Without the references ---------------------------------------------------------------------- */

static void
test_defaults (void)
{
  const char *const *names = strata_optimizer_names ();
  StrataOptimizerConfig config;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 7);
  g_assert_cmpfloat (strata_optimizer_default_lr ("sgd"), ==, 0.01);
  g_assert_cmpfloat (strata_optimizer_default_lr ("nadam"), ==, 0.001);
  g_assert_cmpfloat (strata_optimizer_default_lr ("SGD"), ==, 0.01);
  g_assert_cmpfloat (strata_optimizer_default_lr ("lbfgs"), ==, 0.0);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_assert_cmpfloat (strata_optimizer_default_lr (names[i]), >, 0.0);
      strata_optimizer_config_init (&config, names[i]);
      g_assert_cmpstr (config.name, ==, names[i]);
      g_assert_cmpfloat (config.epsilon, ==, 1e-7);
      g_assert_cmpfloat (config.momentum, ==, 0.0);
      g_assert_cmpfloat (config.decay, ==, 0.0);
      g_assert_false (config.nesterov);
      g_assert_false (config.centered);
      g_assert_cmpfloat (config.beta_1, ==, 0.9);
      g_assert_cmpfloat (config.beta_2, ==, 0.999);
      g_assert_cmpfloat (config.initial_accumulator, ==, 0.1);
      g_assert_cmpfloat (config.schedule_decay, ==, 0.004);
      g_assert_cmpfloat (config.rho, ==, strcmp (names[i], "adadelta") == 0 ? 0.95 : 0.9);
    }
}

static void
expect_config_error (StrataOptimizerConfig *config,
                     GPtrArray             *params,
                     int                    code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataOptimizer) optimizer = strata_optimizer_new_for_tensors (config, params,
                                                                           &error);

  g_assert_null (optimizer);
  g_assert_error (error, STRATA_OPTIMIZER_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
test_bad_config (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GPtrArray) params = test_params (rand);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  StrataOptimizerConfig config;

  strata_optimizer_config_init (&config, "lbfgs");
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_UNKNOWN);

  strata_optimizer_config_init (&config, "sgd");
  config.momentum = 1.5;
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);

  strata_optimizer_config_init (&config, "adam");
  config.beta_1 = 1.0;
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);

  strata_optimizer_config_init (&config, "rmsprop");
  config.epsilon = -1e-7;
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);

  strata_optimizer_config_init (&config, "adagrad");
  config.decay = NAN;
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);

  strata_optimizer_config_init (&config, "adagrad");
  config.initial_accumulator = -0.1;
  expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);

  /* A trainable tensor without a gradient */
  strata_optimizer_config_init (&config, "adam");
  {
    StrataTensor *t = g_ptr_array_index (params, 0);
    float *diff = g_steal_pointer (&t->diff);

    expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);
    t->diff = diff;
  }

  /* Two tensors of one name would have slots of one name. */
  {
    StrataTensor *t = g_ptr_array_index (params, 2);
    char *name = t->name;

    t->name = g_strdup ("dense/kernel");
    expect_config_error (&config, params, STRATA_OPTIMIZER_ERROR_INVALID);
    g_free (t->name);
    t->name = name;
  }

  /* Keras' class names are accepted, and nothing to train is not an error. */
  strata_optimizer_config_init (&config, "RMSprop");
  {
    g_autoptr(StrataOptimizer) optimizer = strata_optimizer_new_for_tensors (&config, empty,
                                                                             &error);

    g_assert_no_error (error);
    g_assert_cmpstr (strata_optimizer_get_config (optimizer)->name, ==, "rmsprop");
    g_assert_cmpuint (strata_optimizer_get_slots (optimizer)->len, ==, 0);
    strata_optimizer_step (optimizer, 0.001);
    g_assert_cmpint (strata_optimizer_get_iterations (optimizer), ==, 1);
  }
}

static StrataOptimizer *
make_optimizer (const char *name,
                double      momentum,
                gboolean    centered,
                GPtrArray  *params)
{
  g_autoptr(GError) error = NULL;
  StrataOptimizerConfig config;
  StrataOptimizer *optimizer;

  strata_optimizer_config_init (&config, name);
  config.momentum = momentum;
  config.centered = centered;
  optimizer = strata_optimizer_new_for_tensors (&config, params, &error);
  g_assert_no_error (error);

  return optimizer;
}

static void
test_slots (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GPtrArray) params = test_params (rand);
  static const struct {
    const char *name;
    double momentum;
    gboolean centered;
    const char *slots;
  } expected[] = {
    { "sgd", 0.0, FALSE, "" },
    { "sgd", 0.9, FALSE, "momentum" },
    { "rmsprop", 0.0, FALSE, "rms" },
    { "rmsprop", 0.9, TRUE, "rms momentum mg" },
    { "adagrad", 0.0, FALSE, "accumulator" },
    { "adadelta", 0.0, FALSE, "accum_grad accum_var" },
    { "adam", 0.0, FALSE, "m v" },
    { "adamax", 0.0, FALSE, "m v" },
    { "nadam", 0.0, FALSE, "m v" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (expected); k++)
    {
      g_autoptr(StrataOptimizer) optimizer = make_optimizer (expected[k].name,
                                                             expected[k].momentum,
                                                             expected[k].centered, params);
      g_auto(GStrv) kinds = g_strsplit (expected[k].slots, " ", -1);
      GPtrArray *slots = strata_optimizer_get_slots (optimizer);
      guint n_kinds = expected[k].slots[0] != '\0' ? g_strv_length (kinds) : 0;
      guint n_trained = G_N_ELEMENTS (test_shapes);

      g_assert_cmpuint (strata_optimizer_get_params (optimizer)->len, ==, n_trained);
      g_assert_cmpuint (slots->len, ==, n_kinds * n_trained);

      /* Keras' order: every weight's first slot, then every weight's second … */
      for (guint s = 0; s < slots->len; s++)
        {
          StrataTensor *slot = g_ptr_array_index (slots, s);
          const Shape *shape = &test_shapes[s % n_trained];
          g_autofree char *name = g_strdup_printf ("%s/%s", kinds[s / n_trained], shape->name);
          float init = strcmp (expected[k].name, "adagrad") == 0 ? 0.1f : 0.0f;

          g_assert_cmpstr (slot->name, ==, name);
          g_assert_cmpint (slot->rank, ==, shape->rank);
          g_assert_cmpmem (slot->dims, shape->rank * sizeof (gint64),
                           shape->dims, shape->rank * sizeof (gint64));
          g_assert_cmpint (slot->role, ==, STRATA_TENSOR_STATE);
          g_assert_false (slot->trainable);
          g_assert_null (slot->diff);
          g_assert_cmpuint ((guintptr) slot->data % 64, ==, 0);
          g_assert_cmpstr (slot->layer, ==, strcmp (shape->name, "dense/bias") == 0
                                            || strcmp (shape->name, "dense/kernel") == 0
                                            ? "dense" : "conv2d");
          for (gint64 i = 0; i < slot->n; i++)
            g_assert_cmpfloat (slot->data[i], ==, init);
        }
    }
}

static void
test_decayed_lr (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(GPtrArray) params = test_params (rand);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataOptimizer) optimizer = NULL;
  StrataOptimizerConfig config;

  strata_optimizer_config_init (&config, "sgd");
  config.decay = 0.5;
  optimizer = strata_optimizer_new_for_tensors (&config, params, &error);
  g_assert_no_error (error);

  /* iterations before the increment: the first step runs at the full rate */
  g_assert_cmpfloat (strata_optimizer_get_decayed_lr (optimizer, 0.1), ==, 0.1);
  strata_optimizer_step (optimizer, 0.1);
  strata_optimizer_step (optimizer, 0.1);
  g_assert_cmpfloat_with_epsilon (strata_optimizer_get_decayed_lr (optimizer, 0.1),
                                  0.1 / (1 + 0.5 * 2), 1e-15);
}

/* Resume: N steps == k steps, save, restore into a fresh optimizer, N − k steps ------------ */

static void
fill_gradients (GPtrArray *params,
                guint      step)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000 + step);

  for (guint i = 0; i < params->len; i++)
    random_gradient (g_ptr_array_index (params, i), rand);
}

static void
test_resume_bit_exact (void)
{
  static const struct {
    const char *name;
    double momentum;
    gboolean nesterov;
    gboolean centered;
    double decay;
  } variants[] = {
    { "sgd", 0.0, FALSE, FALSE, 0.01 },
    { "sgd", 0.9, TRUE, FALSE, 0.01 },
    { "rmsprop", 0.0, FALSE, FALSE, 0.01 },
    { "rmsprop", 0.9, FALSE, TRUE, 0.01 },
    { "adagrad", 0.0, FALSE, FALSE, 0.01 },
    { "adadelta", 0.0, FALSE, FALSE, 0.01 },
    { "adam", 0.0, FALSE, FALSE, 0.01 },
    { "adamax", 0.0, FALSE, FALSE, 0.01 },
    { "nadam", 0.0, FALSE, FALSE, 0.01 },
  };
  const guint n_steps = 9, k_steps = 4;

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (7 + v);
      g_autoptr(GPtrArray) straight = test_params (rand);
      g_autoptr(GPtrArray) resumed = NULL;
      g_autoptr(GPtrArray) saved_slots = NULL;
      g_autoptr(StrataOptimizer) a = NULL;
      g_autoptr(StrataOptimizer) b = NULL;
      g_autoptr(StrataOptimizer) c = NULL;
      g_autoptr(GError) error = NULL;
      StrataOptimizerConfig config;
      gint64 saved_iterations;

      strata_optimizer_config_init (&config, variants[v].name);
      config.momentum = variants[v].momentum;
      config.nesterov = variants[v].nesterov;
      config.centered = variants[v].centered;
      config.decay = variants[v].decay;

      /* The run that is interrupted after k steps and saved */
      resumed = copy_tensors (straight);
      b = strata_optimizer_new_for_tensors (&config, resumed, &error);
      g_assert_no_error (error);
      for (guint s = 0; s < k_steps; s++)
        {
          fill_gradients (resumed, s);
          strata_optimizer_step (b, 0.01 * (1.0 - 0.05 * s));
        }
      saved_iterations = strata_optimizer_get_iterations (b);
      saved_slots = copy_tensors (strata_optimizer_get_slots (b));
      g_clear_pointer (&b, strata_optimizer_free);

      /* A fresh optimizer over the saved weights, restored, takes the remaining steps. */
      c = strata_optimizer_new_for_tensors (&config, resumed, &error);
      g_assert_no_error (error);
      g_assert_true (strata_optimizer_restore (c, saved_iterations, saved_slots, &error));
      g_assert_no_error (error);
      g_assert_cmpint (strata_optimizer_get_iterations (c), ==, k_steps);
      for (guint s = k_steps; s < n_steps; s++)
        {
          fill_gradients (resumed, s);
          strata_optimizer_step (c, 0.01 * (1.0 - 0.05 * s));
        }

      /* The uninterrupted run */
      a = strata_optimizer_new_for_tensors (&config, straight, &error);
      g_assert_no_error (error);
      for (guint s = 0; s < n_steps; s++)
        {
          fill_gradients (straight, s);
          strata_optimizer_step (a, 0.01 * (1.0 - 0.05 * s));
        }

      for (guint i = 0; i < straight->len; i++)
        {
          StrataTensor *x = g_ptr_array_index (straight, i);
          StrataTensor *y = g_ptr_array_index (resumed, i);

          g_assert_cmpmem (x->data, x->n * sizeof (float), y->data, y->n * sizeof (float));
        }
      for (guint i = 0; i < strata_optimizer_get_slots (a)->len; i++)
        {
          StrataTensor *x = g_ptr_array_index (strata_optimizer_get_slots (a), i);
          StrataTensor *y = g_ptr_array_index (strata_optimizer_get_slots (c), i);

          g_assert_cmpstr (x->name, ==, y->name);
          g_assert_cmpmem (x->data, x->n * sizeof (float), y->data, y->n * sizeof (float));
        }
    }
}

/* Restore refuses what does not fit, and changes nothing then ----------------------------- */

static void
assert_slots_equal (GPtrArray *a,
                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      StrataTensor *x = g_ptr_array_index (a, i);
      StrataTensor *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpmem (x->data, x->n * sizeof (float), y->data, y->n * sizeof (float));
    }
}

static void
expect_restore_error (StrataOptimizer *optimizer,
                      gint64           iterations,
                      GPtrArray       *slots,
                      const char      *message_part)
{
  g_autoptr(GPtrArray) before = copy_tensors (strata_optimizer_get_slots (optimizer));
  gint64 iterations_before = strata_optimizer_get_iterations (optimizer);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_optimizer_restore (optimizer, iterations, slots, &error));
  g_assert_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message_part));

  g_assert_cmpint (strata_optimizer_get_iterations (optimizer), ==, iterations_before);
  assert_slots_equal (before, strata_optimizer_get_slots (optimizer));
}

static void
test_restore_errors (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GPtrArray) params = test_params (rand);
  g_autoptr(StrataOptimizer) optimizer = make_optimizer ("adam", 0.0, FALSE, params);
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(GError) error = NULL;
  static const gint64 wrong_dims[] = { 20, 12 };

  for (int s = 0; s < 3; s++)
    {
      fill_gradients (params, s);
      strata_optimizer_step (optimizer, 0.01);
    }
  good = copy_tensors (strata_optimizer_get_slots (optimizer));
  for (guint i = 0; i < good->len; i++)
    {
      StrataTensor *t = g_ptr_array_index (good, i);

      for (gint64 j = 0; j < t->n; j++)
        t->data[j] += 1.0f;
    }

  /* A shape that does not fit: Keras' (in, out) Dense kernel instead of (out, in) */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);

    strata_tensor_free (g_ptr_array_index (slots, 0));
    g_ptr_array_index (slots, 0) = strata_tensor_new ("m/dense/kernel", "dense", 2, wrong_dims,
                                                      FALSE);
    expect_restore_error (optimizer, 3, slots, "(20, 12)");
  }

  /* A slot of another optimizer (SGD momentum) */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);
    StrataTensor *extra = copy_tensor (g_ptr_array_index (good, 0));

    g_free (extra->name);
    extra->name = g_strdup ("momentum/dense/kernel");
    g_ptr_array_add (slots, extra);
    expect_restore_error (optimizer, 3, slots, "momentum/dense/kernel");
  }

  /* A slot missing (this layer was frozen when it was saved) */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);

    g_ptr_array_remove_index (slots, slots->len - 1);
    expect_restore_error (optimizer, 3, slots, "v/conv2d/kernel");
  }

  /* A slot twice */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);

    g_ptr_array_add (slots, copy_tensor (g_ptr_array_index (good, 1)));
    expect_restore_error (optimizer, 3, slots, "twice");
  }

  /* No name, and a negative count */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);
    StrataTensor *t = g_ptr_array_index (slots, 2);

    g_clear_pointer (&t->name, g_free);
    expect_restore_error (optimizer, 3, slots, "name");
    expect_restore_error (optimizer, -1, good, "negative");
  }

  /* Partial: the missing and the unknown are tolerated, shapes are still checked. */
  {
    g_autoptr(GPtrArray) slots = copy_tensors (good);
    StrataTensor *extra = copy_tensor (g_ptr_array_index (good, 0));
    StrataTensor *kept = g_ptr_array_index (strata_optimizer_get_slots (optimizer),
                                            good->len - 1);
    g_autofree float *kept_before = g_memdup2 (kept->data, kept->n * sizeof (float));

    g_free (extra->name);
    extra->name = g_strdup ("m/dense_9/kernel");
    g_ptr_array_add (slots, extra);
    g_ptr_array_remove_index (slots, good->len - 1);

    g_assert_true (strata_optimizer_restore_full (optimizer, 3, slots,
                                                  STRATA_OPTIMIZER_RESTORE_PARTIAL, &error));
    g_assert_no_error (error);
    for (guint i = 0; i + 1 < good->len; i++)
      {
        StrataTensor *x = g_ptr_array_index (good, i);
        StrataTensor *y = g_ptr_array_index (strata_optimizer_get_slots (optimizer), i);

        g_assert_cmpmem (x->data, x->n * sizeof (float), y->data, y->n * sizeof (float));
      }
    g_assert_cmpmem (kept->data, kept->n * sizeof (float), kept_before,
                     kept->n * sizeof (float));

    strata_tensor_free (g_ptr_array_index (slots, 0));
    g_ptr_array_index (slots, 0) = strata_tensor_new ("m/dense/kernel", "dense", 2, wrong_dims,
                                                      FALSE);
    g_assert_false (strata_optimizer_restore_full (optimizer, 3, slots,
                                                   STRATA_OPTIMIZER_RESTORE_PARTIAL, &error));
    g_assert_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE);
    g_clear_error (&error);
  }

  /* And the exact state restores, before any step too. */
  {
    g_autoptr(StrataOptimizer) fresh = make_optimizer ("adam", 0.0, FALSE, params);

    g_assert_true (strata_optimizer_restore (fresh, 3, good, &error));
    g_assert_no_error (error);
    assert_slots_equal (good, strata_optimizer_get_slots (fresh));
  }
}

static void
test_tensor (void)
{
  static const gint64 dims[] = { 3, 0, 2 };
  static const gint64 other[] = { 3, 2 };
  g_autoptr(StrataTensor) empty = strata_tensor_new ("x/kernel", "x", 3, dims, TRUE);
  g_autoptr(StrataTensor) scalar = strata_tensor_new ("x/scale", NULL, 0, NULL, FALSE);
  g_autoptr(StrataTensor) matrix = strata_tensor_new ("x/bias", "x", 2, other, FALSE);

  g_assert_cmpint (empty->n, ==, 0);
  g_assert_nonnull (empty->data);
  g_assert_nonnull (empty->diff);
  g_assert_true (empty->trainable);
  g_assert_cmpint (scalar->n, ==, 1);
  g_assert_null (scalar->diff);
  g_assert_false (scalar->trainable);
  g_assert_cmpuint ((guintptr) matrix->data % 64, ==, 0);
  g_assert_cmpfloat (matrix->data[5], ==, 0.0f);
  g_assert_true (strata_tensor_same_shape (matrix, matrix));
  g_assert_false (strata_tensor_same_shape (matrix, empty));
  g_assert_false (strata_tensor_same_shape (matrix, scalar));
}

static void
remove_reference_dir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (reference_dir == NULL)
    return;

  if (g_getenv ("STRATA_TEST_KEEP") != NULL)
    {
      g_printerr ("Kept %s\n", reference_dir);
      return;
    }

  dir = g_dir_open (reference_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (reference_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (reference_dir);
  g_clear_pointer (&reference_dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/optimizer/tensor", test_tensor);
  g_test_add_func ("/optimizer/defaults", test_defaults);
  g_test_add_func ("/optimizer/bad-config", test_bad_config);
  g_test_add_func ("/optimizer/slots", test_slots);
  g_test_add_func ("/optimizer/decayed-lr", test_decayed_lr);
  g_test_add_func ("/optimizer/keras-reference", test_keras_reference);
  g_test_add_func ("/optimizer/torch-reference", test_torch_reference);
  g_test_add_func ("/optimizer/resume-bit-exact", test_resume_bit_exact);
  g_test_add_func ("/optimizer/restore-errors", test_restore_errors);

  status = g_test_run ();

  remove_reference_dir ();
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_clear_pointer (&case_data[k].initial, g_ptr_array_unref);
      g_clear_pointer (&case_data[k].grads, g_ptr_array_unref);
    }

  return status;
}

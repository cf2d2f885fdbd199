/* strata-train-job.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train-job"

#include "config.h"

#include "strata-train-job.h"
#include "strata-threads.h"

/*
 * strata_trainer_run() blocks and calls back on its own thread, so it runs here in a worker
 * thread on a private copy of the project (the trainer records the new run in the copy and
 * saves it; the window's project learns the run's name from the "started" event). Every event
 * is copied into a queue under a lock; the main loop drains the queue at most ~30 times a
 * second, however fast batches come, and emits the events there, in order. Stopping cancels
 * the GCancellable: the trainer stops at the next batch boundary and writes a checkpoint.
 */

#define DISPATCH_INTERVAL_US (33 * 1000)

struct _StrataTrainJob
{
  GObject parent_instance;

  /* Main thread only */
  StrataProject *project;
  GMainContext *context;
  GThread *thread;
  char *run_name;
  guint running : 1;
  guint n_dispatches;

  /* Set before the thread starts, then only read */
  char *project_data;
  char *project_path;
  StrataTrainOptions options;
  char *opt_run_name;
  char *opt_resume;
  char *opt_init_from;
  guint n_threads;
  GCancellable *cancellable;

  /* Shared, under lock */
  GMutex lock;
  GQueue queue;                 /* Message */
  GSource *pending;             /* the dispatch source, while one is attached */
  gint64 last_dispatch;
};

G_DEFINE_FINAL_TYPE (StrataTrainJob, strata_train_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_RUN_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  EVENT,
  DOWNLOAD,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  gboolean finished;
  gboolean download;            /* of pretrained weights: the three fields below */
  gint64 bytes, total;
  double bytes_per_second;
  StrataTrainEvent event;       /* strings owned by the message */
  GError *error;                /* finished: why it failed, or NULL */
} Message;

static void
message_free (Message *m)
{
  g_free ((char *) m->event.run);
  g_free ((char *) m->event.monitor);
  g_free ((char *) m->event.status);
  g_free ((char *) m->event.precision);
  g_free ((char *) m->event.precision_requested);
  g_clear_error (&m->error);
  g_free (m);
}

static void
strata_train_job_dispose (GObject *object)
{
  StrataTrainJob *self = (StrataTrainJob *) object;

  /* A running job holds a reference on itself, so the thread is done here. */
  g_assert (self->thread == NULL);
  g_clear_object (&self->project);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (strata_train_job_parent_class)->dispose (object);
}

static void
strata_train_job_finalize (GObject *object)
{
  StrataTrainJob *self = (StrataTrainJob *) object;

  g_queue_clear_full (&self->queue, (GDestroyNotify) message_free);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->run_name);
  g_free (self->project_data);
  g_free (self->project_path);
  g_free (self->opt_run_name);
  g_free (self->opt_resume);
  g_free (self->opt_init_from);

  G_OBJECT_CLASS (strata_train_job_parent_class)->finalize (object);
}

static void
strata_train_job_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataTrainJob *self = STRATA_TRAIN_JOB (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_RUN_NAME:
      g_value_set_string (value, self->run_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_train_job_class_init (StrataTrainJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_train_job_dispose;
  object_class->finalize = strata_train_job_finalize;
  object_class->get_property = strata_train_job_get_property;

  /**
   * StrataTrainJob:running:
   *
   * From strata_train_job_start() until #StrataTrainJob::finished.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StrataTrainJob:run-name:
   *
   * The run being trained, known from its "started" event on.
   */
  properties[PROP_RUN_NAME] =
    g_param_spec_string ("run-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataTrainJob::event:
   * @event: (type gpointer): the #StrataTrainEvent, valid during the emission
   *
   * A copy of the trainer's event, on the main thread, in the order the trainer sent them.
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * StrataTrainJob::download:
   * @bytes: downloaded so far
   * @total: the file's size, or -1 while unknown
   * @bytes_per_second: the current speed
   *
   * Pretrained weights that the run needs are being downloaded, before its "started" event.
   */
  signals[DOWNLOAD] =
    g_signal_new ("download", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_DOUBLE);
  /**
   * StrataTrainJob::finished:
   * @error: (nullable): why training failed; %NULL when it finished or was stopped
   * @status: (nullable): "finished", "stopped" or "early-stopped"; %NULL on failure
   *
   * The worker thread is done; the job can be dropped.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_STRING);
}

static void
strata_train_job_init (StrataTrainJob *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->queue);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
}

/**
 * strata_train_job_new:
 * @options: what to train; copied
 *
 * Returns: a job that trains @project as it is when started
 */
StrataTrainJob *
strata_train_job_new (StrataProject            *project,
                      const StrataTrainOptions *options)
{
  StrataTrainJob *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (STRATA_TYPE_TRAIN_JOB, NULL);
  self->project = g_object_ref (project);
  self->options = *options;
  self->opt_run_name = g_strdup (options->run_name);
  self->opt_resume = g_strdup (options->resume);
  self->opt_init_from = g_strdup (options->init_from);
  self->options.run_name = self->opt_run_name;
  self->options.resume = self->opt_resume;
  self->options.init_from = self->opt_init_from;
  return self;
}

/* At most this many cores; 0: all there are (and no more than OMP_NUM_THREADS, if set). */
void
strata_train_job_set_threads (StrataTrainJob *self,
                              guint           n_threads)
{
  g_return_if_fail (STRATA_IS_TRAIN_JOB (self));
  g_return_if_fail (!self->running);
  self->n_threads = n_threads;
}

/* Main thread ------------------------------------------------------------------------------ */

static gboolean
dispatch (gpointer user_data)
{
  StrataTrainJob *self = user_data;
  g_autoptr(StrataTrainJob) hold = g_object_ref (self);
  GQueue batch = G_QUEUE_INIT;
  Message *m;

  g_mutex_lock (&self->lock);
  batch = self->queue;
  g_queue_init (&self->queue);
  g_clear_pointer (&self->pending, g_source_unref);
  self->last_dispatch = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  self->n_dispatches++;
  while ((m = g_queue_pop_head (&batch)))
    {
      if (m->finished)
        {
          const char *status = m->event.status;

          g_thread_join (g_steal_pointer (&self->thread));
          self->running = FALSE;
          g_signal_emit (self, signals[FINISHED], 0, m->error, m->error ? NULL : status);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
          message_free (m);
          /* the thread's reference */
          g_object_unref (self);
          continue;
        }
      if (m->download)
        {
          g_signal_emit (self, signals[DOWNLOAD], 0, m->bytes, m->total, m->bytes_per_second);
          message_free (m);
          continue;
        }
      if (m->event.type == STRATA_TRAIN_EVENT_STARTED && m->event.run &&
          g_strcmp0 (self->run_name, m->event.run) != 0)
        {
          g_free (self->run_name);
          self->run_name = g_strdup (m->event.run);
          strata_project_add_run (self->project, m->event.run);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN_NAME]);
        }
      g_signal_emit (self, signals[EVENT], 0, &m->event);
      message_free (m);
    }
  return G_SOURCE_REMOVE;
}

/* A source that fires at its ready time, set and moved by post(). */
static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  return callback (user_data);
}

static const GSourceFuncs ready_time_funcs = {
  .dispatch = ready_time_dispatch,
};

/* Worker thread ---------------------------------------------------------------------------- */

/* Queues @m and makes sure a dispatch is coming: now for what matters (start, epochs, the end),
 * or within the interval for batches. */
static void
post (StrataTrainJob *self,
      Message        *m)
{
  gboolean urgent = m->finished || (!m->download && m->event.type != STRATA_TRAIN_EVENT_BATCH);
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, m);
  if (self->pending && urgent && g_source_get_ready_time (self->pending) > now)
    {
      /* bring a waiting timeout forward */
      g_source_set_ready_time (self->pending, now);
    }
  else if (self->pending == NULL)
    {
      gint64 due = urgent ? now : MAX (now, self->last_dispatch + DISPATCH_INTERVAL_US);

      self->pending = g_source_new ((GSourceFuncs *) &ready_time_funcs, sizeof (GSource));
      g_source_set_callback (self->pending, dispatch, self, NULL);
      g_source_set_ready_time (self->pending, due);
      g_source_set_priority (self->pending, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (self->pending, "[strata] training events");
      g_source_attach (self->pending, self->context);
    }
  g_mutex_unlock (&self->lock);
}

typedef struct
{
  StrataTrainJob *job;
  char *status;                 /* from the trainer's FINISHED event */
} Worker;

static void
on_train_event (const StrataTrainEvent *event,
                gpointer                user_data)
{
  Worker *w = user_data;
  Message *m = g_new0 (Message, 1);

  m->event = *event;
  m->event.run = g_strdup (event->run);
  m->event.monitor = g_strdup (event->monitor);
  m->event.status = g_strdup (event->status);
  m->event.precision = g_strdup (event->precision);
  m->event.precision_requested = g_strdup (event->precision_requested);
  if (event->type == STRATA_TRAIN_EVENT_FINISHED)
    {
      g_free (w->status);
      w->status = g_strdup (event->status);
    }
  post (w->job, m);
}

static void
on_download (gint64   bytes,
             gint64   total,
             double   bytes_per_second,
             gpointer user_data)
{
  Worker *w = user_data;
  Message *m = g_new0 (Message, 1);

  m->download = TRUE;
  m->bytes = bytes;
  m->total = total;
  m->bytes_per_second = bytes_per_second;
  post (w->job, m);
}

static gpointer
worker (gpointer user_data)
{
  StrataTrainJob *self = user_data;
  Worker w = { self, NULL };
  StrataTrainOptions options = self->options;
  g_autoptr(StrataProject) copy = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  Message *m = g_new0 (Message, 1);
  gboolean ok = FALSE;

  m->finished = TRUE;
  /* the trainer starts from it and adapts below it (strata-threads.c) */
  strata_threads_set_limit (self->n_threads);

  copy = strata_project_load_from_data (self->project_data, -1, self->project_path, &error);
  if (copy != NULL)
    {
      options.weights_progress = on_download;
      options.weights_progress_data = &w;
      options.weights_cancellable = self->cancellable;
      trainer = strata_trainer_new (copy, &options, &error);
    }
  if (trainer != NULL)
    ok = strata_trainer_run (trainer, self->cancellable, on_train_event, &w, &error);
  /* the trainer holds the copy's files open until it is freed */
  g_clear_pointer (&trainer, strata_trainer_free);
  if (!ok)
    m->error = g_steal_pointer (&error);
  m->event.status = w.status ? g_steal_pointer (&w.status) : g_strdup ("finished");
  post (self, m);
  return NULL;
}

/**
 * strata_train_job_start:
 *
 * Takes a copy of the project as it is now and starts training it in a worker thread.
 */
void
strata_train_job_start (StrataTrainJob *self)
{
  g_return_if_fail (STRATA_IS_TRAIN_JOB (self));
  g_return_if_fail (!self->running && self->thread == NULL);

  self->project_data = strata_project_to_data (self->project, NULL);
  self->project_path = g_strdup (strata_project_get_path (self->project));
  self->running = TRUE;
  self->last_dispatch = 0;
  /* the thread's reference, dropped when its finished message is dispatched */
  g_object_ref (self);
  self->thread = g_thread_new ("strata-train", worker, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * strata_train_job_stop:
 *
 * Asks the trainer to stop at the next batch boundary; #StrataTrainJob::finished follows once
 * it has written its checkpoint.
 */
void
strata_train_job_stop (StrataTrainJob *self)
{
  g_return_if_fail (STRATA_IS_TRAIN_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

gboolean
strata_train_job_get_running (StrataTrainJob *self)
{
  g_return_val_if_fail (STRATA_IS_TRAIN_JOB (self), FALSE);
  return self->running;
}

gboolean
strata_train_job_get_stopping (StrataTrainJob *self)
{
  g_return_val_if_fail (STRATA_IS_TRAIN_JOB (self), FALSE);
  return self->running && g_cancellable_is_cancelled (self->cancellable);
}

const char *
strata_train_job_get_run_name (StrataTrainJob *self)
{
  g_return_val_if_fail (STRATA_IS_TRAIN_JOB (self), NULL);
  return self->run_name;
}

/* How many times the main loop drained the queue: the tests check that batches coalesce. */
guint
strata_train_job_get_n_dispatches (StrataTrainJob *self)
{
  g_return_val_if_fail (STRATA_IS_TRAIN_JOB (self), 0);
  return self->n_dispatches;
}

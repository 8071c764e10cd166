/* wc-demo-portal.c: `webcollect-portal demo` as a child process.
 *
 * The portal announces itself on standard output:
 *
 *   https://127.0.0.1:PORT FINGERPRINT
 *   merchant_code=123456789
 *   initial_password=…      (only when this start created the merchant)
 *
 * and then serves until SIGTERM. Each line is a write of its own, so the
 * pipe alone cannot tell whether an initial_password line is still on its
 * way after merchant_code. What settles it is the order of the portal's
 * own work: it answers HTTP only from its main loop, which it enters
 * after printing all of these lines. So once it has answered a status
 * request (through the fingerprint-pinned client the app uses anyway),
 * everything it prints at start is already in the pipe, and one
 * non-blocking read shows whether the line is there. There is no timing
 * guess, and a finished start also means the portal really answers.
 *
 * Both pipes are read without blocking for as long as the portal runs,
 * so that it never stalls on a full pipe: standard output into a wiped,
 * RAM-locked buffer because it carries the initial password, standard
 * error to quote its last line when the portal fails to start.
 *
 * The child asks the kernel for SIGTERM when its parent dies, so the
 * portal goes with the app even when the app crashes. (The kernel sends
 * it when the thread that started the portal ends: start it from the
 * main thread.) */
#include "wc-demo-portal.h"
#include "wc-portal-client.h"
#include "wc-tls.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define START_TIMEOUT_SECONDS 30
/* Far more than any line the portal prints. */
#define LINE_BUFFER_SIZE 4096

#define MERCHANT_CODE_PREFIX "merchant_code="
#define INITIAL_PASSWORD_PREFIX "initial_password="

typedef struct _Run Run;

typedef void (*LineFunc) (Run  *run,
                          char *line);

/* One of the child's output pipes, read without blocking. */
typedef struct {
  GPollableInputStream *stream;
  GSource *source;
  WcSecret *buffer;       /* the start of a line not complete yet */
  gsize length;
  gboolean closed;
  LineFunc line_func;
} Pipe;

/* One run of the portal process, from start to stop. Pending callbacks
 * hold references to it; once it is stopped, its owner is NULL and they
 * do nothing. */
struct _Run
{
  grefcount ref_count;
  WcDemoPortal *owner;
  GMainContext *context;
  GSubprocess *process;
  char *pid;                    /* for the debug log, even after it exits */
  GCancellable *cancellable;    /* the status request and the wait for exit */
  Pipe out;
  Pipe err;

  /* While starting. */
  GTask *task;
  GSource *timeout_source;
  GSource *cancel_source;
  WcPortalClient *client;
  gboolean bad_output;
  char *url;
  char *fingerprint;
  char *merchant_code;
  WcSecret *initial_password;
  char *last_error_line;
};

struct _WcDemoPortal
{
  GObject parent_instance;

  char *program;
  char *data_dir;
  Run *run;

  /* Set while the portal runs. */
  char *url;
  char *fingerprint;
  char *merchant_code;
  WcSecret *initial_password;
};

G_DEFINE_FINAL_TYPE (WcDemoPortal, wc_demo_portal, G_TYPE_OBJECT)

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static Run *
run_ref (Run *run)
{
  g_ref_count_inc (&run->ref_count);
  return run;
}

static void
pipe_clear (Pipe *pipe)
{
  clear_source (&pipe->source);
  g_clear_object (&pipe->stream);
  g_clear_pointer (&pipe->buffer, wc_secret_unref);
}

static void
run_unref (Run *run)
{
  if (!g_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->owner == NULL);
  g_assert (run->task == NULL);
  clear_source (&run->timeout_source);
  clear_source (&run->cancel_source);
  pipe_clear (&run->out);
  pipe_clear (&run->err);
  g_clear_object (&run->client);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->process);
  g_clear_pointer (&run->pid, g_free);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_pointer (&run->url, g_free);
  g_clear_pointer (&run->fingerprint, g_free);
  g_clear_pointer (&run->merchant_code, g_free);
  g_clear_pointer (&run->initial_password, wc_secret_unref);
  g_clear_pointer (&run->last_error_line, g_free);
  g_free (run);
}

static void
clear_announcement (WcDemoPortal *self)
{
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->merchant_code, g_free);
  g_clear_pointer (&self->initial_password, wc_secret_unref);
}

/* Ends @run: the portal gets SIGTERM, and GSubprocess reaps it. The
 * caller holds a reference to @run. */
static void
run_stop (Run *run)
{
  WcDemoPortal *owner = run->owner;

  clear_source (&run->timeout_source);
  clear_source (&run->cancel_source);
  clear_source (&run->out.source);
  clear_source (&run->err.source);
  g_cancellable_cancel (run->cancellable);
  g_clear_object (&run->client);
  g_subprocess_send_signal (run->process, SIGTERM);

  if (owner != NULL)
    {
      g_debug ("stopping the demo portal (process %s)", run->pid);
      run->owner = NULL;
      owner->run = NULL;
      clear_announcement (owner);
      run_unref (run);
    }
}

/* Ends a start that failed: the portal is stopped before the caller
 * hears of it, so the callback may start it again. */
static void
fail_start (Run    *run,
            GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);

  g_assert (task != NULL);
  run_stop (run);
  g_task_return_error (task, error);
}

static void
fail_start_with_reason (Run          *run,
                        GIOErrorEnum  code,
                        const char   *reason)
{
  /* TRANSLATORS: %s says why, e.g. a line the portal wrote. */
  fail_start (run, g_error_new (G_IO_ERROR, code, _("The demo portal could not start: %s"), reason));
}

static void
succeed_start (Run *run)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  WcDemoPortal *owner = run->owner;

  g_assert (task != NULL);
  g_assert (owner != NULL);
  clear_source (&run->timeout_source);
  clear_source (&run->cancel_source);
  g_clear_object (&run->client);

  owner->url = g_steal_pointer (&run->url);
  owner->fingerprint = g_steal_pointer (&run->fingerprint);
  owner->merchant_code = g_steal_pointer (&run->merchant_code);
  owner->initial_password = g_steal_pointer (&run->initial_password);
  g_debug ("the demo portal runs at %s (process %s)", owner->url, run->pid);

  g_task_return_boolean (task, TRUE);
}

/* Reads whatever the pipe holds, without blocking, and hands each
 * complete line to its LineFunc; the bytes are wiped once handled.
 * Returns FALSE once the pipe is closed. */
static gboolean
pipe_drain (Run  *run,
            Pipe *pipe)
{
  while (!pipe->closed)
    {
      g_autoptr(GError) error = NULL;
      guint8 *data = wc_secret_get_data (pipe->buffer);
      gsize capacity = wc_secret_get_size (pipe->buffer);
      guint8 *start;
      guint8 *newline;
      gsize rest;
      gssize n;

      if (pipe->length == capacity)
        {
          /* Longer than any line the portal writes: not worth keeping. */
          wc_secure_wipe (data, capacity);
          pipe->length = 0;
        }

      n = g_pollable_input_stream_read_nonblocking (pipe->stream, data + pipe->length,
                                                    capacity - pipe->length, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;

      if (n <= 0)
        {
          if (error != NULL)
            g_debug ("could not read from the demo portal: %s", error->message);
          pipe->closed = TRUE;
          if (pipe->length > 0)
            {
              /* The buffer has room for a NUL after its full size. */
              data[pipe->length] = '\0';
              pipe->line_func (run, (char *) data);
            }
          wc_secure_wipe (data, capacity);
          pipe->length = 0;
          return FALSE;
        }

      pipe->length += (gsize) n;
      start = data;
      while ((newline = memchr (start, '\n', pipe->length - (gsize) (start - data))) != NULL)
        {
          *newline = '\0';
          pipe->line_func (run, (char *) start);
          start = newline + 1;
        }
      rest = pipe->length - (gsize) (start - data);
      memmove (data, start, rest);
      wc_secure_wipe (data + rest, pipe->length - rest);
      pipe->length = rest;
    }
  return FALSE;
}

static void
on_out_line (Run  *run,
             char *line)
{
  if (run->task == NULL)
    return;   /* Started: nothing more to learn from its output. */

  if (run->url == NULL)
    {
      g_auto(GStrv) words = g_strsplit (line, " ", -1);
      g_autofree char *fingerprint = NULL;

      if (g_strv_length (words) != 2 || !g_str_has_prefix (words[0], "https://")
          || (fingerprint = wc_tls_fingerprint_normalize (words[1])) == NULL)
        {
          run->bad_output = TRUE;
          return;
        }
      run->url = g_strdup (words[0]);
      run->fingerprint = g_steal_pointer (&fingerprint);
    }
  else if (run->merchant_code == NULL && g_str_has_prefix (line, MERCHANT_CODE_PREFIX))
    run->merchant_code = g_strdup (line + strlen (MERCHANT_CODE_PREFIX));
  else if (run->initial_password == NULL && g_str_has_prefix (line, INITIAL_PASSWORD_PREFIX))
    run->initial_password = wc_secret_new_from_text (line + strlen (INITIAL_PASSWORD_PREFIX));
  /* Other lines are not for us, and are not logged: they might be
   * anything. */
}

static void
on_err_line (Run  *run,
             char *line)
{
  g_strstrip (line);
  if (*line == '\0')
    return;
  g_debug ("demo portal: %s", line);
  g_free (run->last_error_line);
  run->last_error_line = g_strdup (line);
}

static void on_status (GObject *source, GAsyncResult *result, gpointer user_data);

/* Moves the start on after new output. */
static void
check_start (Run *run)
{
  g_autoptr(GError) error = NULL;

  if (run->task == NULL || run->client != NULL)
    return;

  if (run->bad_output)
    {
      fail_start_with_reason (run, G_IO_ERROR_FAILED,
                              _("it did not announce its address and certificate"));
      return;
    }
  if (run->merchant_code == NULL)
    return;

  run->client = wc_portal_client_new (run->url, run->fingerprint, &error);
  if (run->client == NULL)
    {
      fail_start_with_reason (run, G_IO_ERROR_FAILED, error->message);
      return;
    }
  wc_portal_client_status_async (run->client, run->cancellable, on_status, run_ref (run));
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  status = wc_portal_client_status_finish (WC_PORTAL_CLIENT (source), result, &error);
  if (run->owner == NULL || run->task == NULL)
    ;
  else if (status == NULL)
    fail_start_with_reason (run, G_IO_ERROR_FAILED, error->message);
  else
    {
      /* It answered, so it has printed all it prints at start: see the
       * comment at the top. */
      pipe_drain (run, &run->out);
      succeed_start (run);
    }
  run_unref (run);
}

static gboolean
on_out_readable (GObject  *stream,
                 gpointer  user_data)
{
  Run *run = user_data;

  if (!pipe_drain (run, &run->out))
    g_clear_pointer (&run->out.source, g_source_unref);
  check_start (run);
  return run->out.source != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
on_err_readable (GObject  *stream,
                 gpointer  user_data)
{
  Run *run = user_data;

  if (!pipe_drain (run, &run->err))
    {
      g_clear_pointer (&run->err.source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;

  if (g_subprocess_wait_finish (process, result, &error) && run->owner != NULL)
    {
      /* Whatever it wrote before it went is in the pipes now. */
      pipe_drain (run, &run->out);
      pipe_drain (run, &run->err);

      if (run->task != NULL)
        {
          g_autofree char *reason = NULL;

          if (run->last_error_line != NULL)
            reason = g_strdup (run->last_error_line);
          else if (g_subprocess_get_if_signaled (process))
            /* TRANSLATORS: why the demo portal could not start. */
            reason = g_strdup_printf (_("it was killed by signal %d"), g_subprocess_get_term_sig (process));
          else
            /* TRANSLATORS: why the demo portal could not start. */
            reason = g_strdup_printf (_("it exited with status %d"), g_subprocess_get_exit_status (process));
          fail_start_with_reason (run, G_IO_ERROR_FAILED, reason);
        }
      else
        g_debug ("the demo portal (process %s) exited", run->pid);
    }
  run_unref (run);
}

static gboolean
on_start_timeout (gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *reason = NULL;

  g_clear_pointer (&run->timeout_source, g_source_unref);
  if (run->task != NULL)
    {
      reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "it did not answer within %d second",
                                             "it did not answer within %d seconds",
                                             START_TIMEOUT_SECONDS),
                                START_TIMEOUT_SECONDS);
      fail_start_with_reason (run, G_IO_ERROR_TIMED_OUT, reason);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_start_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  g_clear_pointer (&run->cancel_source, g_source_unref);
  if (run->task != NULL && g_cancellable_set_error_if_cancelled (cancellable, &error))
    fail_start (run, error);
  return G_SOURCE_REMOVE;
}

static GSource *
run_attach (Run         *run,
            GSource     *source,
            GSourceFunc  func)
{
  g_source_set_callback (source, func, run_ref (run), (GDestroyNotify) run_unref);
  g_source_attach (source, run->context);
  return source;
}

static void
pipe_init (Run          *run,
           Pipe         *pipe,
           GInputStream *stream,
           LineFunc      line_func,
           GSourceFunc   readable_func)
{
  pipe->stream = G_POLLABLE_INPUT_STREAM (g_object_ref (stream));
  pipe->buffer = wc_secret_new (LINE_BUFFER_SIZE);
  pipe->line_func = line_func;
  pipe->source = run_attach (run, g_pollable_input_stream_create_source (pipe->stream, NULL),
                             readable_func);
}

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void
child_setup (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  /* The parent may have died before the request was in place. */
  if (getppid () != parent)
    _exit (1);
}

static void
wc_demo_portal_dispose (GObject *object)
{
  WcDemoPortal *self = (WcDemoPortal *) object;

  wc_demo_portal_stop (self);

  G_OBJECT_CLASS (wc_demo_portal_parent_class)->dispose (object);
}

static void
wc_demo_portal_finalize (GObject *object)
{
  WcDemoPortal *self = (WcDemoPortal *) object;

  g_free (self->program);
  g_free (self->data_dir);
  clear_announcement (self);

  G_OBJECT_CLASS (wc_demo_portal_parent_class)->finalize (object);
}

static void
wc_demo_portal_class_init (WcDemoPortalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_demo_portal_dispose;
  object_class->finalize = wc_demo_portal_finalize;
}

static void
wc_demo_portal_init (WcDemoPortal *self)
{
}

/**
 * wc_demo_portal_new:
 * @program: the webcollect-portal executable, see
 *   wc_demo_portal_find_program()
 * @data_dir: the portal's data directory, created (mode 0700) when
 *   missing; see wc_demo_portal_default_data_dir()
 */
WcDemoPortal *
wc_demo_portal_new (const char *program,
                    const char *data_dir)
{
  WcDemoPortal *self;

  g_return_val_if_fail (program != NULL && *program != '\0', NULL);
  g_return_val_if_fail (data_dir != NULL && *data_dir != '\0', NULL);

  self = g_object_new (WC_TYPE_DEMO_PORTAL, NULL);
  self->program = g_strdup (program);
  self->data_dir = g_strdup (data_dir);
  return self;
}

/**
 * wc_demo_portal_find_program:
 *
 * Returns: (transfer full): $WC_PORTAL_PROGRAM when it is set and not
 *   empty (for running from a build tree), else the installed
 *   webcollect-portal.
 */
char *
wc_demo_portal_find_program (void)
{
  const char *program = g_getenv ("WC_PORTAL_PROGRAM");

  if (program != NULL && *program != '\0')
    return g_strdup (program);
  return g_build_filename (BINDIR, "webcollect-portal", NULL);
}

/**
 * wc_demo_portal_default_data_dir:
 *
 * Returns: (transfer full): the demo portal's data directory under the
 *   user data directory.
 */
char *
wc_demo_portal_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "webcollect-login", "demo-portal", NULL);
}

/**
 * wc_demo_portal_start_async:
 *
 * Starts the portal on a free loopback port and waits until it answers.
 * Fails in %G_IO_ERROR: %G_IO_ERROR_NOT_FOUND when the program is
 * missing, %G_IO_ERROR_TIMED_OUT when it does not answer within 30
 * seconds, %G_IO_ERROR_CANCELLED when cancelled or stopped, and
 * %G_IO_ERROR_FAILED otherwise, quoting what the portal said. A portal
 * that failed to start is stopped already.
 */
void
wc_demo_portal_start_async (WcDemoPortal        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program_name = NULL;
  const char *argv[7];
  Run *run;

  g_return_if_fail (WC_IS_DEMO_PORTAL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  argv[0] = self->program;
  argv[1] = "demo";
  argv[2] = "--data";
  argv[3] = self->data_dir;
  argv[4] = "--listen";
  argv[5] = "127.0.0.1:0";
  argv[6] = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_demo_portal_start_async);

  if (self->run != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The demo portal is already running"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  /* A few small system calls: not worth a thread. */
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *dir_name = g_filename_display_name (self->data_dir);

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("The demo portal’s folder %s could not be created: %s"),
                               dir_name, g_strerror (saved_errno));
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER ((int) getpid ()), NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    {
      program_name = g_filename_display_name (self->program);
      g_task_return_new_error (task, G_IO_ERROR,
                               g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
                               ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED,
                               _("The demo portal program %s could not be started: %s"),
                               program_name, error->message);
      return;
    }
  run = g_new0 (Run, 1);
  g_ref_count_init (&run->ref_count);
  run->owner = self;
  run->context = g_main_context_ref_thread_default ();
  run->process = g_steal_pointer (&process);
  run->pid = g_strdup (g_subprocess_get_identifier (run->process));
  run->cancellable = g_cancellable_new ();
  run->task = g_steal_pointer (&task);
  self->run = run;
  g_debug ("started the demo portal (process %s)", run->pid);

  pipe_init (run, &run->out, g_subprocess_get_stdout_pipe (run->process), on_out_line,
             G_SOURCE_FUNC (on_out_readable));
  pipe_init (run, &run->err, g_subprocess_get_stderr_pipe (run->process), on_err_line,
             G_SOURCE_FUNC (on_err_readable));
  g_subprocess_wait_async (run->process, run->cancellable, on_exited, run_ref (run));
  run->timeout_source = run_attach (run, g_timeout_source_new_seconds (START_TIMEOUT_SECONDS),
                                    on_start_timeout);
  if (cancellable != NULL)
    run->cancel_source = run_attach (run, g_cancellable_source_new (cancellable),
                                     G_SOURCE_FUNC (on_start_cancelled));
}

gboolean
wc_demo_portal_start_finish (WcDemoPortal  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_demo_portal_start_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * wc_demo_portal_get_url:
 *
 * Returns: (nullable): the portal's https:// base URL on loopback.
 */
const char *
wc_demo_portal_get_url (WcDemoPortal *self)
{
  g_return_val_if_fail (WC_IS_DEMO_PORTAL (self), NULL);
  return self->url;
}

/**
 * wc_demo_portal_get_fingerprint:
 *
 * Returns: (nullable): the SHA-256 fingerprint of the portal's
 *   self-signed certificate, the only one a client should trust for it.
 */
const char *
wc_demo_portal_get_fingerprint (WcDemoPortal *self)
{
  g_return_val_if_fail (WC_IS_DEMO_PORTAL (self), NULL);
  return self->fingerprint;
}

/**
 * wc_demo_portal_get_merchant_code:
 *
 * Returns: (nullable): the demo merchant's code.
 */
const char *
wc_demo_portal_get_merchant_code (WcDemoPortal *self)
{
  g_return_val_if_fail (WC_IS_DEMO_PORTAL (self), NULL);
  return self->merchant_code;
}

/**
 * wc_demo_portal_dup_initial_password:
 *
 * Returns: (transfer full) (nullable): the demo merchant's initial
 *   password when this start created the merchant, else %NULL.
 */
WcSecret *
wc_demo_portal_dup_initial_password (WcDemoPortal *self)
{
  g_return_val_if_fail (WC_IS_DEMO_PORTAL (self), NULL);
  return self->initial_password != NULL ? wc_secret_ref (self->initial_password) : NULL;
}

/**
 * wc_demo_portal_stop:
 *
 * Sends the portal SIGTERM; it is reaped when it exits. A start still
 * under way fails with %G_IO_ERROR_CANCELLED. Safe to call at any time.
 */
void
wc_demo_portal_stop (WcDemoPortal *self)
{
  Run *run;

  g_return_if_fail (WC_IS_DEMO_PORTAL (self));

  if (self->run == NULL)
    return;

  run = run_ref (self->run);
  if (run->task != NULL)
    fail_start (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The demo portal was stopped before it started")));
  else
    run_stop (run);
  run_unref (run);
}

/* The outbox holds one JSON object per line; a reset is read from its
 * last WC_DEMO_OUTBOX_TAIL bytes, which hold hundreds of messages. */
#define WC_DEMO_OUTBOX_TAIL (64 * 1024)

static gboolean
read_outbox_tail (const char  *path,
                  WcSecret   **tail,
                  GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  goffset size;
  gsize wanted, got = 0;
  WcSecret *buffer;

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                         NULL, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s is not a regular file", path);
      return FALSE;
    }
  size = g_file_info_get_size (info);
  wanted = (gsize) MIN (size, (goffset) WC_DEMO_OUTBOX_TAIL);
  if (size > (goffset) wanted
      && !g_seekable_seek (G_SEEKABLE (stream), size - (goffset) wanted, G_SEEK_SET, NULL, error))
    return FALSE;
  /* The text holds temporary passwords: kept in locked, wiped memory. */
  buffer = wc_secret_new (wanted + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), wc_secret_get_data (buffer), wanted, &got, NULL, error))
    {
      wc_secret_unref (buffer);
      return FALSE;
    }
  wc_secret_get_data (buffer)[got] = '\0';
  *tail = buffer;
  return TRUE;
}

static const char *
no_reset_text (void)
{
  return _("The demo portal's outbox holds no password reset for this merchant code yet.");
}

WcSecret *
wc_demo_portal_read_reset_mail (WcDemoPortal  *self,
                                const char    *merchant_code,
                                gint64        *expires_at,
                                GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(WcSecret) tail = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local = NULL;
  WcSecret *password = NULL;

  g_return_val_if_fail (WC_IS_DEMO_PORTAL (self), NULL);
  g_return_val_if_fail (merchant_code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_build_filename (self->data_dir, "outbox.log", NULL);
  if (!read_outbox_tail (path, &tail, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, no_reset_text ());
      else
        /* Translators: %s says why (from the system). */
        g_set_error (error, local->domain, local->code, _("The demo portal's outbox could not be read: %s"),
                     local->message);
      return NULL;
    }
  lines = g_strsplit (wc_secret_get_text (tail), "\n", -1);
  for (guint i = g_strv_length (lines); password == NULL && i > 0; i--)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *message;
      const char *text;

      /* The first line of a cut tail is a part of one and does not parse. */
      if (!json_parser_load_from_data (parser, lines[i - 1], -1, NULL)
          || json_parser_get_root (parser) == NULL
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      message = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (message, "kind", ""), "legacy-password-reset") != 0
          || g_strcmp0 (json_object_get_string_member_with_default (message, "merchant_code", ""), merchant_code) != 0)
        continue;
      text = json_object_get_string_member_with_default (message, "temporary_password", "");
      if (*text == '\0')
        continue;
      password = wc_secret_new_from_text (text);
      if (expires_at != NULL)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (
            json_object_get_string_member_with_default (message, "expires_at", ""), NULL);

          *expires_at = when != NULL ? g_date_time_to_unix (when) : 0;
        }
    }
  for (guint i = 0; lines[i] != NULL; i++)
    memset (lines[i], 0, strlen (lines[i]));
  if (password == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, no_reset_text ());
  return password;
}

/* wc-application.c: startup, command-line options, app-wide actions, and
 * the demo portal's lifetime. */
#include "wc-application.h"
#include "wc-window.h"

#include <glib/gi18n-lib.h>

struct _WcApplication
{
  AdwApplication parent_instance;

  WcSettings *settings;
  WcTokenStore *tokens;
  WcCredentialStore *credentials;
  WcDemoPortal *demo;
  /* Callers waiting while the demo portal starts. */
  GPtrArray *demo_waiters;
  gboolean demo_started;

  gboolean demo_option;
  char *screenshot_file;
  char *screenshot_page;
};

G_DEFINE_FINAL_TYPE (WcApplication, wc_application, ADW_TYPE_APPLICATION)

static void
wc_application_finalize (GObject *object)
{
  WcApplication *self = WC_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->tokens);
  g_clear_object (&self->credentials);
  g_clear_object (&self->demo);
  g_clear_pointer (&self->demo_waiters, g_ptr_array_unref);
  g_free (self->screenshot_file);
  g_free (self->screenshot_page);
  G_OBJECT_CLASS (wc_application_parent_class)->finalize (object);
}

static int
wc_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  WcApplication *self = WC_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("webcollect-login %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo_option = g_variant_dict_contains (options, "demo");
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot_file);
  g_variant_dict_lookup (options, "page", "s", &self->screenshot_page);
  /* A screenshot run is its own instance, whatever else runs. */
  if (self->screenshot_file != NULL)
    g_application_set_flags (application, g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
wc_application_activate (GApplication *application)
{
  WcApplication *self = WC_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (wc_window_new (self));
      wc_window_connect (WC_WINDOW (window), self->demo_option);
      if (self->screenshot_file != NULL)
        wc_window_take_screenshot (WC_WINDOW (window), self->screenshot_page, self->screenshot_file);
    }
  gtk_window_present (window);
}

static void
wc_application_shutdown (GApplication *application)
{
  WcApplication *self = WC_APPLICATION (application);

  if (self->demo != NULL)
    wc_demo_portal_stop (self->demo);
  G_APPLICATION_CLASS (wc_application_parent_class)->shutdown (application);
}

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  WcApplication *self = user_data;
  const char *developers[] = { _("The Web Collect Login developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Web Collect Login"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Sign in to the Kuroneko Web Collect merchant portal with the new and the old login, with a built-in authenticator whose keys stay in the system keyring."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "support-url", "https://github.com/wclogin/webcollect-login/issues",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  WcApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets each one cancel its work first. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static void
wc_application_startup (GApplication *application)
{
  WcApplication *self = WC_APPLICATION (application);
  static const GActionEntry entries[] = {
    { "about", on_about },
    { "quit", on_quit },
  };
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *copy_accels[] = { "<Control>c", NULL };
  const char *add_accels[] = { "<Control>n", NULL };
  const char *login_accels[] = { "<Alt>1", NULL };
  const char *tokens_accels[] = { "<Alt>2", NULL };
  const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (wc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.copy-code", copy_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-token", add_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-login", login_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-authenticator", tokens_accels);
  /* What GtkApplication sets when it finds gtk/help-overlay.ui itself;
   * the window builds the shortcuts window lazily instead. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);

  /* The keyring is reached lazily, on the first call: creating the
   * stores costs nothing and the first frame never waits for D-Bus. */
  self->settings = wc_settings_new ();
  self->tokens = wc_token_store_new ();
  self->credentials = wc_credential_store_new ();
}

static void
wc_application_class_init (WcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = wc_application_finalize;
  app_class->handle_local_options = wc_application_handle_local_options;
  app_class->startup = wc_application_startup;
  app_class->activate = wc_application_activate;
  app_class->shutdown = wc_application_shutdown;
}

static void
wc_application_init (WcApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Use the demo portal on this computer"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    /* For tests and the AppStream screenshots. */
    { "screenshot", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL,
      "Render the window to a PNG file and exit", "FILE" },
    { "page", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
      "The page to render with --screenshot", "PAGE" },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Sign in to the Kuroneko Web Collect merchant portal."));
  self->demo_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

WcApplication *
wc_application_new (void)
{
  return g_object_new (WC_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/wclogin/WebCollectLogin",
                       NULL);
}

WcSettings *
wc_application_get_settings (WcApplication *self)
{
  g_return_val_if_fail (WC_IS_APPLICATION (self), NULL);
  return self->settings;
}

WcTokenStore *
wc_application_get_token_store (WcApplication *self)
{
  g_return_val_if_fail (WC_IS_APPLICATION (self), NULL);
  return self->tokens;
}

WcCredentialStore *
wc_application_get_credential_store (WcApplication *self)
{
  g_return_val_if_fail (WC_IS_APPLICATION (self), NULL);
  return self->credentials;
}

/* The demo portal. */

static void
on_demo_started (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WcApplication) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->demo_waiters);
  g_autoptr(GError) error = NULL;

  self->demo_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  if (wc_demo_portal_start_finish (WC_DEMO_PORTAL (source), result, &error))
    self->demo_started = TRUE;
  else
    g_clear_object (&self->demo);   /* the next attempt starts afresh */

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_object_ref (source), g_object_unref);
    }
}

void
wc_application_start_demo_async (WcApplication       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WC_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_application_start_demo_async);
  if (self->demo != NULL && self->demo_started)
    {
      g_task_return_pointer (task, g_object_ref (self->demo), g_object_unref);
      return;
    }

  g_ptr_array_add (self->demo_waiters, g_object_ref (task));
  if (self->demo == NULL)
    {
      g_autofree char *program = wc_demo_portal_find_program ();
      g_autofree char *data_dir = wc_demo_portal_default_data_dir ();

      self->demo = wc_demo_portal_new (program, data_dir);
      /* Not cancellable: other windows may be waiting for the same start. */
      wc_demo_portal_start_async (self->demo, NULL, on_demo_started, g_object_ref (self));
    }
}

WcDemoPortal *
wc_application_start_demo_finish (WcApplication  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

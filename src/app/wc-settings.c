/* wc-settings.c: typed access to io.github.wclogin.WebCollectLogin. */
#include "wc-settings.h"

struct _WcSettings
{
  GObject parent_instance;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (WcSettings, wc_settings, G_TYPE_OBJECT)

static void
wc_settings_finalize (GObject *object)
{
  WcSettings *self = WC_SETTINGS (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (wc_settings_parent_class)->finalize (object);
}

static void
wc_settings_class_init (WcSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_settings_finalize;
}

static void
wc_settings_init (WcSettings *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
}

WcSettings *
wc_settings_new (void)
{
  return g_object_new (WC_TYPE_SETTINGS, NULL);
}

GSettings *
wc_settings_get_gsettings (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return self->settings;
}

WcPortalMode
wc_settings_get_portal_mode (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), WC_PORTAL_MODE_UNSET);
  return g_settings_get_enum (self->settings, "portal-mode");
}

void
wc_settings_set_portal_mode (WcSettings   *self,
                             WcPortalMode  mode)
{
  g_return_if_fail (WC_IS_SETTINGS (self));
  g_settings_set_enum (self->settings, "portal-mode", mode);
}

char *
wc_settings_dup_portal_url (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, "portal-url");
}

char *
wc_settings_dup_portal_fingerprint (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, "portal-fingerprint");
}

void
wc_settings_set_portal (WcSettings *self,
                        const char *url,
                        const char *fingerprint)
{
  g_return_if_fail (WC_IS_SETTINGS (self));
  g_return_if_fail (url != NULL);

  /* One change notification for the three keys. */
  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "portal-url", url);
  g_settings_set_string (self->settings, "portal-fingerprint", fingerprint != NULL ? fingerprint : "");
  g_settings_set_enum (self->settings, "portal-mode", WC_PORTAL_MODE_URL);
  g_settings_apply (self->settings);
}

char *
wc_settings_dup_last_merchant_code (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, "last-merchant-code");
}

char *
wc_settings_dup_last_user_id (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, "last-user-id");
}

void
wc_settings_set_last_login (WcSettings *self,
                            const char *merchant_code,
                            const char *user_id)
{
  g_return_if_fail (WC_IS_SETTINGS (self));

  if (merchant_code != NULL)
    g_settings_set_string (self->settings, "last-merchant-code", merchant_code);
  if (user_id != NULL)
    g_settings_set_string (self->settings, "last-user-id", user_id);
}

guint
wc_settings_get_migration_step (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), 0);
  return g_settings_get_uint (self->settings, "migration-step");
}

char *
wc_settings_dup_migration_merchant (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, "migration-merchant");
}

void
wc_settings_set_migration (WcSettings *self,
                           const char *merchant_code,
                           guint       step)
{
  g_return_if_fail (WC_IS_SETTINGS (self));
  g_return_if_fail (merchant_code != NULL);
  g_return_if_fail (step <= 4);

  g_settings_set_string (self->settings, "migration-merchant", merchant_code);
  g_settings_set_uint (self->settings, "migration-step", step);
}

void
wc_settings_clear_migration (WcSettings *self)
{
  g_return_if_fail (WC_IS_SETTINGS (self));

  g_settings_set_uint (self->settings, "migration-step", 0);
  g_settings_set_string (self->settings, "migration-merchant", "");
}

gboolean
wc_settings_get_remember_password (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, "remember-password");
}

void
wc_settings_set_remember_password (WcSettings *self,
                                   gboolean    remember)
{
  g_return_if_fail (WC_IS_SETTINGS (self));
  g_settings_set_boolean (self->settings, "remember-password", remember);
}

guint
wc_settings_get_clipboard_clear_seconds (WcSettings *self)
{
  g_return_val_if_fail (WC_IS_SETTINGS (self), 30);
  return g_settings_get_uint (self->settings, "clipboard-clear-seconds");
}

void
wc_settings_bind (WcSettings *self,
                  const char *key,
                  gpointer    object,
                  const char *property)
{
  g_return_if_fail (WC_IS_SETTINGS (self));
  g_settings_bind (self->settings, key, object, property, G_SETTINGS_BIND_DEFAULT);
}

void
wc_settings_bind_window (WcSettings *self,
                         gpointer    window)
{
  g_return_if_fail (WC_IS_SETTINGS (self));

  g_settings_bind (self->settings, "window-width", window, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", window, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", window, "maximized", G_SETTINGS_BIND_DEFAULT);
}

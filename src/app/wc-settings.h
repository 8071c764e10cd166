/* wc-settings.h: the app's GSettings, behind typed accessors, so that no
 * key name is spelled out anywhere else and tests can use the memory
 * backend. Nothing secret ever goes in here. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WC_TYPE_SETTINGS (wc_settings_get_type ())

G_DECLARE_FINAL_TYPE (WcSettings, wc_settings, WC, SETTINGS, GObject)

typedef enum {
  WC_PORTAL_MODE_UNSET,
  WC_PORTAL_MODE_URL,
  WC_PORTAL_MODE_DEMO,
} WcPortalMode;

WcSettings   *wc_settings_new                         (void);
GSettings    *wc_settings_get_gsettings               (WcSettings   *self);

WcPortalMode  wc_settings_get_portal_mode             (WcSettings   *self);
void          wc_settings_set_portal_mode             (WcSettings   *self,
                                                       WcPortalMode  mode);
char         *wc_settings_dup_portal_url              (WcSettings   *self);
char         *wc_settings_dup_portal_fingerprint      (WcSettings   *self);
/* Chooses a portal by address, with an optional pinned fingerprint. */
void          wc_settings_set_portal                  (WcSettings   *self,
                                                       const char   *url,
                                                       const char   *fingerprint);
char         *wc_settings_dup_last_merchant_code      (WcSettings   *self);
char         *wc_settings_dup_last_user_id            (WcSettings   *self);
void          wc_settings_set_last_login              (WcSettings   *self,
                                                       const char   *merchant_code,
                                                       const char   *user_id);
gboolean      wc_settings_get_remember_password       (WcSettings   *self);
void          wc_settings_set_remember_password       (WcSettings   *self,
                                                       gboolean      remember);
guint         wc_settings_get_clipboard_clear_seconds (WcSettings   *self);

/* Where the switch to the new login (the migration wizard) stopped: the
 * step, 1 to 4, or 0 with no switch under way. No secret is kept. */
guint         wc_settings_get_migration_step          (WcSettings   *self);
char         *wc_settings_dup_migration_merchant      (WcSettings   *self);
void          wc_settings_set_migration               (WcSettings   *self,
                                                       const char   *merchant_code,
                                                       guint         step);
void          wc_settings_clear_migration             (WcSettings   *self);

/* Binds a boolean or string key to a property, both ways. */
void          wc_settings_bind                        (WcSettings   *self,
                                                       const char   *key,
                                                       gpointer      object,
                                                       const char   *property);
/* Keeps the window's size and maximized state across runs. */
void          wc_settings_bind_window                 (WcSettings   *self,
                                                       gpointer      window);

G_END_DECLS

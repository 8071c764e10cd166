/* wc-portal-db.h: the reference portal's storage, one SQLite database in
 * WAL mode with foreign keys and a schema version that migrations move
 * forward. Every write is one transaction, so a killed server leaves
 * either the old or the new state, never half of one. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_DB (wc_portal_db_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalDb, wc_portal_db, WC, PORTAL_DB, GObject)

/* The schema version this build writes. */
#define WC_PORTAL_DB_VERSION 1

typedef struct {
  char *code;
  char *legacy_hash;            /* Argon2id of the old-login password */
  gint64 legacy_changed_at;
  gboolean legacy_must_change;  /* first or reset password */
  char *legacy_temp_hash;       /* a reset's temporary password, or NULL */
  gint64 legacy_temp_expires_at;
  gint64 legacy_reset_at;       /* when the last reset was made */
  gint64 created_at;
} WcPortalMerchant;

typedef struct {
  char *merchant_code;
  char *user_id;
  char *display_name;
  char *role;                   /* "main", "general" or "shipping" */
  gboolean disabled;
  char *password_hash;          /* Argon2id of the new-login password */
  gint64 password_changed_at;
  gboolean must_change;
  GBytes *otp_secret;           /* the activated key, or NULL */
  GBytes *otp_pending;          /* issued, not yet confirmed, or NULL */
  gint64 otp_pending_at;
  gint64 otp_last_step;         /* last accepted TOTP step, -1 for none */
  gint64 created_at;
} WcPortalUser;

typedef struct {
  gint64 id;
  gint64 starts_at;
  gint64 ends_at;
  char *message;
  char *message_ja;
} WcPortalMaintenance;

void                wc_portal_merchant_free        (WcPortalMerchant    *merchant);
void                wc_portal_user_free            (WcPortalUser        *user);
WcPortalUser       *wc_portal_user_copy            (const WcPortalUser  *user);
void                wc_portal_maintenance_free     (WcPortalMaintenance *window);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalMerchant, wc_portal_merchant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalUser, wc_portal_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalMaintenance, wc_portal_maintenance_free)

WcPortalDb         *wc_portal_db_open              (const char          *path,
                                                    GError             **error);
int                 wc_portal_db_get_version       (WcPortalDb          *self);

/* Creates the merchant and its main user (user ID = merchant code) in
 * one transaction. G_IO_ERROR_EXISTS when the code is taken. */
gboolean            wc_portal_db_add_merchant      (WcPortalDb          *self,
                                                    const char          *code,
                                                    const char          *display_name,
                                                    const char          *legacy_hash,
                                                    const char          *main_hash,
                                                    gint64               now,
                                                    GError             **error);

/* Lookups return NULL without an error when there is no such row. */
WcPortalMerchant   *wc_portal_db_get_merchant      (WcPortalDb          *self,
                                                    const char          *code,
                                                    GError             **error);
/* Records a reset's temporary old-login password; the current one keeps
 * working until the temporary one is used. */
gboolean            wc_portal_db_set_legacy_temp   (WcPortalDb          *self,
                                                    const char          *code,
                                                    const char          *temp_hash,
                                                    gint64               expires_at,
                                                    gint64               now,
                                                    GError             **error);

WcPortalUser       *wc_portal_db_get_user          (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    const char          *user_id,
                                                    GError             **error);
GPtrArray          *wc_portal_db_list_users        (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    GError             **error);
/* -1 on failure. */
int                 wc_portal_db_count_children    (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    GError             **error);
gboolean            wc_portal_db_insert_user       (WcPortalDb          *self,
                                                    const WcPortalUser  *user,
                                                    GError             **error);
/* Writes every column of an existing user. */
gboolean            wc_portal_db_save_user         (WcPortalDb          *self,
                                                    const WcPortalUser  *user,
                                                    GError             **error);
gboolean            wc_portal_db_delete_user       (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    const char          *user_id,
                                                    GError             **error);

/* Password history, newest first. A NULL @user_id means the merchant's
 * old-login password. */
GStrv               wc_portal_db_password_history  (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    const char          *user_id,
                                                    guint                limit,
                                                    GError             **error);
/* Sets a new password and records it in the history, in one transaction.
 * For the old-login password it also drops any temporary one. */
gboolean            wc_portal_db_set_password      (WcPortalDb          *self,
                                                    const char          *merchant_code,
                                                    const char          *user_id,
                                                    const char          *hash,
                                                    gboolean             must_change,
                                                    gint64               now,
                                                    GError             **error);

/* Failed-attempt counts, by account name. Names need not belong to an
 * existing account, so that unknown ones lock like real ones. */
void                wc_portal_db_get_lockout       (WcPortalDb          *self,
                                                    const char          *account,
                                                    guint               *failed,
                                                    gint64              *locked_until);
/* Counts one failure at @now, atomically. When it is the @attempts-th in
 * a row the account locks for @lock_seconds and the count starts again.
 * Returns the lock's end, or 0 when not locked. */
gint64              wc_portal_db_record_failure    (WcPortalDb          *self,
                                                    const char          *account,
                                                    gint64               now,
                                                    guint                attempts,
                                                    gint64               lock_seconds,
                                                    GError             **error);
gboolean            wc_portal_db_clear_failures    (WcPortalDb          *self,
                                                    const char          *account,
                                                    GError             **error);

GPtrArray          *wc_portal_db_list_maintenance  (WcPortalDb          *self,
                                                    GError             **error);
gint64              wc_portal_db_add_maintenance   (WcPortalDb          *self,
                                                    gint64               starts_at,
                                                    gint64               ends_at,
                                                    const char          *message,
                                                    const char          *message_ja,
                                                    GError             **error);
gboolean            wc_portal_db_clear_maintenance (WcPortalDb          *self,
                                                    GError             **error);

/* Settings are small named values; a missing one reads as @fallback. */
gint64              wc_portal_db_get_setting_int   (WcPortalDb          *self,
                                                    const char          *key,
                                                    gint64               fallback);
gboolean            wc_portal_db_set_setting_int   (WcPortalDb          *self,
                                                    const char          *key,
                                                    gint64               value,
                                                    GError             **error);
gboolean            wc_portal_db_delete_setting    (WcPortalDb          *self,
                                                    const char          *key,
                                                    GError             **error);

G_END_DECLS

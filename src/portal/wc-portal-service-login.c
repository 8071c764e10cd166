/* wc-portal-service-login.c: the three logins (new, old, tablet) after
 * the request's checks, each with its lockout and its constant number of
 * password checks, and the old password's reset with its outbox. The
 * rest of the service is wc-portal-service.c (sessions, status,
 * maintenance) and wc-portal-service-account.c (passwords, keys, users). */
#include "wc-portal-service-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wc-otp.h"
#include "wc-secret.h"

/* An answer with no body. */
static void
return_no_body (GTask *task)
{
  g_task_return_pointer (task, NULL, NULL);
}

static WcPortalScopes
scopes_for (WcPortalLoginKind  kind,
            gboolean           restricted,
            const char        *role)
{
  switch (kind)
    {
    case WC_PORTAL_LOGIN_TABLET:
      return WC_PORTAL_SCOPE_SESSION;
    case WC_PORTAL_LOGIN_LEGACY:
      return WC_PORTAL_SCOPE_SESSION | WC_PORTAL_SCOPE_PASSWORD;
    case WC_PORTAL_LOGIN_NEW:
    default:
      return WC_PORTAL_SCOPE_SESSION | WC_PORTAL_SCOPE_PASSWORD | WC_PORTAL_SCOPE_OTP
             | (!restricted && g_strcmp0 (role, "main") == 0 ? WC_PORTAL_SCOPE_USERS : 0);
    }
}

/* Logins. */

typedef struct {
  WcPortalLoginKind kind;
  char *merchant_code;
  char *user_id;
  char *password;
  char *otp;
  char *account;        /* for the lockout */
} Login;

static void
login_free (Login *login)
{
  g_free (login->merchant_code);
  g_free (login->user_id);
  wc_secure_str_free (login->password);
  wc_secure_str_free (login->otp);
  g_free (login->account);
  g_free (login);
}

static WcApiErrorCode
failed_code (WcPortalLoginKind kind)
{
  switch (kind)
    {
    case WC_PORTAL_LOGIN_LEGACY:
      return WC_API_ERROR_LEGACY_LOGIN_FAILED;
    case WC_PORTAL_LOGIN_TABLET:
      return WC_API_ERROR_TABLET_LOGIN_FAILED;
    case WC_PORTAL_LOGIN_NEW:
    default:
      return WC_API_ERROR_LOGIN_FAILED;
    }
}

static WcApiErrorCode
locked_code (WcPortalLoginKind kind)
{
  switch (kind)
    {
    case WC_PORTAL_LOGIN_LEGACY:
      return WC_API_ERROR_LEGACY_LOCKED;
    case WC_PORTAL_LOGIN_TABLET:
      return WC_API_ERROR_TABLET_LOCKED;
    case WC_PORTAL_LOGIN_NEW:
    default:
      return WC_API_ERROR_LOGIN_LOCKED;
    }
}

static JsonNode *
login_response (const char         *token,
                const WcPortalUser *user,
                WcPortalLoginKind   kind,
                gboolean            restricted,
                gboolean            must_change,
                WcPortalScopes      scopes,
                gint64              password_expires_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  wc_portal_service_add_string (builder, "token", token);
  wc_portal_service_add_string (builder, "login_method", wc_portal_login_kind_to_string (kind));
  wc_portal_service_add_boolean (builder, "restricted", restricted);
  wc_portal_service_add_boolean (builder, "must_change_password", must_change);
  wc_portal_service_add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  wc_portal_service_add_session_user (builder, user);
  wc_portal_service_add_scopes (builder, scopes);
  wc_portal_service_add_required_actions (builder, restricted && must_change,
                        restricted && kind == WC_PORTAL_LOGIN_NEW && user->otp_secret == NULL);
  wc_portal_service_add_time_or_null (builder, "password_expires_at", password_expires_at);
  wc_portal_service_add_int (builder, "idle_timeout_seconds", WC_PORTAL_SESSION_IDLE_SECONDS);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
fail_login (WcPortalService *self,
            GTask           *task,
            Login           *login,
            GError          *failure)
{
  g_task_return_error (task, wc_portal_service_count_failure (self, login->account, failure,
                                                              locked_code (login->kind)));
}

/* New login, after the password check. */
static void
finish_new_login (WcPortalService *self,
                  GTask           *task,
                  Login           *login,
                  int              match)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalUser) user = NULL;
  g_autofree char *token = NULL;
  gint64 now = wc_portal_service_now (self);
  gint64 locked_until;
  gint64 step = -1;
  gboolean restricted;
  WcPortalScopes scopes;

  /* Read again: another request may have changed the user, or locked
   * the account, while this one was hashing. */
  locked_until = wc_portal_service_locked_until (self, login->account);
  if (locked_until > 0)
    {
      g_task_return_error (task, wc_portal_service_locked_error (WC_API_ERROR_LOGIN_LOCKED, locked_until, now));
      return;
    }
  user = wc_portal_db_get_user (self->db, login->merchant_code, login->user_id, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  if (user == NULL || match < 0)
    {
      fail_login (self, task, login, wc_api_error_new (WC_API_ERROR_LOGIN_FAILED));
      return;
    }
  /* The password, then disabled, then the one-time password. */
  if (user->disabled)
    {
      g_task_return_error (task, wc_api_error_new (WC_API_ERROR_USER_DISABLED));
      return;
    }
  if (user->otp_secret != NULL && login->otp == NULL)
    {
      fail_login (self, task, login, wc_api_error_new (WC_API_ERROR_OTP_REQUIRED));
      return;
    }
  if (user->otp_secret != NULL
      && !wc_portal_service_verify_otp (user->otp_secret, login->otp, now, user->otp_last_step, &step))
    {
      fail_login (self, task, login, wc_api_error_new (WC_API_ERROR_OTP_INVALID));
      return;
    }

  if (step >= 0)
    {
      user->otp_last_step = step;
      if (!wc_portal_db_save_user (self->db, user, &error))
        {
          g_task_return_error (task, wc_portal_service_internal_error (error));
          return;
        }
    }
  if (!wc_portal_db_clear_failures (self->db, login->account, &error))
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  restricted = user->must_change || user->otp_secret == NULL;
  scopes = scopes_for (WC_PORTAL_LOGIN_NEW, restricted, user->role);
  token = wc_portal_sessions_start (self->sessions, user->merchant_code, user->user_id,
                                    WC_PORTAL_LOGIN_NEW, restricted, FALSE, scopes, now);
  g_task_return_pointer (task,
                         login_response (token, user, WC_PORTAL_LOGIN_NEW, restricted, user->must_change,
                                         scopes, 0),
                         (GDestroyNotify) json_node_unref);
}

/* Old login and tablet login, after the password check. @match is 0 for
 * the current old password and 1 for a reset's temporary one. */
static void
finish_legacy_login (WcPortalService *self,
                     GTask           *task,
                     Login           *login,
                     int              match)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalMerchant) merchant = NULL;
  g_autoptr(WcPortalUser) main_user = NULL;
  g_autofree char *token = NULL;
  gint64 now = wc_portal_service_now (self);
  gint64 locked_until;
  gboolean expired, must_change, restricted;
  WcPortalScopes scopes;

  locked_until = wc_portal_service_locked_until (self, login->account);
  if (locked_until > 0)
    {
      g_task_return_error (task, wc_portal_service_locked_error (locked_code (login->kind), locked_until, now));
      return;
    }
  merchant = wc_portal_db_get_merchant (self->db, login->merchant_code, &error);
  if (merchant != NULL)
    main_user = wc_portal_db_get_user (self->db, merchant->code, merchant->code, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  /* A temporary password counts only while it is valid. */
  if (match == 1 && (merchant == NULL || merchant->legacy_temp_hash == NULL
                     || merchant->legacy_temp_expires_at <= now))
    match = -1;
  if (merchant == NULL || main_user == NULL || match < 0)
    {
      fail_login (self, task, login, wc_api_error_new (failed_code (login->kind)));
      return;
    }

  /* The password is right: whatever comes next, the count starts again
   * (the tablet's refusals below included). */
  if (!wc_portal_db_clear_failures (self->db, login->account, &error))
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  if (login->kind == WC_PORTAL_LOGIN_TABLET)
    {
      /* The tablet cannot change a password: that is done in the admin
       * screen through the old login. */
      if (match == 1 || merchant->legacy_must_change)
        {
          g_task_return_error (task, wc_api_error_new (WC_API_ERROR_TABLET_TEMPORARY_PASSWORD));
          return;
        }
      if (wc_portal_password_expired (merchant->legacy_changed_at, now))
        {
          g_task_return_error (task, wc_api_error_new (WC_API_ERROR_TABLET_PASSWORD_EXPIRED));
          return;
        }
    }
  else if (match == 1)
    {
      /* The temporary password is used: it becomes the old password,
       * which must be changed now, and cannot be used a second time. */
      if (!wc_portal_db_set_password (self->db, merchant->code, NULL, merchant->legacy_temp_hash, TRUE, now, &error))
        {
          g_task_return_error (task, wc_portal_service_internal_error (error));
          return;
        }
      merchant->legacy_must_change = TRUE;
      merchant->legacy_changed_at = now;
    }

  expired = wc_portal_password_expired (merchant->legacy_changed_at, now);
  must_change = expired || merchant->legacy_must_change;
  restricted = login->kind == WC_PORTAL_LOGIN_LEGACY && must_change;
  scopes = scopes_for (login->kind, restricted, main_user->role);
  token = wc_portal_sessions_start (self->sessions, merchant->code, merchant->code, login->kind,
                                    restricted, expired && !merchant->legacy_must_change, scopes, now);
  g_task_return_pointer (task,
                         login_response (token, main_user, login->kind, restricted, must_change, scopes,
                                         merchant->legacy_changed_at
                                         + (gint64) WC_PORTAL_PASSWORD_MAX_AGE_DAYS * 86400),
                         (GDestroyNotify) json_node_unref);
}

static void
on_login_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  int match;

  match = wc_portal_hasher_match_finish (WC_PORTAL_HASHER (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  if (login->kind == WC_PORTAL_LOGIN_NEW)
    finish_new_login (self, task, login, match);
  else
    finish_legacy_login (self, task, login, match);
}

void
wc_portal_service_login_async (WcPortalService     *self,
                               WcPortalLoginKind    kind,
                               const char          *merchant_code,
                               const char          *user_id,
                               const char          *password,
                               const char          *otp,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(WcPortalMerchant) merchant = NULL;
  const char *hashes[3] = { NULL, NULL, NULL };
  gint64 now, locked_until;
  Login *login;

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));
  g_return_if_fail (merchant_code != NULL && password != NULL);
  g_return_if_fail (kind != WC_PORTAL_LOGIN_NEW || user_id != NULL);

  task = wc_portal_service_task (self, cancellable, callback, user_data);
  now = wc_portal_service_now (self);

  login = g_new0 (Login, 1);
  login->kind = kind;
  login->merchant_code = g_strdup (merchant_code);
  login->user_id = g_strdup (kind == WC_PORTAL_LOGIN_NEW ? user_id : merchant_code);
  login->password = wc_portal_password_normalize (password);
  login->otp = g_strdup (otp);
  login->account = kind == WC_PORTAL_LOGIN_NEW ? wc_portal_account_new_login (merchant_code, user_id)
                                               : wc_portal_account_old_password (merchant_code);
  g_task_set_task_data (task, login, (GDestroyNotify) login_free);

  /* A locked account answers at once, without a check and without
   * extending the lock. */
  locked_until = wc_portal_service_locked_until (self, login->account);
  if (locked_until > 0)
    {
      g_task_return_error (task, wc_portal_service_locked_error (locked_code (kind), locked_until, now));
      return;
    }

  /* An unknown account is checked against a dummy hash, so that it takes
   * as long as a wrong password. */
  if (kind == WC_PORTAL_LOGIN_NEW)
    {
      user = wc_portal_db_get_user (self->db, merchant_code, user_id, &error);
      hashes[0] = user != NULL ? user->password_hash : NULL;
    }
  else
    {
      merchant = wc_portal_db_get_merchant (self->db, merchant_code, &error);
      if (merchant != NULL)
        {
          hashes[0] = merchant->legacy_hash;
          if (merchant->legacy_temp_hash != NULL && merchant->legacy_temp_expires_at > now)
            hashes[1] = merchant->legacy_temp_hash;
        }
    }
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  /* The old and tablet logins always check two: the old password and a
   * reset's temporary one, real or dummy. One check less would tell that
   * no reset is pending, and so that the merchant code exists. */
  wc_portal_hasher_match_async (self->hasher, hashes, kind == WC_PORTAL_LOGIN_NEW ? 1 : 2, login->password,
                                cancellable,
                                on_login_checked, g_steal_pointer (&task));
}

/* Old-password reset. */

/* Appends one line to the outbox log, the reference portal's stand-in
 * for the message it would send. The file is readable by its owner. */
static gboolean
write_outbox (WcPortalService  *self,
              const char       *merchant_code,
              const char       *password,
              gint64            expires_at,
              GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  gsize length;
  int fd;
  gboolean ok;

  json_builder_begin_object (builder);
  wc_portal_service_add_time (builder, "time", wc_portal_service_now (self));
  wc_portal_service_add_string (builder, "kind", "legacy-password-reset");
  wc_portal_service_add_string (builder, "merchant_code", merchant_code);
  wc_portal_service_add_string (builder, "temporary_password", password);
  wc_portal_service_add_time (builder, "expires_at", expires_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, &length);

  fd = g_open (self->outbox_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      wc_secure_wipe (line, length);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot write the outbox %s: %s",
                   self->outbox_path, g_strerror (saved));
      return FALSE;
    }
  ok = write (fd, line, length) == (gssize) length && write (fd, "\n", 1) == 1 && fsync (fd) == 0;
  close (fd);
  wc_secure_wipe (line, length);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write the outbox %s", self->outbox_path);
  return ok;
}

typedef struct {
  char *merchant_code;
  char *password;       /* NULL when nothing is to be sent */
} LegacyReset;

static void
legacy_reset_free (LegacyReset *op)
{
  g_free (op->merchant_code);
  wc_secure_str_free (op->password);
  g_free (op);
}

static void
on_reset_hashed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  LegacyReset *op = g_task_get_task_data (task);
  gint64 now = wc_portal_service_now (self);

  hash = wc_portal_hasher_hash_finish (WC_PORTAL_HASHER (source), result, &error);
  if (hash == NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  /* The outbox first: a temporary password nobody can learn would only
   * be noise. The current password stays valid either way. */
  if (op->password != NULL
      && (!write_outbox (self, op->merchant_code, op->password, now + WC_PORTAL_LEGACY_TEMP_SECONDS, &error)
          || !wc_portal_db_set_legacy_temp (self->db, op->merchant_code, hash,
                                            now + WC_PORTAL_LEGACY_TEMP_SECONDS, now, &error)))
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  return_no_body (task);
}

void
wc_portal_service_legacy_reset_async (WcPortalService     *self,
                                      const char          *merchant_code,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalMerchant) merchant = NULL;
  g_autofree char *password = NULL;
  LegacyReset *op;
  gint64 now;

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));

  task = wc_portal_service_task (self, cancellable, callback, user_data);
  now = wc_portal_service_now (self);

  merchant = wc_portal_db_get_merchant (self->db, merchant_code, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  /* An unknown merchant, or one reset less than five minutes ago, costs
   * the same hash and gets the same answer; nothing is sent. */
  password = wc_portal_service_new_password ();
  op = g_new0 (LegacyReset, 1);
  op->merchant_code = g_strdup (merchant_code);
  if (merchant != NULL && now - merchant->legacy_reset_at >= WC_PORTAL_LEGACY_RESET_INTERVAL)
    op->password = g_strdup (password);
  g_task_set_task_data (task, op, (GDestroyNotify) legacy_reset_free);
  wc_portal_hasher_hash_async (self->hasher, password, cancellable, on_reset_hashed, g_steal_pointer (&task));
  wc_secure_wipe (password, strlen (password));
}


/* wc-portal-service.c: logins, sessions, status and maintenance. The
 * account half (passwords, keys, users) is in
 * wc-portal-service-account.c. */
#include "wc-portal-service-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wc-otp.h"
#include "wc-secret.h"

G_DEFINE_FINAL_TYPE (WcPortalService, wc_portal_service, G_TYPE_OBJECT)

#define LEGACY_CLOSES_AT "legacy_closes_at"

static void
wc_portal_service_dispose (GObject *object)
{
  WcPortalService *self = (WcPortalService *) object;

  g_clear_object (&self->db);
  g_clear_object (&self->clock);
  g_clear_object (&self->hasher);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (wc_portal_service_parent_class)->dispose (object);
}

static void
wc_portal_service_finalize (GObject *object)
{
  WcPortalService *self = (WcPortalService *) object;

  g_free (self->outbox_path);

  G_OBJECT_CLASS (wc_portal_service_parent_class)->finalize (object);
}

static void
wc_portal_service_class_init (WcPortalServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_portal_service_dispose;
  object_class->finalize = wc_portal_service_finalize;
}

static void
wc_portal_service_init (WcPortalService *self)
{
}

WcPortalService *
wc_portal_service_new (WcPortalDb    *db,
                       WcPortalClock *clock,
                       const char    *outbox_path)
{
  WcPortalService *self;

  g_return_val_if_fail (WC_IS_PORTAL_DB (db), NULL);
  g_return_val_if_fail (WC_IS_PORTAL_CLOCK (clock), NULL);

  self = g_object_new (WC_TYPE_PORTAL_SERVICE, NULL);
  self->db = g_object_ref (db);
  self->clock = g_object_ref (clock);
  self->hasher = wc_portal_hasher_new ();
  self->sessions = wc_portal_sessions_new ();
  self->outbox_path = g_strdup (outbox_path);
  return self;
}

WcPortalClock *
wc_portal_service_get_clock (WcPortalService *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);
  return self->clock;
}

WcPortalDb *
wc_portal_service_get_db (WcPortalService *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);
  return self->db;
}

WcPortalHasher *
wc_portal_service_get_hasher (WcPortalService *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);
  return self->hasher;
}

WcPortalSessions *
wc_portal_service_get_sessions (WcPortalService *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);
  return self->sessions;
}

/* Shared helpers. */

gint64
wc_portal_service_now (WcPortalService *self)
{
  return wc_portal_clock_now (self->clock);
}

GTask *
wc_portal_service_task (WcPortalService     *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, wc_portal_service_finish);
  return task;
}

JsonNode *
wc_portal_service_finish (WcPortalService  *self,
                          GAsyncResult     *result,
                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_portal_service_finish), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* An answer with no body. */
static void
return_no_body (GTask *task)
{
  g_task_return_pointer (task, NULL, NULL);
}

GError *
wc_portal_service_internal_error (const GError *cause)
{
  /* The cause goes to the server's own log, never to the client. */
  g_warning ("internal error: %s", cause != NULL ? cause->message : "unknown");
  return wc_api_error_new (WC_API_ERROR_INTERNAL);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("1970-01-01T00:00:00Z");
}

void
wc_portal_service_add_time (JsonBuilder *builder,
                            const char  *name,
                            gint64       unix_time)
{
  g_autofree char *text = format_time (unix_time);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_time_or_null (JsonBuilder *builder,
                  const char  *name,
                  gint64       unix_time)
{
  if (unix_time > 0)
    wc_portal_service_add_time (builder, name, unix_time);
  else
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_null_value (builder);
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
wc_portal_service_add_user (WcPortalService    *self,
                            JsonBuilder        *builder,
                            const WcPortalUser *user)
{
  g_autofree char *account = wc_portal_account_new_login (user->merchant_code, user->user_id);

  json_builder_begin_object (builder);
  add_string (builder, "merchant_code", user->merchant_code);
  add_string (builder, "user_id", user->user_id);
  add_string (builder, "display_name", user->display_name);
  add_string (builder, "role", user->role);
  add_boolean (builder, "disabled", user->disabled);
  add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  add_boolean (builder, "must_change_password", user->must_change);
  add_time_or_null (builder, "locked_until", wc_portal_service_locked_until (self, account));
  wc_portal_service_add_time (builder, "created_at", user->created_at);
  wc_portal_service_add_time (builder, "password_changed_at", user->password_changed_at);
  json_builder_end_object (builder);
}

static void
add_session_user (JsonBuilder        *builder,
                  const WcPortalUser *user)
{
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  add_string (builder, "merchant_code", user->merchant_code);
  add_string (builder, "user_id", user->user_id);
  add_string (builder, "display_name", user->display_name);
  add_string (builder, "role", user->role);
  json_builder_end_object (builder);
}

gboolean
wc_portal_service_verify_otp (GBytes     *key_bytes,
                              const char *otp,
                              gint64      now,
                              gint64      after_step,
                              gint64     *matched_step)
{
  g_autoptr(WcSecret) key = NULL;
  gint64 step = (gint64) wc_otp_totp_step (now, WC_PORTAL_OTP_PERIOD);
  gboolean matched = FALSE;
  gsize size = 0;
  gconstpointer data;

  if (key_bytes == NULL || otp == NULL || strlen (otp) != WC_PORTAL_OTP_DIGITS)
    return FALSE;
  data = g_bytes_get_data (key_bytes, &size);
  key = wc_secret_new_from_data (data, size);

  /* One step of drift either way. Every candidate is computed and
   * compared in full, so the time taken does not tell which matched. A
   * step at or before the last accepted one is a replay. */
  for (gint64 candidate = step - 1; candidate <= step + 1; candidate++)
    {
      g_autofree char *code = NULL;
      guint8 diff = 0;

      if (candidate < 0)
        continue;
      code = wc_otp_hotp (key, WC_OTP_ALGORITHM_SHA1, WC_PORTAL_OTP_DIGITS, (guint64) candidate, NULL);
      if (code == NULL)
        continue;
      for (guint i = 0; i < WC_PORTAL_OTP_DIGITS; i++)
        diff |= (guint8) (code[i] ^ otp[i]);
      if (diff == 0 && candidate > after_step && !matched)
        {
          matched = TRUE;
          *matched_step = candidate;
        }
    }
  return matched;
}

char *
wc_portal_service_new_password (void)
{
  /* 16 characters over letters and digits without look-alikes (0 O 1 I
   * l), at least one of each; drawn by rejection so every symbol is
   * equally likely. */
  static const char symbols[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const guint n_symbols = sizeof symbols - 1;
  char *password = g_malloc0 (17);

  for (;;)
    {
      gboolean letter = FALSE, digit = FALSE;
      guint length = 0;

      while (length < 16)
        {
          guint8 noise;

          if (getrandom (&noise, 1, 0) != 1)
            g_error ("the system random source failed");
          if (noise >= 256 - 256 % n_symbols)
            continue;
          password[length++] = symbols[noise % n_symbols];
        }
      for (guint i = 0; i < 16; i++)
        {
          letter |= g_ascii_isalpha (password[i]);
          digit |= g_ascii_isdigit (password[i]);
        }
      if (letter && digit)
        return password;
    }
}

gboolean
wc_portal_password_expired (gint64 changed_at,
                            gint64 now)
{
  return now - changed_at > (gint64) WC_PORTAL_PASSWORD_MAX_AGE_DAYS * 86400;
}

/* Lockouts. */

char *
wc_portal_account_new_login (const char *merchant_code,
                             const char *user_id)
{
  return g_strdup_printf ("new\n%s\n%s", merchant_code, user_id);
}

char *
wc_portal_account_old_password (const char *merchant_code)
{
  return g_strdup_printf ("old\n%s", merchant_code);
}

gint64
wc_portal_service_locked_until (WcPortalService *self,
                                const char      *account)
{
  guint failed;
  gint64 locked_until;

  wc_portal_db_get_lockout (self->db, account, &failed, &locked_until);
  return locked_until > wc_portal_service_now (self) ? locked_until : 0;
}

GError *
wc_portal_service_locked_error (WcApiErrorCode code,
                                gint64            locked_until,
                                gint64            now)
{
  GError *error = wc_api_error_new (code);

  wc_api_error_set_retry_after (error, locked_until - now, locked_until);
  return error;
}

GError *
wc_portal_service_count_failure (WcPortalService   *self,
                                 const char        *account,
                                 GError            *failure,
                                 WcApiErrorCode  locked_code)
{
  g_autoptr(GError) error = NULL;
  gint64 now = wc_portal_service_now (self);
  gint64 locked_until;

  locked_until = wc_portal_db_record_failure (self->db, account, now, WC_PORTAL_LOCKOUT_ATTEMPTS,
                                              WC_PORTAL_LOCKOUT_SECONDS, &error);
  if (error != NULL)
    {
      g_error_free (failure);
      return wc_portal_service_internal_error (error);
    }
  if (locked_until > 0)
    {
      g_error_free (failure);
      return wc_portal_service_locked_error (locked_code, locked_until, now);
    }
  return failure;
}

static void
add_scopes (JsonBuilder    *builder,
            WcPortalScopes  scopes)
{
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  if (scopes & WC_PORTAL_SCOPE_SESSION)
    json_builder_add_string_value (builder, "session");
  if (scopes & WC_PORTAL_SCOPE_PASSWORD)
    json_builder_add_string_value (builder, "password");
  if (scopes & WC_PORTAL_SCOPE_OTP)
    json_builder_add_string_value (builder, "otp");
  if (scopes & WC_PORTAL_SCOPE_USERS)
    json_builder_add_string_value (builder, "users");
  json_builder_end_array (builder);
}

static void
add_required_actions (JsonBuilder *builder,
                      gboolean     change_password,
                      gboolean     enroll_otp)
{
  json_builder_set_member_name (builder, "required_actions");
  json_builder_begin_array (builder);
  if (change_password)
    json_builder_add_string_value (builder, "change_password");
  if (enroll_otp)
    json_builder_add_string_value (builder, "enroll_otp");
  json_builder_end_array (builder);
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

/* Merchants. */

typedef struct {
  char *code;
  char *display_name;
  char *password;
  char *legacy_hash;
} AddMerchant;

static void
add_merchant_free (AddMerchant *op)
{
  g_free (op->code);
  g_free (op->display_name);
  wc_secure_str_free (op->password);
  g_free (op->legacy_hash);
  g_free (op);
}

static void
on_main_hashed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *main_hash = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  AddMerchant *op = g_task_get_task_data (task);

  main_hash = wc_portal_hasher_hash_finish (WC_PORTAL_HASHER (source), result, &error);
  if (main_hash == NULL
      || !wc_portal_db_add_merchant (self->db, op->code, op->display_name, op->legacy_hash, main_hash,
                                     wc_portal_service_now (self), &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_legacy_hashed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  AddMerchant *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  op->legacy_hash = wc_portal_hasher_hash_finish (WC_PORTAL_HASHER (source), result, &error);
  if (op->legacy_hash == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A second hash with its own salt: the two passwords start equal and
   * part ways at the first change. */
  wc_portal_hasher_hash_async (WC_PORTAL_HASHER (source), op->password, cancellable,
                               on_main_hashed, g_steal_pointer (&task));
}

void
wc_portal_service_add_merchant_async (WcPortalService     *self,
                                      const char          *code,
                                      const char          *display_name,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalMerchant) existing = NULL;
  AddMerchant *op;

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_portal_service_add_merchant_async);

  if (!wc_portal_password_check_policy (password, code, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  existing = wc_portal_db_get_merchant (self->db, code, &error);
  if (existing != NULL || error != NULL)
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS, "merchant %s exists already", code);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op = g_new0 (AddMerchant, 1);
  op->code = g_strdup (code);
  op->display_name = g_strdup (display_name != NULL ? display_name : code);
  op->password = wc_portal_password_normalize (password);
  g_task_set_task_data (task, op, (GDestroyNotify) add_merchant_free);
  wc_portal_hasher_hash_async (self->hasher, op->password, cancellable, on_legacy_hashed,
                               g_steal_pointer (&task));
}

gboolean
wc_portal_service_add_merchant_finish (WcPortalService  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Status and maintenance. */

gint64
wc_portal_service_get_legacy_closes_at (WcPortalService *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), 0);
  return wc_portal_db_get_setting_int (self->db, LEGACY_CLOSES_AT, 0);
}

gboolean
wc_portal_service_legacy_closed (WcPortalService *self)
{
  gint64 closes_at = wc_portal_service_get_legacy_closes_at (self);

  return closes_at > 0 && wc_portal_service_now (self) >= closes_at;
}

/* The end of the maintenance that is on now, or 0. Touching or
 * overlapping windows count as one. */
static gint64
maintenance_ends_at (GPtrArray *windows,
                     gint64     now)
{
  gint64 ends_at = 0;
  gboolean grew = TRUE;

  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < windows->len; i++)
        {
          WcPortalMaintenance *window = g_ptr_array_index (windows, i);
          gint64 from = ends_at > 0 ? ends_at : now;

          if (window->starts_at <= from && window->ends_at > from && window->ends_at > ends_at
              && (ends_at > 0 || window->starts_at <= now))
            {
              ends_at = window->ends_at;
              grew = TRUE;
            }
        }
    }
  return ends_at;
}

GError *
wc_portal_service_check_maintenance (WcPortalService *self)
{
  g_autoptr(GPtrArray) windows = NULL;
  g_autoptr(GError) db_error = NULL;
  gint64 now, ends_at;
  GError *error;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  windows = wc_portal_db_list_maintenance (self->db, &db_error);
  if (windows == NULL)
    return wc_portal_service_internal_error (db_error);

  now = wc_portal_service_now (self);
  ends_at = maintenance_ends_at (windows, now);
  if (ends_at == 0)
    return NULL;

  error = wc_api_error_new (WC_API_ERROR_MAINTENANCE);
  wc_api_error_set_retry_after (error, ends_at - now, ends_at);
  return error;
}

JsonNode *
wc_portal_service_status (WcPortalService *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) windows = NULL;
  gint64 now, closes_at, ends_at;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  now = wc_portal_service_now (self);
  closes_at = wc_portal_service_get_legacy_closes_at (self);
  windows = wc_portal_db_list_maintenance (self->db, NULL);
  if (windows == NULL)
    windows = g_ptr_array_new ();
  ends_at = maintenance_ends_at (windows, now);

  json_builder_begin_object (builder);
  add_string (builder, "name", "webcollect-portal");
  add_string (builder, "api_version", "1.0");
  wc_portal_service_add_time (builder, "time", now);

  json_builder_set_member_name (builder, "old_login");
  json_builder_begin_object (builder);
  add_boolean (builder, "available", closes_at == 0 || now < closes_at);
  add_time_or_null (builder, "closes_at", closes_at);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "maintenance");
  json_builder_begin_object (builder);
  add_boolean (builder, "active", ends_at > 0);
  add_time_or_null (builder, "ends_at", ends_at);
  json_builder_set_member_name (builder, "windows");
  json_builder_begin_array (builder);
  for (guint i = 0, shown = 0; i < windows->len && shown < 100; i++)
    {
      WcPortalMaintenance *window = g_ptr_array_index (windows, i);

      if (window->ends_at <= now)
        continue;
      json_builder_begin_object (builder);
      wc_portal_service_add_time (builder, "starts_at", window->starts_at);
      wc_portal_service_add_time (builder, "ends_at", window->ends_at);
      add_string (builder, "message", window->message);
      add_string (builder, "message_ja", window->message_ja);
      json_builder_end_object (builder);
      shown++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "support");
  json_builder_begin_object (builder);
  add_string (builder, "name", "ヤマト運輸 決済サービス カスタマーサービスセンター");
  add_string (builder, "email", "support@webcollect-portal.example");
  add_string (builder, "phone", "0120-69-5090");
  add_string (builder, "hours", "9:00-18:00 JST");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "password_policy");
  json_builder_begin_object (builder);
  add_int (builder, "min_length", WC_PORTAL_PASSWORD_MIN_LENGTH);
  add_int (builder, "max_length", WC_PORTAL_PASSWORD_MAX_LENGTH);
  add_boolean (builder, "require_letters", TRUE);
  add_boolean (builder, "require_digits", TRUE);
  add_int (builder, "history", WC_PORTAL_PASSWORD_HISTORY);
  add_int (builder, "max_age_days", WC_PORTAL_PASSWORD_MAX_AGE_DAYS);
  add_int (builder, "lockout_attempts", WC_PORTAL_LOCKOUT_ATTEMPTS);
  add_int (builder, "lockout_minutes", WC_PORTAL_LOCKOUT_SECONDS / 60);
  add_int (builder, "idle_timeout_minutes", WC_PORTAL_SESSION_IDLE_SECONDS / 60);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
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
  add_string (builder, "token", token);
  add_string (builder, "login_method", wc_portal_login_kind_to_string (kind));
  add_boolean (builder, "restricted", restricted);
  add_boolean (builder, "must_change_password", must_change);
  add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  add_session_user (builder, user);
  add_scopes (builder, scopes);
  add_required_actions (builder, restricted && must_change,
                        restricted && kind == WC_PORTAL_LOGIN_NEW && user->otp_secret == NULL);
  add_time_or_null (builder, "password_expires_at", password_expires_at);
  add_int (builder, "idle_timeout_seconds", WC_PORTAL_SESSION_IDLE_SECONDS);
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
  add_string (builder, "kind", "legacy-password-reset");
  add_string (builder, "merchant_code", merchant_code);
  add_string (builder, "temporary_password", password);
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

/* Sessions. */

/* Whether the session still has to change its password, and so which
 * restricted answer it gets. */
static gboolean
needs_password_change (WcPortalService *self,
                       WcPortalSession *session)
{
  gint64 now = wc_portal_service_now (self);

  if (session->kind == WC_PORTAL_LOGIN_NEW)
    {
      g_autoptr(WcPortalUser) user = wc_portal_db_get_user (self->db, session->merchant_code,
                                                            session->user_id, NULL);
      return user != NULL && user->must_change;
    }
  else
    {
      g_autoptr(WcPortalMerchant) merchant = wc_portal_db_get_merchant (self->db, session->merchant_code, NULL);
      return merchant != NULL
             && (merchant->legacy_must_change || wc_portal_password_expired (merchant->legacy_changed_at, now));
    }
}

WcPortalSession *
wc_portal_service_authorize (WcPortalService       *self,
                             const char            *token,
                             const WcPortalAccess  *access,
                             GError               **error)
{
  WcPortalSession *session;
  gboolean idle = FALSE;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  if (token == NULL)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_SESSION_REQUIRED));
      return NULL;
    }
  session = wc_portal_sessions_touch (self->sessions, token, wc_portal_service_now (self), access->renew, &idle);
  if (session == NULL)
    {
      g_propagate_error (error, wc_api_error_new (idle ? WC_API_ERROR_SESSION_IDLE
                                                          : WC_API_ERROR_SESSION_INVALID));
      return NULL;
    }

  /* Restriction first, then the login method, then the role. */
  if (session->restricted && !access->restricted_allowed)
    {
      WcApiErrorCode code = WC_API_ERROR_SESSION_RESTRICTED;

      if (needs_password_change (self, session))
        code = session->expired_password ? WC_API_ERROR_LEGACY_PASSWORD_EXPIRED
                                         : WC_API_ERROR_PASSWORD_CHANGE_REQUIRED;
      g_propagate_error (error, wc_api_error_new (code));
      return NULL;
    }
  if ((session->scopes & access->scope) != access->scope)
    {
      gboolean method_ok = session->kind == WC_PORTAL_LOGIN_NEW
                           || (session->kind == WC_PORTAL_LOGIN_LEGACY
                               && !(access->scope & (WC_PORTAL_SCOPE_OTP | WC_PORTAL_SCOPE_USERS)));

      g_propagate_error (error, wc_api_error_new (method_ok ? WC_API_ERROR_NOT_MAIN_USER
                                                               : WC_API_ERROR_WRONG_LOGIN_METHOD));
      return NULL;
    }
  return session;
}

JsonNode *
wc_portal_service_session_info (WcPortalService  *self,
                                WcPortalSession  *session,
                                GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(WcPortalMerchant) merchant = NULL;
  g_autoptr(GError) db_error = NULL;
  gboolean main_user, must_change;
  gint64 now;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  user = wc_portal_db_get_user (self->db, session->merchant_code, session->user_id, &db_error);
  if (user != NULL)
    merchant = wc_portal_db_get_merchant (self->db, session->merchant_code, &db_error);
  if (user == NULL || merchant == NULL)
    {
      g_propagate_error (error, db_error != NULL ? wc_portal_service_internal_error (db_error)
                                                 : wc_api_error_new (WC_API_ERROR_SESSION_INVALID));
      return NULL;
    }

  now = wc_portal_service_now (self);
  main_user = g_str_equal (user->role, "main");
  must_change = session->kind == WC_PORTAL_LOGIN_NEW
                ? user->must_change
                : merchant->legacy_must_change || wc_portal_password_expired (merchant->legacy_changed_at, now);

  json_builder_begin_object (builder);
  add_session_user (builder, user);
  add_string (builder, "login_method", wc_portal_login_kind_to_string (session->kind));
  add_boolean (builder, "restricted", session->restricted);
  add_required_actions (builder, session->restricted && must_change,
                        session->restricted && session->kind == WC_PORTAL_LOGIN_NEW && user->otp_secret == NULL);
  add_scopes (builder, session->scopes);
  add_boolean (builder, "must_change_password", must_change);
  add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  add_int (builder, "idle_seconds_left", CLAMP (WC_PORTAL_SESSION_IDLE_SECONDS - (now - session->last_seen),
                                                0, WC_PORTAL_SESSION_IDLE_SECONDS));
  add_int (builder, "idle_timeout_seconds", WC_PORTAL_SESSION_IDLE_SECONDS);
  wc_portal_service_add_time (builder, "created_at", session->created_at);
  wc_portal_service_add_time (builder, "password_changed_at", user->password_changed_at);
  add_int (builder, "password_age_days", MAX (0, now - user->password_changed_at) / 86400);
  if (main_user)
    {
      wc_portal_service_add_time (builder, "legacy_password_changed_at", merchant->legacy_changed_at);
      add_int (builder, "legacy_password_age_days", MAX (0, now - merchant->legacy_changed_at) / 86400);
      wc_portal_service_add_time (builder, "legacy_password_expires_at",
                                  merchant->legacy_changed_at + (gint64) WC_PORTAL_PASSWORD_MAX_AGE_DAYS * 86400);
      add_boolean (builder, "legacy_password_must_change", merchant->legacy_must_change);
    }
  else
    {
      add_time_or_null (builder, "legacy_password_changed_at", 0);
      json_builder_set_member_name (builder, "legacy_password_age_days");
      json_builder_add_null_value (builder);
      add_time_or_null (builder, "legacy_password_expires_at", 0);
      json_builder_set_member_name (builder, "legacy_password_must_change");
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
wc_portal_service_logout (WcPortalService *self,
                          const char      *token)
{
  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));
  wc_portal_sessions_end (self->sessions, token);
}

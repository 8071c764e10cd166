/* wc-portal-service.c: the service object, merchants, lockouts, status
 * and maintenance, sessions, and the members of the JSON answers that
 * the parts share. The logins and the old password's reset are in
 * wc-portal-service-login.c; passwords, keys and users in
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

void
wc_portal_service_add_time_or_null (JsonBuilder *builder,
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

void
wc_portal_service_add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
wc_portal_service_add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
wc_portal_service_add_int (JsonBuilder *builder,
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
  wc_portal_service_add_string (builder, "merchant_code", user->merchant_code);
  wc_portal_service_add_string (builder, "user_id", user->user_id);
  wc_portal_service_add_string (builder, "display_name", user->display_name);
  wc_portal_service_add_string (builder, "role", user->role);
  wc_portal_service_add_boolean (builder, "disabled", user->disabled);
  wc_portal_service_add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  wc_portal_service_add_boolean (builder, "must_change_password", user->must_change);
  wc_portal_service_add_time_or_null (builder, "locked_until", wc_portal_service_locked_until (self, account));
  wc_portal_service_add_time (builder, "created_at", user->created_at);
  wc_portal_service_add_time (builder, "password_changed_at", user->password_changed_at);
  json_builder_end_object (builder);
}

void
wc_portal_service_add_session_user (JsonBuilder        *builder,
                  const WcPortalUser *user)
{
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  wc_portal_service_add_string (builder, "merchant_code", user->merchant_code);
  wc_portal_service_add_string (builder, "user_id", user->user_id);
  wc_portal_service_add_string (builder, "display_name", user->display_name);
  wc_portal_service_add_string (builder, "role", user->role);
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

void
wc_portal_service_add_scopes (JsonBuilder    *builder,
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

void
wc_portal_service_add_required_actions (JsonBuilder *builder,
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
  wc_portal_service_add_string (builder, "name", "webcollect-portal");
  wc_portal_service_add_string (builder, "api_version", "1.0");
  wc_portal_service_add_time (builder, "time", now);

  json_builder_set_member_name (builder, "old_login");
  json_builder_begin_object (builder);
  wc_portal_service_add_boolean (builder, "available", closes_at == 0 || now < closes_at);
  wc_portal_service_add_time_or_null (builder, "closes_at", closes_at);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "maintenance");
  json_builder_begin_object (builder);
  wc_portal_service_add_boolean (builder, "active", ends_at > 0);
  wc_portal_service_add_time_or_null (builder, "ends_at", ends_at);
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
      wc_portal_service_add_string (builder, "message", window->message);
      wc_portal_service_add_string (builder, "message_ja", window->message_ja);
      json_builder_end_object (builder);
      shown++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "support");
  json_builder_begin_object (builder);
  wc_portal_service_add_string (builder, "name", "ヤマト運輸 決済サービス カスタマーサービスセンター");
  wc_portal_service_add_string (builder, "email", "support@webcollect-portal.example");
  wc_portal_service_add_string (builder, "phone", "0120-69-5090");
  wc_portal_service_add_string (builder, "hours", "9:00-18:00 JST");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "password_policy");
  json_builder_begin_object (builder);
  wc_portal_service_add_int (builder, "min_length", WC_PORTAL_PASSWORD_MIN_LENGTH);
  wc_portal_service_add_int (builder, "max_length", WC_PORTAL_PASSWORD_MAX_LENGTH);
  wc_portal_service_add_boolean (builder, "require_letters", TRUE);
  wc_portal_service_add_boolean (builder, "require_digits", TRUE);
  wc_portal_service_add_int (builder, "history", WC_PORTAL_PASSWORD_HISTORY);
  wc_portal_service_add_int (builder, "max_age_days", WC_PORTAL_PASSWORD_MAX_AGE_DAYS);
  wc_portal_service_add_int (builder, "lockout_attempts", WC_PORTAL_LOCKOUT_ATTEMPTS);
  wc_portal_service_add_int (builder, "lockout_minutes", WC_PORTAL_LOCKOUT_SECONDS / 60);
  wc_portal_service_add_int (builder, "idle_timeout_minutes", WC_PORTAL_SESSION_IDLE_SECONDS / 60);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
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
  wc_portal_service_add_session_user (builder, user);
  wc_portal_service_add_string (builder, "login_method", wc_portal_login_kind_to_string (session->kind));
  wc_portal_service_add_boolean (builder, "restricted", session->restricted);
  wc_portal_service_add_required_actions (builder, session->restricted && must_change,
                        session->restricted && session->kind == WC_PORTAL_LOGIN_NEW && user->otp_secret == NULL);
  wc_portal_service_add_scopes (builder, session->scopes);
  wc_portal_service_add_boolean (builder, "must_change_password", must_change);
  wc_portal_service_add_boolean (builder, "otp_enrolled", user->otp_secret != NULL);
  wc_portal_service_add_int (builder, "idle_seconds_left", CLAMP (WC_PORTAL_SESSION_IDLE_SECONDS - (now - session->last_seen),
                                                0, WC_PORTAL_SESSION_IDLE_SECONDS));
  wc_portal_service_add_int (builder, "idle_timeout_seconds", WC_PORTAL_SESSION_IDLE_SECONDS);
  wc_portal_service_add_time (builder, "created_at", session->created_at);
  wc_portal_service_add_time (builder, "password_changed_at", user->password_changed_at);
  wc_portal_service_add_int (builder, "password_age_days", MAX (0, now - user->password_changed_at) / 86400);
  if (main_user)
    {
      wc_portal_service_add_time (builder, "legacy_password_changed_at", merchant->legacy_changed_at);
      wc_portal_service_add_int (builder, "legacy_password_age_days", MAX (0, now - merchant->legacy_changed_at) / 86400);
      wc_portal_service_add_time (builder, "legacy_password_expires_at",
                                  merchant->legacy_changed_at + (gint64) WC_PORTAL_PASSWORD_MAX_AGE_DAYS * 86400);
      wc_portal_service_add_boolean (builder, "legacy_password_must_change", merchant->legacy_must_change);
    }
  else
    {
      wc_portal_service_add_time_or_null (builder, "legacy_password_changed_at", 0);
      json_builder_set_member_name (builder, "legacy_password_age_days");
      json_builder_add_null_value (builder);
      wc_portal_service_add_time_or_null (builder, "legacy_password_expires_at", 0);
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

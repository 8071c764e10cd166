/* wc-portal-service-account.c: passwords, one-time-password keys and
 * child users, the account half of WcPortalService. */
#include "wc-portal-service-private.h"

#include <string.h>
#include <sys/random.h>

#include "wc-otp.h"
#include "wc-otpauth-uri.h"
#include "wc-secret.h"

/* Password policy (PCI DSS v4.0.1 8.3.6, 8.3.7). */

char *
wc_portal_password_normalize (const char *password)
{
  char *normal = g_utf8_normalize (password, -1, G_NORMALIZE_NFC);

  return normal != NULL ? normal : g_strdup (password);
}

gboolean
wc_portal_password_check_policy (const char  *password,
                                 const char  *user_id,
                                 GError     **error)
{
  gboolean letter = FALSE, digit = FALSE, same;
  g_autofree char *folded_password = NULL;
  g_autofree char *folded_user = NULL;

  if (!g_utf8_validate (password, -1, NULL)
      || g_utf8_strlen (password, -1) < WC_PORTAL_PASSWORD_MIN_LENGTH)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_PASSWORD_TOO_SHORT));
      return FALSE;
    }

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c))
        digit = TRUE;
      else if (g_unichar_isalpha (c))
        letter = TRUE;
    }
  if (!letter || !digit)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_PASSWORD_CLASSES));
      return FALSE;
    }

  folded_password = g_utf8_casefold (password, -1);
  folded_user = user_id != NULL ? g_utf8_casefold (user_id, -1) : NULL;
  same = folded_user != NULL && g_str_equal (folded_password, folded_user);
  wc_secure_wipe (folded_password, strlen (folded_password));
  if (same)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_PASSWORD_EQUALS_ID));
      return FALSE;
    }
  return TRUE;
}

/* Changing one's own password. A session from the old login changes the
 * old-login password; one from the new login changes the user's. The two
 * are separate records, never synchronized. */

typedef struct {
  char *token;
  char *merchant_code;
  char *user_id;      /* NULL: the merchant's old password */
  char *owner_id;     /* what the password may not equal */
  char *account;      /* for the lockout */
  char *replacement;
} ChangePassword;

static void
change_password_free (ChangePassword *op)
{
  g_free (op->token);
  g_free (op->merchant_code);
  g_free (op->user_id);
  g_free (op->owner_id);
  g_free (op->account);
  wc_secure_str_free (op->replacement);
  g_free (op);
}

static void
on_new_password_hashed (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  ChangePassword *op = g_task_get_task_data (task);

  hash = wc_portal_hasher_hash_finish (WC_PORTAL_HASHER (source), result, &error);
  if (hash == NULL
      || !wc_portal_db_set_password (self->db, op->merchant_code, op->user_id, hash, FALSE,
                                     wc_portal_service_now (self), &error)
      || !wc_portal_db_clear_failures (self->db, op->account, &error))
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  /* Every other session opened with the old password ends; this one
   * stays as it was. */
  wc_portal_sessions_end_for_password (self->sessions, op->merchant_code, op->user_id, op->token);
  g_task_return_pointer (task, NULL, NULL);
}

static void
on_history_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ChangePassword *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  int match;

  match = wc_portal_hasher_match_finish (WC_PORTAL_HASHER (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  if (match >= 0)
    {
      g_task_return_error (task, wc_api_error_new (WC_API_ERROR_PASSWORD_REUSED));
      return;
    }
  wc_portal_hasher_hash_async (WC_PORTAL_HASHER (source), op->replacement, cancellable,
                               on_new_password_hashed, g_steal_pointer (&task));
}

static void
on_current_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) history = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  ChangePassword *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 now = wc_portal_service_now (self);
  gint64 locked_until;
  int match;

  match = wc_portal_hasher_match_finish (WC_PORTAL_HASHER (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  locked_until = wc_portal_service_locked_until (self, op->account);
  if (locked_until > 0)
    {
      g_task_return_error (task, wc_portal_service_locked_error (WC_API_ERROR_CURRENT_PASSWORD_LOCKED,
                                                                 locked_until, now));
      return;
    }
  if (match < 0)
    {
      g_task_return_error (task,
                           wc_portal_service_count_failure (self, op->account,
                                                            wc_api_error_new (WC_API_ERROR_CURRENT_PASSWORD_WRONG),
                                                            WC_API_ERROR_CURRENT_PASSWORD_LOCKED));
      return;
    }

  if (!wc_portal_password_check_policy (op->replacement, op->owner_id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The last four passwords include the current one. */
  history = wc_portal_db_password_history (self->db, op->merchant_code, op->user_id,
                                           WC_PORTAL_PASSWORD_HISTORY, &error);
  if (history == NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  wc_portal_hasher_match_async (WC_PORTAL_HASHER (source), (const char * const *) history, 1,
                                op->replacement, cancellable, on_history_checked, g_steal_pointer (&task));
}

/* The change itself. With @tablet, a main user's full new-login session
 * sets the merchant's old (tablet) password, proven by the user's own
 * current new-login password; otherwise the session changes the password
 * it was opened with. */
static void
change_password (WcPortalService      *self,
                 const char           *token,
                 const WcPortalAccess *access,
                 gboolean              tablet,
                 const char           *current_password,
                 const char           *new_password,
                 GCancellable         *cancellable,
                 GAsyncReadyCallback   callback,
                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(WcPortalMerchant) merchant = NULL;
  g_autofree char *current = NULL;
  const char *current_hash[2] = { NULL, NULL };
  WcPortalSession *session;
  ChangePassword *op;
  gint64 now, locked_until;

  task = wc_portal_service_task (self, cancellable, callback, user_data);
  now = wc_portal_service_now (self);

  session = wc_portal_service_authorize (self, token, access, &error);
  if (session == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (tablet && session->kind != WC_PORTAL_LOGIN_NEW)
    {
      g_task_return_error (task, wc_api_error_new (WC_API_ERROR_WRONG_LOGIN_METHOD));
      return;
    }

  op = g_new0 (ChangePassword, 1);
  op->token = g_strdup (token);
  op->merchant_code = g_strdup (session->merchant_code);
  op->replacement = wc_portal_password_normalize (new_password);
  g_task_set_task_data (task, op, (GDestroyNotify) change_password_free);

  if (tablet)
    {
      /* The target is the merchant's old password; the proof is the
       * user's own new-login password, whose failures count there. */
      op->owner_id = g_strdup (session->merchant_code);
      op->account = wc_portal_account_new_login (session->merchant_code, session->user_id);
      user = wc_portal_db_get_user (self->db, session->merchant_code, session->user_id, &error);
      current_hash[0] = user != NULL ? user->password_hash : NULL;
    }
  else if (session->kind == WC_PORTAL_LOGIN_NEW)
    {
      op->user_id = g_strdup (session->user_id);
      op->owner_id = g_strdup (session->user_id);
      op->account = wc_portal_account_new_login (session->merchant_code, session->user_id);
      user = wc_portal_db_get_user (self->db, session->merchant_code, session->user_id, &error);
      current_hash[0] = user != NULL ? user->password_hash : NULL;
    }
  else
    {
      op->owner_id = g_strdup (session->merchant_code);
      op->account = wc_portal_account_old_password (session->merchant_code);
      merchant = wc_portal_db_get_merchant (self->db, session->merchant_code, &error);
      current_hash[0] = merchant != NULL ? merchant->legacy_hash : NULL;
    }
  if (current_hash[0] == NULL)
    {
      g_task_return_error (task, error != NULL ? wc_portal_service_internal_error (error)
                                               : wc_api_error_new (WC_API_ERROR_SESSION_INVALID));
      return;
    }

  locked_until = wc_portal_service_locked_until (self, op->account);
  if (locked_until > 0)
    {
      g_task_return_error (task, wc_portal_service_locked_error (WC_API_ERROR_CURRENT_PASSWORD_LOCKED,
                                                                 locked_until, now));
      return;
    }

  current = wc_portal_password_normalize (current_password);
  wc_portal_hasher_match_async (self->hasher, current_hash, 1, current, cancellable,
                                on_current_checked, g_steal_pointer (&task));
  wc_secure_wipe (current, strlen (current));
}

void
wc_portal_service_change_password_async (WcPortalService     *self,
                                         const char          *token,
                                         const char          *current_password,
                                         const char          *new_password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  static const WcPortalAccess access = { WC_PORTAL_SCOPE_PASSWORD, TRUE, TRUE };

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));
  change_password (self, token, &access, FALSE, current_password, new_password,
                   cancellable, callback, user_data);
}

void
wc_portal_service_set_tablet_password_async (WcPortalService     *self,
                                             const char          *token,
                                             const char          *current_password,
                                             const char          *new_password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  /* A main user's full session: the scope the users calls need. */
  static const WcPortalAccess access = { WC_PORTAL_SCOPE_USERS, FALSE, TRUE };

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));
  change_password (self, token, &access, TRUE, current_password, new_password,
                   cancellable, callback, user_data);
}

/* One-time-password keys. */

static WcPortalUser *
session_user (WcPortalService  *self,
              WcPortalSession  *session,
              GError          **error)
{
  g_autoptr(GError) db_error = NULL;
  WcPortalUser *user;

  user = wc_portal_db_get_user (self->db, session->merchant_code, session->user_id, &db_error);
  if (user == NULL)
    g_propagate_error (error, db_error != NULL ? wc_portal_service_internal_error (db_error)
                                               : wc_api_error_new (WC_API_ERROR_SESSION_INVALID));
  return user;
}

JsonNode *
wc_portal_service_otp_secret (WcPortalService  *self,
                              WcPortalSession  *session,
                              GError          **error)
{
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(WcSecret) key = NULL;
  g_autoptr(WcSecret) base32 = NULL;
  g_autoptr(WcSecret) uri = NULL;
  g_autoptr(WcToken) description = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autofree char *account = NULL;
  gint64 now;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  user = session_user (self, session, error);
  if (user == NULL)
    return NULL;

  key = wc_secret_new (WC_PORTAL_OTP_SECRET_BYTES);
  if (getrandom (wc_secret_get_data (key), WC_PORTAL_OTP_SECRET_BYTES, 0) != WC_PORTAL_OTP_SECRET_BYTES)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_INTERNAL));
      return NULL;
    }

  /* Pending until a code proves the user registered it; the key in use
   * stays in force until then. */
  now = wc_portal_service_now (self);
  g_clear_pointer (&user->otp_pending, g_bytes_unref);
  user->otp_pending = g_bytes_new (wc_secret_get_data (key), WC_PORTAL_OTP_SECRET_BYTES);
  user->otp_pending_at = now;
  if (!wc_portal_db_save_user (self->db, user, &db_error))
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return NULL;
    }

  account = g_strdup_printf ("%s@%s", user->user_id, user->merchant_code);
  description = wc_token_new ();
  wc_token_set_issuer (description, WC_PORTAL_ISSUER);
  wc_token_set_account (description, account);
  wc_token_set_key (description, key);
  base32 = wc_base32_encode (key);
  uri = wc_otpauth_uri_format (description);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, wc_secret_get_text (base32));
  json_builder_set_member_name (builder, "otpauth_uri");
  json_builder_add_string_value (builder, wc_secret_get_text (uri));
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, "SHA1");
  json_builder_set_member_name (builder, "digits");
  json_builder_add_int_value (builder, WC_PORTAL_OTP_DIGITS);
  json_builder_set_member_name (builder, "period");
  json_builder_add_int_value (builder, WC_PORTAL_OTP_PERIOD);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, WC_PORTAL_ISSUER);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account);
  wc_portal_service_add_time (builder, "expires_at", now + WC_PORTAL_OTP_PENDING_SECONDS);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
wc_portal_service_otp_activate (WcPortalService  *self,
                                WcPortalSession  *session,
                                const char       *otp,
                                GError          **error)
{
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(GError) db_error = NULL;
  gint64 now, step = -1;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), FALSE);

  user = session_user (self, session, error);
  if (user == NULL)
    return FALSE;

  now = wc_portal_service_now (self);
  if (user->otp_pending == NULL || now - user->otp_pending_at >= WC_PORTAL_OTP_PENDING_SECONDS)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_OTP_NOT_PENDING));
      return FALSE;
    }
  if (!wc_portal_service_verify_otp (user->otp_pending, otp, now, -1, &step))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_OTP_ACTIVATION_MISMATCH));
      return FALSE;
    }

  /* The accepted step counts as a use, so a login cannot replay it. */
  g_clear_pointer (&user->otp_secret, g_bytes_unref);
  user->otp_secret = g_steal_pointer (&user->otp_pending);
  user->otp_pending_at = 0;
  user->otp_last_step = step;
  if (!wc_portal_db_save_user (self->db, user, &db_error))
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return FALSE;
    }
  return TRUE;
}

/* Child users, managed by the main user only (the server has checked the
 * session's scope and role). */

/* The child @user_id of the session's merchant, never the main user. */
static WcPortalUser *
child_user (WcPortalService  *self,
            WcPortalSession  *session,
            const char       *user_id,
            GError          **error)
{
  g_autoptr(GError) db_error = NULL;
  WcPortalUser *user;

  if (g_str_equal (user_id, session->merchant_code))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_MAIN_USER_PROTECTED));
      return NULL;
    }
  user = wc_portal_db_get_user (self->db, session->merchant_code, user_id, &db_error);
  if (user == NULL)
    {
      g_propagate_error (error, db_error != NULL ? wc_portal_service_internal_error (db_error)
                                                 : wc_api_error_new (WC_API_ERROR_USER_NOT_FOUND));
      return NULL;
    }
  if (g_str_equal (user->role, "main"))
    {
      wc_portal_user_free (user);
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_MAIN_USER_PROTECTED));
      return NULL;
    }
  return user;
}

static JsonNode *
user_node (WcPortalService    *self,
           const WcPortalUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  wc_portal_service_add_user (self, builder, user);
  return json_builder_get_root (builder);
}

JsonNode *
wc_portal_service_list_users (WcPortalService  *self,
                              WcPortalSession  *session,
                              GError          **error)
{
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  users = wc_portal_db_list_users (self->db, session->merchant_code, &db_error);
  if (users == NULL)
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++)
    {
      WcPortalUser *user = g_ptr_array_index (users, i);

      if (!g_str_equal (user->role, "main"))
        wc_portal_service_add_user (self, builder, user);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "max_users");
  json_builder_add_int_value (builder, WC_PORTAL_MAX_CHILD_USERS);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

typedef struct {
  WcPortalUser *user;
  char *password;
  gboolean create;
} UserOp;

static void
user_op_free (UserOp *op)
{
  wc_portal_user_free (op->user);
  wc_secure_str_free (op->password);
  g_free (op);
}

static void
on_initial_password_hashed (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *account = NULL;
  WcPortalService *self = g_task_get_source_object (task);
  UserOp *op = g_task_get_task_data (task);
  gint64 now = wc_portal_service_now (self);
  char *hash;

  hash = wc_portal_hasher_hash_finish (WC_PORTAL_HASHER (source), result, &error);
  if (hash == NULL)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }

  if (op->create)
    {
      g_free (op->user->password_hash);
      op->user->password_hash = hash;
      if (!wc_portal_db_insert_user (self->db, op->user, &error))
        {
          g_task_return_error (task, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS)
                                     ? wc_api_error_new (WC_API_ERROR_USER_EXISTS)
                                     : wc_portal_service_internal_error (error));
          return;
        }
    }
  else
    {
      gboolean ok = wc_portal_db_set_password (self->db, op->user->merchant_code, op->user->user_id,
                                               hash, TRUE, now, &error);

      g_free (hash);
      if (!ok)
        {
          g_task_return_error (task, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                                     ? wc_api_error_new (WC_API_ERROR_USER_NOT_FOUND)
                                     : wc_portal_service_internal_error (error));
          return;
        }
      /* A reset also lifts the child's lock. */
      account = wc_portal_account_new_login (op->user->merchant_code, op->user->user_id);
      wc_portal_db_clear_failures (self->db, account, NULL);
      wc_portal_sessions_end_for_user (self->sessions, op->user->merchant_code, op->user->user_id);
    }

  json_builder_begin_object (builder);
  if (op->create)
    {
      json_builder_set_member_name (builder, "user");
      wc_portal_service_add_user (self, builder, op->user);
    }
  json_builder_set_member_name (builder, "initial_password");
  json_builder_add_string_value (builder, op->password);
  json_builder_end_object (builder);
  g_task_return_pointer (task, json_builder_get_root (builder), (GDestroyNotify) json_node_unref);
}

void
wc_portal_service_create_user_async (WcPortalService     *self,
                                     WcPortalSession     *session,
                                     const char          *user_id,
                                     const char          *display_name,
                                     const char          *role,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalUser) existing = NULL;
  UserOp *op;
  gint64 now;
  int children;

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));

  task = wc_portal_service_task (self, cancellable, callback, user_data);

  existing = wc_portal_db_get_user (self->db, session->merchant_code, user_id, &error);
  if (existing != NULL)
    {
      g_task_return_error (task, wc_api_error_new (WC_API_ERROR_USER_EXISTS));
      return;
    }
  children = error == NULL ? wc_portal_db_count_children (self->db, session->merchant_code, &error) : -1;
  if (children < 0)
    {
      g_task_return_error (task, wc_portal_service_internal_error (error));
      return;
    }
  if (children >= WC_PORTAL_MAX_CHILD_USERS)
    {
      g_task_return_error (task, wc_api_error_new (WC_API_ERROR_USER_LIMIT));
      return;
    }

  now = wc_portal_service_now (self);
  op = g_new0 (UserOp, 1);
  op->create = TRUE;
  op->password = wc_portal_service_new_password ();
  op->user = g_new0 (WcPortalUser, 1);
  op->user->merchant_code = g_strdup (session->merchant_code);
  op->user->user_id = g_strdup (user_id);
  op->user->display_name = g_strdup (display_name);
  op->user->role = g_strdup (role);
  op->user->password_changed_at = now;
  op->user->must_change = TRUE;
  op->user->otp_last_step = -1;
  op->user->created_at = now;
  g_task_set_task_data (task, op, (GDestroyNotify) user_op_free);
  wc_portal_hasher_hash_async (self->hasher, op->password, cancellable,
                               on_initial_password_hashed, g_steal_pointer (&task));
}

void
wc_portal_service_reset_password_async (WcPortalService     *self,
                                        WcPortalSession     *session,
                                        const char          *user_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  WcPortalUser *user;
  UserOp *op;

  g_return_if_fail (WC_IS_PORTAL_SERVICE (self));

  task = wc_portal_service_task (self, cancellable, callback, user_data);

  user = child_user (self, session, user_id, &error);
  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op = g_new0 (UserOp, 1);
  op->user = user;
  op->password = wc_portal_service_new_password ();
  g_task_set_task_data (task, op, (GDestroyNotify) user_op_free);
  wc_portal_hasher_hash_async (self->hasher, op->password, cancellable,
                               on_initial_password_hashed, g_steal_pointer (&task));
}

JsonNode *
wc_portal_service_update_user (WcPortalService  *self,
                               WcPortalSession  *session,
                               const char       *user_id,
                               const char       *display_name,
                               const char       *role,
                               int               disabled,
                               GError          **error)
{
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(GError) db_error = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), NULL);

  user = child_user (self, session, user_id, error);
  if (user == NULL)
    return NULL;

  if (display_name != NULL)
    {
      g_free (user->display_name);
      user->display_name = g_strdup (display_name);
    }
  if (role != NULL)
    {
      g_free (user->role);
      user->role = g_strdup (role);
    }
  if (disabled >= 0)
    user->disabled = disabled != 0;

  if (!wc_portal_db_save_user (self->db, user, &db_error))
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return NULL;
    }
  if (disabled == 1)
    wc_portal_sessions_end_for_user (self->sessions, user->merchant_code, user->user_id);
  return user_node (self, user);
}

gboolean
wc_portal_service_delete_user (WcPortalService  *self,
                               WcPortalSession  *session,
                               const char       *user_id,
                               GError          **error)
{
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autofree char *account = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), FALSE);

  user = child_user (self, session, user_id, error);
  if (user == NULL)
    return FALSE;
  if (!wc_portal_db_delete_user (self->db, user->merchant_code, user->user_id, &db_error))
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return FALSE;
    }
  account = wc_portal_account_new_login (user->merchant_code, user->user_id);
  wc_portal_db_clear_failures (self->db, account, NULL);
  wc_portal_sessions_end_for_user (self->sessions, user->merchant_code, user->user_id);
  return TRUE;
}

gboolean
wc_portal_service_reset_otp (WcPortalService  *self,
                             WcPortalSession  *session,
                             const char       *user_id,
                             GError          **error)
{
  g_autoptr(WcPortalUser) user = NULL;
  g_autoptr(GError) db_error = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (self), FALSE);

  user = child_user (self, session, user_id, error);
  if (user == NULL)
    return FALSE;

  /* The next login is a first login again, restricted until a new key
   * is enrolled. */
  g_clear_pointer (&user->otp_secret, g_bytes_unref);
  g_clear_pointer (&user->otp_pending, g_bytes_unref);
  user->otp_pending_at = 0;
  user->otp_last_step = -1;
  if (!wc_portal_db_save_user (self->db, user, &db_error))
    {
      g_propagate_error (error, wc_portal_service_internal_error (db_error));
      return FALSE;
    }
  wc_portal_sessions_end_for_user (self->sessions, user->merchant_code, user->user_id);
  return TRUE;
}

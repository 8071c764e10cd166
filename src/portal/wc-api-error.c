/* wc-api-error.c: the error catalogue, the same as the x-error-codes
 * list in docs/portal-api.yaml (test-portal-contract compares them). The
 * messages are fixed texts: they never carry values from a request. */
#include "wc-api-error.h"

typedef struct {
  char *field;
  gint64 retry_after;
  gint64 ends_at;
} WcApiErrorPrivate;

static void
wc_api_error_private_init (WcApiErrorPrivate *priv)
{
}

static void
wc_api_error_private_copy (const WcApiErrorPrivate *src,
                              WcApiErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
  dest->retry_after = src->retry_after;
  dest->ends_at = src->ends_at;
}

static void
wc_api_error_private_clear (WcApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (WcApiError, wc_api_error)

static const WcApiErrorInfo catalogue[] = {
  { WC_API_ERROR_LOGIN_FAILED, "W011000001", 401, NULL,
    "The merchant code, user ID or password is incorrect. Check them and try again. After 10 failed attempts in a row, login is locked for 30 minutes.",
    "加盟店コード、ユーザーID、またはパスワードが正しくありません。ご確認のうえ、もう一度お試しください。10回続けて失敗すると、30分間ログインできなくなります。" },
  { WC_API_ERROR_OTP_REQUIRED, "W011000002", 401, "otp",
    "Enter the 6-digit one-time password shown in your authenticator app.",
    "認証アプリに表示されている6桁のワンタイムパスワードを入力してください。" },
  { WC_API_ERROR_OTP_INVALID, "W011000003", 401, "otp",
    "The one-time password is incorrect or has already been used. Wait for the next code in your authenticator app and try again. If this keeps happening, check that your computer's clock is correct.",
    "ワンタイムパスワードが正しくないか、すでに使用済みです。認証アプリに次のワンタイムパスワードが表示されるまでお待ちのうえ、もう一度お試しください。繰り返し失敗する場合は、パソコンの時刻が正しいかご確認ください。" },
  { WC_API_ERROR_LOGIN_LOCKED, "W011000004", 429, NULL,
    "Too many failed login attempts. Login for this account is locked for 30 minutes. Try again after the lock ends.",
    "ログインに続けて失敗したため、このアカウントは30分間ロックされています。ロックが解除されてから、もう一度お試しください。" },
  { WC_API_ERROR_USER_DISABLED, "W013000001", 403, NULL,
    "This user ID has been disabled. Please ask your merchant's main user to enable it again.",
    "このユーザーIDは利用停止になっています。メインユーザーに利用再開を依頼してください。" },
  { WC_API_ERROR_CURRENT_PASSWORD_WRONG, "W021000001", 400, "current_password",
    "The current password is incorrect. Enter the password you use now.",
    "現在のパスワードが正しくありません。現在お使いのパスワードを入力してください。" },
  { WC_API_ERROR_CURRENT_PASSWORD_LOCKED, "W021000002", 429, NULL,
    "The current password was entered incorrectly too many times. Password changes and logins for this account are locked for 30 minutes. Try again after the lock ends.",
    "現在のパスワードの入力に続けて失敗したため、このアカウントは30分間ロックされています。ロックが解除されてから、もう一度お試しください。" },
  { WC_API_ERROR_PASSWORD_TOO_SHORT, "W022000001", 400, "new_password",
    "The new password is too short. Use at least 12 characters.",
    "新しいパスワードが短すぎます。12文字以上で設定してください。" },
  { WC_API_ERROR_PASSWORD_CLASSES, "W022000002", 400, "new_password",
    "The new password must contain both letters and digits.",
    "新しいパスワードには、英字と数字の両方を含めてください。" },
  { WC_API_ERROR_PASSWORD_EQUALS_ID, "W022000003", 400, "new_password",
    "The new password must not be the same as your user ID or merchant code.",
    "新しいパスワードに、ユーザーIDまたは加盟店コードと同じ文字列は使用できません。" },
  { WC_API_ERROR_PASSWORD_REUSED, "W022000004", 400, "new_password",
    "The new password must differ from your last 4 passwords. Choose a password you have not used before.",
    "新しいパスワードには、直近4回に使用したパスワードは使用できません。これまでに使用していないパスワードを設定してください。" },
  { WC_API_ERROR_PASSWORD_CHANGE_REQUIRED, "W022000005", 403, NULL,
    "You must change your password before you can use this function. Please change your password first.",
    "この機能をご利用になる前に、パスワードの変更が必要です。先にパスワードを変更してください。" },
  { WC_API_ERROR_LEGACY_PASSWORD_EXPIRED, "W022000006", 403, NULL,
    "Your old-login password is more than 90 days old and has expired. Please change it now to continue.",
    "旧方式ログインのパスワードの有効期限(90日)が切れています。続けるには、パスワードを変更してください。" },
  { WC_API_ERROR_OTP_ACTIVATION_MISMATCH, "W031000001", 400, "otp",
    "The one-time password does not match the new secret key. Check that the new key is registered in your authenticator app, then enter the code it shows now.",
    "ワンタイムパスワードが新しい秘密鍵と一致しません。新しい秘密鍵が認証アプリに登録されていることをご確認のうえ、現在表示されているワンタイムパスワードを入力してください。" },
  { WC_API_ERROR_OTP_NOT_PENDING, "W034000001", 409, NULL,
    "There is no new secret key waiting for confirmation. Issue a secret key first, then confirm it with a one-time password.",
    "確認待ちの秘密鍵がありません。先に秘密鍵を発行し、ワンタイムパスワードで確認してください。" },
  { WC_API_ERROR_NOT_MAIN_USER, "W043000001", 403, NULL,
    "Only the main user can manage users. Please ask your merchant's main user.",
    "ユーザーの管理はメインユーザーのみ行えます。メインユーザーにご依頼ください。" },
  { WC_API_ERROR_MAIN_USER_PROTECTED, "W043000002", 403, "user_id",
    "The main user cannot be changed, reset or deleted here. For help with the main user, please contact customer support.",
    "メインユーザーは、ここでは変更・再発行・削除できません。メインユーザーについては、カスタマーサービスセンターにお問い合わせください。" },
  { WC_API_ERROR_USER_NOT_FOUND, "W044000001", 404, "user_id",
    "There is no user with this user ID. Reload the user list and try again.",
    "指定されたユーザーIDのユーザーが見つかりません。ユーザー一覧を更新して、もう一度お試しください。" },
  { WC_API_ERROR_USER_EXISTS, "W044000002", 409, "user_id",
    "This user ID is already in use. Please choose a different user ID.",
    "このユーザーIDはすでに使用されています。別のユーザーIDを指定してください。" },
  { WC_API_ERROR_USER_LIMIT, "W044000003", 409, NULL,
    "The maximum number of users (100) has been reached. Delete a user you no longer need, then try again.",
    "登録できるユーザー数の上限(100)に達しています。不要なユーザーを削除してから、もう一度お試しください。" },
  { WC_API_ERROR_SESSION_REQUIRED, "W051000001", 401, NULL,
    "Please log in. This function needs a login.",
    "ログインしてください。この機能をご利用になるにはログインが必要です。" },
  { WC_API_ERROR_SESSION_INVALID, "W051000002", 401, NULL,
    "Your login session is no longer valid. Please log in again.",
    "ログインの有効期限が切れたか、無効になっています。もう一度ログインしてください。" },
  { WC_API_ERROR_SESSION_IDLE, "W051000003", 401, NULL,
    "You were logged out after 15 minutes without activity. Please log in again.",
    "15分間操作がなかったため、ログアウトしました。もう一度ログインしてください。" },
  { WC_API_ERROR_WRONG_LOGIN_METHOD, "W053000001", 403, NULL,
    "This function is not available with this login method. Please log in with the new login. The old-login password is changed through the old login.",
    "このログイン方法では、この機能はご利用になれません。新方式ログインでログインしてください。旧方式ログインのパスワードは、旧方式ログインから変更してください。" },
  { WC_API_ERROR_SESSION_RESTRICTED, "W053000002", 403, NULL,
    "This session can only be used to set up your login (change the password and register a secret key). When that is done, log out and log in again.",
    "このセッションでは、ログインの設定(パスワードの変更と秘密鍵の登録)のみ行えます。設定が終わったら、いったんログアウトしてから、もう一度ログインしてください。" },
  { WC_API_ERROR_LEGACY_LOGIN_FAILED, "W061000001", 401, NULL,
    "The merchant code or password is incorrect. Check them and try again. After 10 failed attempts in a row, login is locked for 30 minutes.",
    "加盟店コードまたはパスワードが正しくありません。ご確認のうえ、もう一度お試しください。10回続けて失敗すると、30分間ログインできなくなります。" },
  { WC_API_ERROR_LEGACY_LOCKED, "W061000002", 429, NULL,
    "Too many failed login attempts. Login with the old password of this merchant code is locked for 30 minutes. Try again after the lock ends.",
    "ログインに続けて失敗したため、この加盟店コードの旧方式ログインは30分間ロックされています。ロックが解除されてから、もう一度お試しください。" },
  { WC_API_ERROR_LEGACY_CLOSED, "W066000001", 410, NULL,
    "The old login has closed. Please use the new login with your merchant code, user ID, password and one-time password.",
    "旧方式ログインの提供は終了しました。加盟店コード・ユーザーID・パスワード・ワンタイムパスワードによる新方式ログインをご利用ください。" },
  { WC_API_ERROR_TABLET_LOGIN_FAILED, "T041000001", 401, NULL,
    "The merchant code or password is incorrect. The tablet uses the password of the old login. Check them and try again.",
    "加盟店コードまたはパスワードが正しくありません。タブレットでは旧方式ログインのパスワードを使用します。ご確認のうえ、もう一度お試しください。" },
  { WC_API_ERROR_TABLET_LOCKED, "T041000002", 429, NULL,
    "Too many failed login attempts. Login with the old password of this merchant code is locked for 30 minutes. Try again after the lock ends.",
    "ログインに続けて失敗したため、この加盟店コードのパスワードによるログインは30分間ロックされています。ロックが解除されてから、もう一度お試しください。" },
  { WC_API_ERROR_TABLET_PASSWORD_EXPIRED, "T042000005", 403, NULL,
    "The password is more than 90 days old and must be changed in the admin screen. Log in with the old login, change the password, then use the new password on the tablet.",
    "パスワードの有効期限(90日)が切れたため、管理画面でパスワードの変更が必要です。旧方式ログインで管理画面にログインしてパスワードを変更してから、タブレットで新しいパスワードをご利用ください。" },
  { WC_API_ERROR_TABLET_TEMPORARY_PASSWORD, "T042000006", 403, NULL,
    "This is a temporary password and must be changed in the admin screen first. Log in with the old login, change the password, then use the new password on the tablet.",
    "仮のパスワードのため、管理画面でパスワードの変更が必要です。旧方式ログインで管理画面にログインしてパスワードを変更してから、タブレットで新しいパスワードをご利用ください。" },
  { WC_API_ERROR_NOT_FOUND, "W094000001", 404, NULL,
    "There is no such API path. Check the portal address and update the app.",
    "指定されたAPIのパスは存在しません。ポータルのアドレスをご確認のうえ、アプリを更新してください。" },
  { WC_API_ERROR_METHOD_NOT_ALLOWED, "W094000002", 405, NULL,
    "This operation is not available at this address. Please update the app.",
    "このアドレスでは、この操作はご利用になれません。アプリを更新してください。" },
  { WC_API_ERROR_BAD_JSON, "W095000001", 400, NULL,
    "The request could not be read. Please update the app; if this continues, contact customer support.",
    "リクエストを読み取れませんでした。アプリを更新してください。解決しない場合は、カスタマーサービスセンターにお問い合わせください。" },
  { WC_API_ERROR_MISSING_FIELD, "W095000002", 400, NULL,
    "A required item is missing. Fill in every required item and try again.",
    "必須項目が入力されていません。すべての必須項目を入力して、もう一度お試しください。" },
  { WC_API_ERROR_WRONG_TYPE, "W095000003", 400, NULL,
    "An item has the wrong kind of value. Please update the app; if this continues, contact customer support.",
    "項目の値の種類が正しくありません。アプリを更新してください。解決しない場合は、カスタマーサービスセンターにお問い合わせください。" },
  { WC_API_ERROR_TOO_LONG, "W095000004", 400, NULL,
    "An entry is too long. Shorten it and try again.",
    "入力された値が長すぎます。短くして、もう一度お試しください。" },
  { WC_API_ERROR_BAD_CHARACTERS, "W095000005", 400, NULL,
    "The request contains characters that cannot be used. Remove them and try again.",
    "使用できない文字が含まれています。該当する文字を削除して、もう一度お試しください。" },
  { WC_API_ERROR_UNKNOWN_FIELD, "W095000006", 400, NULL,
    "The request contains an item the portal does not know. Please update the app; if this continues, contact customer support.",
    "リクエストに不明な項目が含まれています。アプリを更新してください。解決しない場合は、カスタマーサービスセンターにお問い合わせください。" },
  { WC_API_ERROR_INVALID_VALUE, "W095000007", 400, NULL,
    "An entry is not valid (empty, wrong format or out of range). Correct it and try again.",
    "入力された値が正しくありません(未入力、形式の誤り、範囲外など)。修正して、もう一度お試しください。" },
  { WC_API_ERROR_BODY_TOO_LARGE, "W095000008", 413, NULL,
    "The request is too large (the limit is 64 KiB). Send less data.",
    "リクエストが大きすぎます(上限は64KiBです)。送信するデータを減らしてください。" },
  { WC_API_ERROR_UNSUPPORTED_MEDIA_TYPE, "W095000009", 415, NULL,
    "The request must be sent as JSON. Please update the app.",
    "リクエストはJSON形式で送信する必要があります。アプリを更新してください。" },
  { WC_API_ERROR_MAINTENANCE, "W096000001", 503, NULL,
    "The portal is under maintenance. Please try again after the maintenance ends.",
    "ただいまメンテナンス中です。メンテナンス終了後に、もう一度お試しください。" },
  { WC_API_ERROR_INTERNAL, "W099000001", 500, NULL,
    "Something went wrong in the portal. Please try again later. If this continues, contact customer support.",
    "ポータルで問題が発生しました。しばらくしてから、もう一度お試しください。解決しない場合は、カスタマーサービスセンターにお問い合わせください。" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (catalogue) == WC_API_ERROR_COUNT);

const WcApiErrorInfo *
wc_api_error_info (WcApiErrorCode code)
{
  g_return_val_if_fail ((guint) code < WC_API_ERROR_COUNT, &catalogue[WC_API_ERROR_INTERNAL]);
  g_assert (catalogue[code].error == code);
  return &catalogue[code];
}

const WcApiErrorInfo *
wc_api_error_catalogue (guint *n_entries)
{
  *n_entries = G_N_ELEMENTS (catalogue);
  return catalogue;
}

GError *
wc_api_error_new_for_field (WcApiErrorCode  code,
                               const char        *field)
{
  const WcApiErrorInfo *info = wc_api_error_info (code);
  GError *error = g_error_new_literal (WC_API_ERROR, (int) code, info->message);

  wc_api_error_set_field (error, field != NULL ? field : info->field);
  return error;
}

GError *
wc_api_error_new (WcApiErrorCode code)
{
  return wc_api_error_new_for_field (code, NULL);
}

void
wc_api_error_set_field (GError     *error,
                           const char *field)
{
  WcApiErrorPrivate *priv = wc_api_error_get_private (error);

  g_return_if_fail (priv != NULL);
  g_free (priv->field);
  priv->field = g_strdup (field);
}

const char *
wc_api_error_get_field (const GError *error)
{
  WcApiErrorPrivate *priv = wc_api_error_get_private (error);

  return priv != NULL ? priv->field : NULL;
}

void
wc_api_error_set_retry_after (GError *error,
                                 gint64  seconds,
                                 gint64  ends_at)
{
  WcApiErrorPrivate *priv = wc_api_error_get_private (error);

  g_return_if_fail (priv != NULL);
  priv->retry_after = MAX (seconds, 1);
  priv->ends_at = ends_at;
}

gint64
wc_api_error_get_retry_after (const GError *error)
{
  WcApiErrorPrivate *priv = wc_api_error_get_private (error);

  return priv != NULL ? priv->retry_after : 0;
}

gint64
wc_api_error_get_ends_at (const GError *error)
{
  WcApiErrorPrivate *priv = wc_api_error_get_private (error);

  return priv != NULL ? priv->ends_at : 0;
}

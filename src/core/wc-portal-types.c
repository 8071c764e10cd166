/* wc-portal-types.c: see wc-portal-types.h. */
#include "wc-portal-types.h"

G_DEFINE_BOXED_TYPE (WcPortalUserInfo, wc_portal_user_info, wc_portal_user_info_copy, wc_portal_user_info_free)
G_DEFINE_BOXED_TYPE (WcPortalStatus, wc_portal_status, wc_portal_status_copy, wc_portal_status_free)
G_DEFINE_BOXED_TYPE (WcPortalLogin, wc_portal_login, wc_portal_login_copy, wc_portal_login_free)
G_DEFINE_BOXED_TYPE (WcPortalSessionInfo, wc_portal_session_info, wc_portal_session_info_copy, wc_portal_session_info_free)
G_DEFINE_BOXED_TYPE (WcPortalOtpOffer, wc_portal_otp_offer, wc_portal_otp_offer_copy, wc_portal_otp_offer_free)
G_DEFINE_BOXED_TYPE (WcPortalNewUser, wc_portal_new_user, wc_portal_new_user_copy, wc_portal_new_user_free)

WcPortalUserInfo *
wc_portal_user_info_copy (const WcPortalUserInfo *info)
{
  WcPortalUserInfo *copy = g_memdup2 (info, sizeof *info);

  copy->merchant_code = g_strdup (info->merchant_code);
  copy->user_id = g_strdup (info->user_id);
  copy->display_name = g_strdup (info->display_name);
  copy->role = g_strdup (info->role);
  return copy;
}

void
wc_portal_user_info_free (WcPortalUserInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->merchant_code);
  g_free (info->user_id);
  g_free (info->display_name);
  g_free (info->role);
  g_free (info);
}

void
wc_portal_maintenance_window_free (WcPortalMaintenanceWindow *window)
{
  if (window == NULL)
    return;
  g_free (window->message);
  g_free (window->message_ja);
  g_free (window);
}

static WcPortalMaintenanceWindow *
window_copy (const WcPortalMaintenanceWindow *window,
             gpointer                         unused)
{
  WcPortalMaintenanceWindow *copy = g_memdup2 (window, sizeof *window);

  copy->message = g_strdup (window->message);
  copy->message_ja = g_strdup (window->message_ja);
  return copy;
}

WcPortalStatus *
wc_portal_status_copy (const WcPortalStatus *status)
{
  WcPortalStatus *copy = g_memdup2 (status, sizeof *status);

  copy->name = g_strdup (status->name);
  copy->api_version = g_strdup (status->api_version);
  copy->support_name = g_strdup (status->support_name);
  copy->support_email = g_strdup (status->support_email);
  copy->support_phone = g_strdup (status->support_phone);
  copy->support_hours = g_strdup (status->support_hours);
  copy->windows = status->windows != NULL
                  ? g_ptr_array_copy (status->windows, (GCopyFunc) window_copy, NULL)
                  : NULL;
  if (copy->windows != NULL)
    g_ptr_array_set_free_func (copy->windows, (GDestroyNotify) wc_portal_maintenance_window_free);
  return copy;
}

void
wc_portal_status_free (WcPortalStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->name);
  g_free (status->api_version);
  g_free (status->support_name);
  g_free (status->support_email);
  g_free (status->support_phone);
  g_free (status->support_hours);
  g_clear_pointer (&status->windows, g_ptr_array_unref);
  g_free (status);
}

WcPortalLogin *
wc_portal_login_copy (const WcPortalLogin *login)
{
  WcPortalLogin *copy = g_memdup2 (login, sizeof *login);

  copy->user = login->user != NULL ? wc_portal_user_info_copy (login->user) : NULL;
  copy->scopes = g_strdupv (login->scopes);
  copy->required_actions = g_strdupv (login->required_actions);
  return copy;
}

void
wc_portal_login_free (WcPortalLogin *login)
{
  if (login == NULL)
    return;
  wc_portal_user_info_free (login->user);
  g_strfreev (login->scopes);
  g_strfreev (login->required_actions);
  g_free (login);
}

WcPortalSessionInfo *
wc_portal_session_info_copy (const WcPortalSessionInfo *info)
{
  WcPortalSessionInfo *copy = g_memdup2 (info, sizeof *info);

  copy->user = info->user != NULL ? wc_portal_user_info_copy (info->user) : NULL;
  copy->scopes = g_strdupv (info->scopes);
  copy->required_actions = g_strdupv (info->required_actions);
  return copy;
}

void
wc_portal_session_info_free (WcPortalSessionInfo *info)
{
  if (info == NULL)
    return;
  wc_portal_user_info_free (info->user);
  g_strfreev (info->scopes);
  g_strfreev (info->required_actions);
  g_free (info);
}

WcPortalOtpOffer *
wc_portal_otp_offer_copy (const WcPortalOtpOffer *offer)
{
  WcPortalOtpOffer *copy = g_memdup2 (offer, sizeof *offer);

  copy->secret = offer->secret != NULL ? wc_secret_ref (offer->secret) : NULL;
  copy->otpauth_uri = offer->otpauth_uri != NULL ? wc_secret_ref (offer->otpauth_uri) : NULL;
  copy->algorithm = g_strdup (offer->algorithm);
  copy->issuer = g_strdup (offer->issuer);
  copy->account = g_strdup (offer->account);
  return copy;
}

void
wc_portal_otp_offer_free (WcPortalOtpOffer *offer)
{
  if (offer == NULL)
    return;
  g_clear_pointer (&offer->secret, wc_secret_unref);
  g_clear_pointer (&offer->otpauth_uri, wc_secret_unref);
  g_free (offer->algorithm);
  g_free (offer->issuer);
  g_free (offer->account);
  g_free (offer);
}

WcPortalNewUser *
wc_portal_new_user_copy (const WcPortalNewUser *new_user)
{
  WcPortalNewUser *copy = g_new0 (WcPortalNewUser, 1);

  copy->user = new_user->user != NULL ? wc_portal_user_info_copy (new_user->user) : NULL;
  copy->initial_password = new_user->initial_password != NULL ? wc_secret_ref (new_user->initial_password) : NULL;
  return copy;
}

void
wc_portal_new_user_free (WcPortalNewUser *new_user)
{
  if (new_user == NULL)
    return;
  wc_portal_user_info_free (new_user->user);
  g_clear_pointer (&new_user->initial_password, wc_secret_unref);
  g_free (new_user);
}

const char *
wc_portal_login_method_to_string (WcPortalLoginMethod method)
{
  switch (method)
    {
    case WC_PORTAL_LOGIN_METHOD_LEGACY:
      return "legacy";
    case WC_PORTAL_LOGIN_METHOD_TABLET:
      return "tablet";
    case WC_PORTAL_LOGIN_METHOD_NEW:
    default:
      return "new";
    }
}

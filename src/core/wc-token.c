/* wc-token.c: an authenticator entry. A token read from the keyring but
 * not understood is still a WcToken, marked unreadable with the reason,
 * so that lists show it rather than silently dropping it. */
#include "wc-token.h"
#include "wc-enums.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _WcToken
{
  GObject parent_instance;

  char *uuid;
  char *issuer;
  char *account;
  char *label;
  char *problem;
  WcOtpType type;
  WcOtpAlgorithm algorithm;
  guint digits;
  guint period;
  guint64 counter;
  WcTokenState state;
  WcSecret *key;
};

G_DEFINE_FINAL_TYPE (WcToken, wc_token, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_ISSUER,
  PROP_ACCOUNT,
  PROP_LABEL,
  PROP_OTP_TYPE,
  PROP_ALGORITHM,
  PROP_DIGITS,
  PROP_PERIOD,
  PROP_COUNTER,
  PROP_STATE,
  PROP_READABLE,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_label (WcToken *self)
{
  g_autofree char *label = NULL;

  if (self->issuer != NULL && *self->issuer != '\0'
      && self->account != NULL && *self->account != '\0')
    label = g_strdup_printf ("%s (%s)", self->issuer, self->account);
  else if (self->issuer != NULL && *self->issuer != '\0')
    label = g_strdup (self->issuer);
  else
    label = g_strdup (self->account != NULL ? self->account : "");

  if (g_strcmp0 (label, self->label) != 0)
    {
      g_free (self->label);
      self->label = g_steal_pointer (&label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
    }
}

static void
wc_token_finalize (GObject *object)
{
  WcToken *self = (WcToken *) object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->key, wc_secret_unref);

  G_OBJECT_CLASS (wc_token_parent_class)->finalize (object);
}

static void
wc_token_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  WcToken *self = WC_TOKEN (object);

  switch (prop_id)
    {
    case PROP_UUID: g_value_set_string (value, self->uuid); break;
    case PROP_ISSUER: g_value_set_string (value, self->issuer); break;
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_OTP_TYPE: g_value_set_enum (value, self->type); break;
    case PROP_ALGORITHM: g_value_set_enum (value, self->algorithm); break;
    case PROP_DIGITS: g_value_set_uint (value, self->digits); break;
    case PROP_PERIOD: g_value_set_uint (value, self->period); break;
    case PROP_COUNTER: g_value_set_uint64 (value, self->counter); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_READABLE: g_value_set_boolean (value, self->problem == NULL); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_token_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  WcToken *self = WC_TOKEN (object);

  switch (prop_id)
    {
    case PROP_UUID: wc_token_set_uuid (self, g_value_get_string (value)); break;
    case PROP_ISSUER: wc_token_set_issuer (self, g_value_get_string (value)); break;
    case PROP_ACCOUNT: wc_token_set_account (self, g_value_get_string (value)); break;
    case PROP_OTP_TYPE: wc_token_set_otp_type (self, g_value_get_enum (value)); break;
    case PROP_ALGORITHM: wc_token_set_algorithm (self, g_value_get_enum (value)); break;
    case PROP_DIGITS: wc_token_set_digits (self, g_value_get_uint (value)); break;
    case PROP_PERIOD: wc_token_set_period (self, g_value_get_uint (value)); break;
    case PROP_COUNTER: wc_token_set_counter (self, g_value_get_uint64 (value)); break;
    case PROP_STATE: wc_token_set_state (self, g_value_get_enum (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_token_class_init (WcTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = wc_token_finalize;
  object_class->get_property = wc_token_get_property;
  object_class->set_property = wc_token_set_property;

  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, rw);
  properties[PROP_ISSUER] = g_param_spec_string ("issuer", NULL, NULL, NULL, rw);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, rw);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, ro);
  properties[PROP_OTP_TYPE] =
    g_param_spec_enum ("otp-type", NULL, NULL, WC_TYPE_OTP_TYPE, WC_OTP_TYPE_TOTP, rw);
  properties[PROP_ALGORITHM] =
    g_param_spec_enum ("algorithm", NULL, NULL, WC_TYPE_OTP_ALGORITHM, WC_OTP_ALGORITHM_SHA1, rw);
  properties[PROP_DIGITS] =
    g_param_spec_uint ("digits", NULL, NULL, 0, G_MAXUINT, WC_OTP_DEFAULT_DIGITS, rw);
  properties[PROP_PERIOD] =
    g_param_spec_uint ("period", NULL, NULL, 0, G_MAXUINT, WC_OTP_DEFAULT_PERIOD, rw);
  properties[PROP_COUNTER] =
    g_param_spec_uint64 ("counter", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, WC_TYPE_TOKEN_STATE, WC_TOKEN_STATE_ACTIVE, rw);
  properties[PROP_READABLE] = g_param_spec_boolean ("readable", NULL, NULL, TRUE, ro);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wc_token_init (WcToken *self)
{
  self->uuid = g_uuid_string_random ();
  self->issuer = g_strdup ("");
  self->account = g_strdup ("");
  self->label = g_strdup ("");
  self->type = WC_OTP_TYPE_TOTP;
  self->algorithm = WC_OTP_ALGORITHM_SHA1;
  self->digits = WC_OTP_DEFAULT_DIGITS;
  self->period = WC_OTP_DEFAULT_PERIOD;
}

/**
 * wc_token_new:
 *
 * Returns: (transfer full): a TOTP token with the usual defaults (SHA1,
 *   6 digits, 30 s), a fresh UUID and no key yet.
 */
WcToken *
wc_token_new (void)
{
  return g_object_new (WC_TYPE_TOKEN, NULL);
}

/**
 * wc_token_new_unreadable:
 * @uuid: (nullable): the UUID the item claims, if any
 * @label: what the keyring calls the item
 * @problem: why it cannot be used, for the user
 *
 * Returns: (transfer full): a placeholder for a keyring item that exists
 *   but cannot be understood. It has no key and produces no code.
 */
WcToken *
wc_token_new_unreadable (const char *uuid,
                         const char *label,
                         const char *problem)
{
  WcToken *self = wc_token_new ();

  g_return_val_if_fail (problem != NULL, NULL);

  if (uuid != NULL)
    wc_token_set_uuid (self, uuid);
  wc_token_set_issuer (self, label);
  self->problem = g_strdup (problem);
  return self;
}

/**
 * wc_token_copy:
 *
 * Returns: (transfer full): a token with the same fields and a new
 *   reference to the same key, for editing without touching the original.
 */
WcToken *
wc_token_copy (WcToken *self)
{
  WcToken *copy;

  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);

  copy = g_object_new (WC_TYPE_TOKEN,
                       "uuid", self->uuid,
                       "issuer", self->issuer,
                       "account", self->account,
                       "otp-type", self->type,
                       "algorithm", self->algorithm,
                       "digits", self->digits,
                       "period", self->period,
                       "counter", self->counter,
                       "state", self->state,
                       NULL);
  copy->problem = g_strdup (self->problem);
  if (self->key != NULL)
    copy->key = wc_secret_ref (self->key);
  return copy;
}

static void
set_string (WcToken    *self,
            char      **field,
            const char *value,
            int         prop)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

const char *
wc_token_get_uuid (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->uuid;
}

void
wc_token_set_uuid (WcToken    *self,
                   const char *uuid)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  g_return_if_fail (uuid != NULL);
  set_string (self, &self->uuid, uuid, PROP_UUID);
}

const char *
wc_token_get_issuer (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->issuer;
}

void
wc_token_set_issuer (WcToken    *self,
                     const char *issuer)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  set_string (self, &self->issuer, issuer, PROP_ISSUER);
  update_label (self);
}

const char *
wc_token_get_account (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->account;
}

void
wc_token_set_account (WcToken    *self,
                      const char *account)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  set_string (self, &self->account, account, PROP_ACCOUNT);
  update_label (self);
}

const char *
wc_token_get_label (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->label;
}

WcOtpType
wc_token_get_otp_type (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), WC_OTP_TYPE_TOTP);
  return self->type;
}

void
wc_token_set_otp_type (WcToken   *self,
                       WcOtpType  type)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (self->type == type)
    return;
  self->type = type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OTP_TYPE]);
}

WcOtpAlgorithm
wc_token_get_algorithm (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), WC_OTP_ALGORITHM_SHA1);
  return self->algorithm;
}

void
wc_token_set_algorithm (WcToken        *self,
                        WcOtpAlgorithm  algorithm)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (self->algorithm == algorithm)
    return;
  self->algorithm = algorithm;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALGORITHM]);
}

guint
wc_token_get_digits (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), 0);
  return self->digits;
}

void
wc_token_set_digits (WcToken *self,
                     guint    digits)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (self->digits == digits)
    return;
  self->digits = digits;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIGITS]);
}

guint
wc_token_get_period (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), 0);
  return self->period;
}

void
wc_token_set_period (WcToken *self,
                     guint    period)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (self->period == period)
    return;
  self->period = period;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD]);
}

guint64
wc_token_get_counter (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), 0);
  return self->counter;
}

void
wc_token_set_counter (WcToken *self,
                      guint64  counter)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (self->counter == counter)
    return;
  self->counter = counter;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER]);
}

/**
 * wc_token_get_state:
 *
 * Returns: whether the token is the account's active key, a pending one
 *   the portal has not confirmed yet, or one a confirmed key replaces.
 */
WcTokenState
wc_token_get_state (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), WC_TOKEN_STATE_ACTIVE);
  return self->state;
}

void
wc_token_set_state (WcToken      *self,
                    WcTokenState  state)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  g_return_if_fail (state <= WC_TOKEN_STATE_SUPERSEDED);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static const char * const state_names[] = { "active", "pending", "superseded" };

const char *
wc_token_state_to_string (WcTokenState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
wc_token_state_from_string (const char   *text,
                            WcTokenState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (text, state_names[i]) == 0)
      {
        *state = (WcTokenState) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * wc_token_get_key:
 *
 * Returns: (transfer none) (nullable): the raw key, or %NULL when the
 *   token has none (unreadable, or not filled in yet).
 */
WcSecret *
wc_token_get_key (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->key;
}

void
wc_token_set_key (WcToken  *self,
                  WcSecret *key)
{
  g_return_if_fail (WC_IS_TOKEN (self));
  if (key != NULL)
    wc_secret_ref (key);
  g_clear_pointer (&self->key, wc_secret_unref);
  self->key = key;
}

/**
 * wc_token_dup_base32_key:
 *
 * Returns: (transfer full) (nullable): the key as one upper-case base32
 *   line, the form in which it is kept in the keyring.
 */
WcSecret *
wc_token_dup_base32_key (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->key != NULL ? wc_base32_encode (self->key) : NULL;
}

gboolean
wc_token_is_readable (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), FALSE);
  return self->problem == NULL;
}

/**
 * wc_token_get_problem:
 *
 * Returns: (nullable): why an unreadable token cannot be used, or %NULL
 *   for a normal token.
 */
const char *
wc_token_get_problem (WcToken *self)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);
  return self->problem;
}

/**
 * wc_token_validate:
 *
 * Checks that the token can produce codes, with the same messages as the
 * otpauth parser gives.
 */
gboolean
wc_token_validate (WcToken  *self,
                   GError  **error)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), FALSE);

  if (self->problem != NULL)
    {
      g_set_error_literal (error, WC_STORE_ERROR, WC_STORE_ERROR_UNREADABLE, self->problem);
      return FALSE;
    }
  if (self->key == NULL)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET, _("The secret key is missing"));
      return FALSE;
    }
  if (!wc_otp_check_key (self->key, error) || !wc_otp_check_digits (self->digits, error))
    return FALSE;
  if (self->type == WC_OTP_TYPE_TOTP && !wc_otp_check_period (self->period, error))
    return FALSE;
  return TRUE;
}

/**
 * wc_token_dup_code:
 * @unix_time: the time to compute a TOTP code for; ignored for HOTP
 * @step_offset: -1 for the previous code, 0 for the current, 1 for the next
 *
 * For HOTP the current code is the one for the stored counter. Persisting
 * the counter before showing a code is the token store's job.
 *
 * Returns: (transfer full): the code, or %NULL with @error set.
 */
char *
wc_token_dup_code (WcToken  *self,
                   gint64    unix_time,
                   int       step_offset,
                   GError  **error)
{
  guint64 moving_factor;

  g_return_val_if_fail (WC_IS_TOKEN (self), NULL);

  if (!wc_token_validate (self, error))
    return NULL;

  if (self->type == WC_OTP_TYPE_TOTP)
    {
      if (unix_time < 0)
        {
          g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_TIME, _("The time lies before 1970"));
          return NULL;
        }
      moving_factor = wc_otp_totp_step (unix_time, self->period);
    }
  else
    moving_factor = self->counter;

  if ((step_offset < 0 && moving_factor < (guint64) -step_offset)
      || (step_offset > 0 && moving_factor > G_MAXINT64 - (guint64) step_offset))
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_COUNTER, _("There is no code at that position"));
      return NULL;
    }
  moving_factor += step_offset;

  return wc_otp_hotp (self->key, self->algorithm, self->digits, moving_factor, error);
}

/**
 * wc_token_get_seconds_left:
 *
 * Returns: the seconds the current TOTP code stays valid, or 0 for HOTP.
 */
guint
wc_token_get_seconds_left (WcToken *self,
                           gint64   unix_time)
{
  g_return_val_if_fail (WC_IS_TOKEN (self), 0);

  if (self->type != WC_OTP_TYPE_TOTP || self->period == 0 || unix_time < 0)
    return 0;
  return wc_otp_totp_seconds_left (unix_time, self->period);
}

/**
 * wc_token_matches:
 * @query: a UUID, "issuer:account", or a piece of either
 *
 * Returns: whether @query names this token: a case-insensitive match on
 *   the UUID prefix, or a substring of the issuer, the account, or
 *   "issuer:account".
 */
gboolean
wc_token_matches (WcToken    *self,
                  const char *query)
{
  g_autofree char *needle = NULL;
  g_autofree char *haystack = NULL;

  g_return_val_if_fail (WC_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);

  if (*query == '\0')
    return FALSE;
  if (g_str_has_prefix (self->uuid, query))
    return TRUE;

  needle = g_utf8_casefold (query, -1);
  haystack = g_utf8_casefold (self->issuer, -1);
  {
    g_autofree char *account = g_utf8_casefold (self->account, -1);
    g_autofree char *both = g_strconcat (haystack, ":", account, NULL);

    return strstr (haystack, needle) != NULL
           || strstr (account, needle) != NULL
           || strstr (both, needle) != NULL;
  }
}

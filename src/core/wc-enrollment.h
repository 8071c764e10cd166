/* wc-enrollment.h: issuing and activating a user's one-time-password key
 * (秘密鍵) so that no secret is ever lost halfway. The key goes into the
 * keyring, marked pending, before activation is asked for; a key it
 * replaces stays, marked superseded, until the portal has confirmed the
 * new one. A run that ends between the two steps (a crash, a network
 * drop) is resumed from the pending token in the keyring. */
#pragma once

#include <gio/gio.h>

#include "wc-login-session.h"
#include "wc-token.h"

G_BEGIN_DECLS

#define WC_TYPE_ENROLLMENT (wc_enrollment_get_type ())

G_DECLARE_FINAL_TYPE (WcEnrollment, wc_enrollment, WC, ENROLLMENT, GObject)

/* For the user of @session's current login (which may be a restricted
 * first login). */
WcEnrollment *wc_enrollment_new              (WcLoginSession      *session);

/* The pending token of this user left by an earlier run, or NULL (no
 * error) when there is none; it becomes the one activate uses. */
void          wc_enrollment_resume_async     (WcEnrollment        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
WcToken      *wc_enrollment_resume_finish    (WcEnrollment        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Asks the portal for a new key and stores it in the keyring as pending
 * (POST /otp/secret). Returns the pending token. A token the user already
 * has for this account is marked superseded, never removed here. */
void          wc_enrollment_issue_async      (WcEnrollment        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
WcToken      *wc_enrollment_issue_finish     (WcEnrollment        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Activates the pending key with a code made from it at portal time
 * (POST /otp/activate). On success the pending token becomes the active
 * one and superseded tokens of the account are removed. On failure
 * nothing in the keyring changes, and activate can be called again. When
 * the portal has no pending key any more (W034000001) although the
 * keyring has one, the key was either activated by a run that ended
 * before it could say so, or has expired: the error says to issue again,
 * and nothing is removed. */
void          wc_enrollment_activate_async   (WcEnrollment        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      wc_enrollment_activate_finish  (WcEnrollment        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The pending token (after issue or resume), or NULL. */
WcToken      *wc_enrollment_get_pending      (WcEnrollment        *self);
/* The otpauth:// URI of the pending or just-activated key, to show as a
 * QR code for a second device; NULL when there is none. */
WcSecret     *wc_enrollment_dup_uri          (WcEnrollment        *self);

G_END_DECLS

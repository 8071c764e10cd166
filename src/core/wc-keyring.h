/* wc-keyring.h: the Secret Service plumbing that WcTokenStore and
 * WcCredentialStore share: getting the service, turning libsecret and
 * D-Bus errors into WC_STORE_ERROR ones, and wrapping a secret for the
 * keyring. Internal to the core library; plain functions, no object. */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "wc-secret.h"

G_BEGIN_DECLS

/* What a store tells the user when the keyring fails it. Each store says
 * what the failure costs (its tokens, the remembered passwords), so the
 * words are its own: marked with N_() there, translated here. */
typedef struct {
  const char *no_service;  /* WC_STORE_ERROR_NO_SERVICE */
  const char *locked;      /* WC_STORE_ERROR_LOCKED */
} WcKeyringMessages;

/* Continues an operation once the service is there; takes over @task. */
typedef void (*WcKeyringRunFunc) (GTask *task);

/* A WC_STORE_ERROR_LOCKED error with the store's message. */
GError      *wc_keyring_locked_error     (const WcKeyringMessages *messages);

/* Sorts an error from libsecret or D-Bus into WC_STORE_ERROR, with a
 * message a person can act on. Cancellation and errors already in
 * WC_STORE_ERROR pass through. @connecting: the error came from getting
 * the service, so any failure means there is none to talk to. */
GError      *wc_keyring_map_error        (const GError            *error,
                                          gboolean                 connecting,
                                          const WcKeyringMessages *messages);

/* Returns @error from @task, mapped as by wc_keyring_map_error(). */
void         wc_keyring_return_error     (GTask                   *task,
                                          const GError            *error,
                                          const WcKeyringMessages *messages);

/* Calls @run with @task once *@service holds the Secret Service, getting
 * it first if need be; or returns the failure from @task. @service is a
 * field of the task's source object, which the task keeps alive. */
void         wc_keyring_run_with_service (GTask                   *task,
                                          SecretService          **service,
                                          const WcKeyringMessages *messages,
                                          WcKeyringRunFunc         run);

/* A text/plain value holding a copy of @text, for storing. */
SecretValue *wc_keyring_value_new        (WcSecret                *text);

G_END_DECLS

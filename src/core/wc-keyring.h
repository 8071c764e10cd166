/* wc-keyring.h: the keyring plumbing that WcTokenStore and
 * WcCredentialStore share: choosing between the Secret Service and
 * libsecret's own keyring file, getting the service, reading what a
 * search returned from either, turning libsecret and D-Bus errors into
 * WC_STORE_ERROR ones, and wrapping a secret for the keyring. Internal to
 * the core library; plain functions, no object. */
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

/* Returns @error from @task, mapped as by wc_keyring_map_error(); in the
 * keyring file (wc_keyring_in_file()), a cancellation the task's own
 * cancellable did not ask for is the Secret portal refusing the file's
 * key, and becomes WC_STORE_ERROR_NO_SERVICE. */
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

/* Whether libsecret keeps the secrets in a keyring file of its own
 * instead of the Secret Service: inside a Flatpak or Snap sandbox, where
 * the Secret portal hands libsecret the file's key, or when
 * SECRET_BACKEND=file. The Secret Service itself is then out of reach (the
 * sandbox may not talk to it), and the stores work through libsecret's
 * password API (secret_password_*v), which libsecret routes to that file.
 * This follows libsecret's own choice of backend, except that libsecret
 * also wants the portal to answer: without it, the password API goes to
 * the Secret Service, which fails in the sandbox as "no keyring" (and
 * works, without the unlock step, outside it). */
gboolean     wc_keyring_in_file          (void);

/* A new table with @attributes (may be NULL) and "xdg:schema" set to
 * @schema_name, for the password API on the keyring file. The file does
 * not record an item's schema the way the Secret Service does, so without
 * it a search in one schema would also return the other store's items.
 * The schema passed along must list "xdg:schema". */
GHashTable  *wc_keyring_file_attributes  (const char              *schema_name,
                                          GHashTable              *attributes);

/* The items a search found: from secret_service_search() when @source is
 * the service, from secret_password_searchv() (no source) otherwise. */
GList       *wc_keyring_search_finish    (GObject                 *source,
                                          GAsyncResult            *result,
                                          GError                 **error);

/* Finishes secret_service_store() or, with no @source,
 * secret_password_storev(). */
gboolean     wc_keyring_store_finish     (GObject                 *source,
                                          GAsyncResult            *result,
                                          GError                 **error);

/* The secret of an item a search returned with its secrets loaded: a
 * Secret Service item's (NULL, with *@locked set, while it is locked) or
 * a keyring file item's, which is never locked. NULL when it cannot be
 * read. */
SecretValue *wc_keyring_item_secret      (GObject                 *item,
                                          gboolean                *locked);

/* A text/plain value holding a copy of @text, for storing. */
SecretValue *wc_keyring_value_new        (WcSecret                *text);

G_END_DECLS

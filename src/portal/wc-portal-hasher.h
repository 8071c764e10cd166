/* wc-portal-hasher.h: Argon2id password hashing off the main loop. Each
 * hash or check runs in a worker thread, so logins that hash never stall
 * the requests that do not. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_HASHER (wc_portal_hasher_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalHasher, wc_portal_hasher, WC, PORTAL_HASHER, GObject)

/* OWASP's minimum for Argon2id, which PCI DSS accepts: 19 MiB, two
 * passes, one lane. */
#define WC_PORTAL_ARGON2_MEMORY_KIB 19456
#define WC_PORTAL_ARGON2_PASSES 2
#define WC_PORTAL_ARGON2_LANES 1

WcPortalHasher *wc_portal_hasher_new          (void);

/* Returns the encoded hash ($argon2id$v=19$m=…) of @password with a
 * fresh random salt. */
void            wc_portal_hasher_hash_async   (WcPortalHasher       *self,
                                               const char           *password,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char           *wc_portal_hasher_hash_finish  (WcPortalHasher       *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Checks @password against each encoded hash in turn and gives the index
 * of the first that matches, or -1. With no hashes at all it still spends
 * the time of one check, so that an unknown account answers as slowly as
 * a wrong password. */
void            wc_portal_hasher_match_async  (WcPortalHasher       *self,
                                               const char * const   *hashes,
                                               const char           *password,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
int             wc_portal_hasher_match_finish (WcPortalHasher       *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS

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

/* Checks @password against every encoded hash of @hashes (NULL-ended;
 * NULL: none) and gives the index of the first that matches, or -1. It
 * runs at least @min_checks checks, against a dummy hash where @hashes
 * has fewer, and never stops at a match: the time taken says nothing
 * about whether an account exists, which hash matched, or whether there
 * was a second hash to check. */
void            wc_portal_hasher_match_async  (WcPortalHasher       *self,
                                               const char * const   *hashes,
                                               guint                 min_checks,
                                               const char           *password,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
int             wc_portal_hasher_match_finish (WcPortalHasher       *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* How many Argon2id checks the hasher has run, for tests and benchmarks. */
guint           wc_portal_hasher_get_checks   (WcPortalHasher       *self);

G_END_DECLS

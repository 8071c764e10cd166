/* wc-secret.h: a reference-counted buffer for key material and other
 * secrets. Each lives on pages of its own, kept out of core dumps, locked
 * into RAM where the system allows, with an inaccessible page after it,
 * and wiped before it is freed: secrets do not linger in freed heap, in
 * swap or in a core file. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define WC_TYPE_SECRET (wc_secret_get_type ())

typedef struct _WcSecret WcSecret;

GType          wc_secret_get_type          (void) G_GNUC_CONST;

WcSecret      *wc_secret_new               (gsize          size);
WcSecret      *wc_secret_new_from_data     (const void    *data,
                                            gsize          size);
WcSecret      *wc_secret_new_from_text     (const char    *text);
WcSecret      *wc_secret_ref               (WcSecret      *secret);
void           wc_secret_unref             (WcSecret      *secret);

guint8        *wc_secret_get_data          (WcSecret      *secret);
gsize          wc_secret_get_size          (const WcSecret *secret);
const char    *wc_secret_get_text          (const WcSecret *secret);
gboolean       wc_secret_equal             (const WcSecret *a,
                                            const WcSecret *b);
void           wc_secret_truncate          (WcSecret      *secret,
                                            gsize          size);

/* Base32 (RFC 4648) as used by otpauth URIs. */
WcSecret      *wc_base32_normalize         (const char    *text,
                                            GError       **error);
WcSecret      *wc_base32_decode            (const char    *text,
                                            GError       **error);
WcSecret      *wc_base32_encode            (const WcSecret *key);

/* Keeps the whole process out of core dumps and out of reach of
 * ptrace by other processes of the same user (PR_SET_DUMPABLE 0). The
 * programs call it first thing: passwords also pass through memory that
 * is not a WcSecret (libsoup's and json-glib's buffers). */
void           wc_secure_process           (void);

void           wc_secure_wipe              (void          *data,
                                            gsize          size);
void           wc_secure_str_free          (char          *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcSecret, wc_secret_unref)

G_END_DECLS

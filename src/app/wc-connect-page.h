/* wc-connect-page.h: the first-start page that asks which portal to use:
 * an address with an optional pinned fingerprint, or the demo portal on
 * this computer. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WC_TYPE_CONNECT_PAGE (wc_connect_page_get_type ())

G_DECLARE_FINAL_TYPE (WcConnectPage, wc_connect_page, WC, CONNECT_PAGE, AdwBin)

/* Fills the form, e.g. with the current settings. */
void wc_connect_page_set_portal (WcConnectPage *self,
                                 const char    *url,
                                 const char    *fingerprint);
/* Shows progress (with @text) or, with @text NULL, ends it. */
void wc_connect_page_set_busy   (WcConnectPage *self,
                                 const char    *text);
/* Shows why the last attempt failed, or hides it with NULL. */
void wc_connect_page_set_error  (WcConnectPage *self,
                                 const char    *text);

G_END_DECLS

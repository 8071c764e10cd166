/* wc-migration-wizard.h: the switch from the old login to the new one in
 * four steps: the built-in authenticator (nothing to install), the
 * secret key issued and activated, child users, and a first real new
 * login. Where it stopped is kept in the settings, never a secret, so
 * that it opens there again after a restart. */
#pragma once

#include <adwaita.h>

#include "wc-login-session.h"
#include "wc-settings.h"

G_BEGIN_DECLS

#define WC_TYPE_MIGRATION_WIZARD (wc_migration_wizard_get_type ())

G_DECLARE_FINAL_TYPE (WcMigrationWizard, wc_migration_wizard, WC, MIGRATION_WIZARD, AdwWindow)

#define WC_MIGRATION_WIZARD_STEPS 4

/* A wizard for @merchant_code (may be NULL or empty: then the stored one,
 * or the current login's) on @session, transient for @parent. It opens
 * at the stored step when the stored switch is this merchant's. */
WcMigrationWizard *wc_migration_wizard_new      (GtkWindow         *parent,
                                                 WcLoginSession    *session,
                                                 WcSettings        *settings,
                                                 const char        *merchant_code);
/* The step shown, 1 to 4. */
guint              wc_migration_wizard_get_step (WcMigrationWizard *self);
/* Whether a request to the portal or the keyring is on its way. */
gboolean           wc_migration_wizard_is_busy  (WcMigrationWizard *self);

G_END_DECLS

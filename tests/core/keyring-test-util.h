/* keyring-test-util.h: what the tests against a real gnome-keyring (run
 * inside tests/run-in-session) do behind the stores' backs: lock and
 * unlock the login keyring, read and clear items directly, and ask
 * secret-tool, an independent client. Every helper fails the test when
 * the keyring does not do as asked. */
#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Whether the test runs inside tests/run-in-session, which sets
 * WC_TEST_KEYRING_PASSWORD; if not, says so on standard error. */
gboolean          keyring_test_in_session           (void);

/* The default collection, where the stores put new items. */
SecretCollection *keyring_test_login_collection     (void);

void              keyring_test_lock                 (void);

/* Unlocks the login keyring with WC_TEST_KEYRING_PASSWORD, without a
 * prompt, the way the login manager does. */
void              keyring_test_unlock_with_password (void);

/* Deletes every item whose xdg:schema is @schema's name. @schema must
 * have SECRET_SCHEMA_DONT_MATCH_NAME and list "xdg:schema", so that it
 * matches items whatever their other attributes. */
void              keyring_test_remove_all           (const SecretSchema *schema);

/* The token store's schema name without attribute checking (and with
 * "xdg:schema"), so that a test can plant items the store would never
 * write, and clear them all. */
const SecretSchema *keyring_test_token_schema      (void);

/* The items that match the attribute names and values that follow, as
 * pairs ended by NULL, with their secrets loaded. */
GList            *keyring_test_find_items           (const SecretSchema *schema,
                                                     ...) G_GNUC_NULL_TERMINATED;

/* Runs secret-tool with @args (ended by NULL), @input (if not NULL) on
 * its standard input. Returns whether it succeeded; @output (if not
 * NULL) gets its standard output. */
gboolean          keyring_test_secret_tool          (const char * const *args,
                                                     const char         *input,
                                                     char              **output);

G_END_DECLS

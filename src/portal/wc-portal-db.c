/* wc-portal-db.c: see wc-portal-db.h. */
#include "wc-portal-db.h"

#include <sqlite3.h>
#include <string.h>

struct _WcPortalDb {
  GObject parent_instance;
  sqlite3 *db;
  int version;
  GHashTable *statements;   /* SQL text → prepared statement, kept */
};

G_DEFINE_FINAL_TYPE (WcPortalDb, wc_portal_db, G_TYPE_OBJECT)

/* Each entry moves the schema from version i to i + 1. Never edit one
 * that has shipped: add a new one. */
static const char *migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE merchants ("
  "  code TEXT PRIMARY KEY,"
  "  legacy_hash TEXT NOT NULL,"
  "  legacy_changed_at INTEGER NOT NULL,"
  "  legacy_must_change INTEGER NOT NULL DEFAULT 1,"
  "  legacy_temp_hash TEXT,"
  "  legacy_temp_expires_at INTEGER NOT NULL DEFAULT 0,"
  "  legacy_reset_at INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE TABLE users ("
  "  merchant_code TEXT NOT NULL REFERENCES merchants (code) ON DELETE CASCADE,"
  "  user_id TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('main', 'general', 'shipping')),"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  password_hash TEXT NOT NULL,"
  "  password_changed_at INTEGER NOT NULL,"
  "  must_change INTEGER NOT NULL DEFAULT 1,"
  "  otp_secret BLOB,"
  "  otp_pending BLOB,"
  "  otp_pending_at INTEGER NOT NULL DEFAULT 0,"
  "  otp_last_step INTEGER NOT NULL DEFAULT -1,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (merchant_code, user_id)"
  ") STRICT;"
  "CREATE TABLE password_history ("
  "  id INTEGER PRIMARY KEY,"
  "  merchant_code TEXT NOT NULL REFERENCES merchants (code) ON DELETE CASCADE,"
  "  user_id TEXT NOT NULL," /* '' for the old-login password */
  "  hash TEXT NOT NULL,"
  "  changed_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX password_history_owner ON password_history (merchant_code, user_id, id);"
  "CREATE TABLE maintenance_windows ("
  "  id INTEGER PRIMARY KEY,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),"
  "  message TEXT NOT NULL,"
  "  message_ja TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE lockouts ("
  "  account TEXT PRIMARY KEY,"
  "  failed INTEGER NOT NULL,"
  "  locked_until INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX lockouts_age ON lockouts (updated_at);"
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL"
  ") STRICT;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == WC_PORTAL_DB_VERSION);

static gboolean
fail (WcPortalDb  *self,
      GError     **error,
      const char  *what)
{
  int code = self->db != NULL ? sqlite3_extended_errcode (self->db) : SQLITE_ERROR;

  if ((code & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s: %s", what, sqlite3_errmsg (self->db));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
                 self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (code));
  return FALSE;
}

static gboolean
exec (WcPortalDb  *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail (self, error, "database");
  return TRUE;
}

/* Statements are compiled once and kept: compiling the SQL again for
 * every query cost more than running it. A statement handed out is reset
 * when its g_autoptr goes out of scope. */
typedef sqlite3_stmt Statement;

static void
statement_release (Statement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Statement, statement_release)

static Statement *
prepare (WcPortalDb  *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      fail (self, error, "database");
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (WcPortalDb    *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return fail (self, error, "database");
  return TRUE;
}

/* Runs a statement that must change exactly one row; none is
 * G_IO_ERROR_NOT_FOUND, naming @what. */
static gboolean
step_one_row (WcPortalDb    *self,
              sqlite3_stmt  *stmt,
              const char    *what,
              GError       **error)
{
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such %s", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
begin (WcPortalDb  *self,
       GError     **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit_or_rollback (WcPortalDb  *self,
                    gboolean     ok,
                    GError     **error)
{
  if (ok)
    return exec (self, "COMMIT", error);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize size = 0;
  gconstpointer data;

  if (bytes == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  sqlite3_bind_blob (stmt, index, data != NULL ? data : "", (int) size, SQLITE_TRANSIENT);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, index), (gsize) sqlite3_column_bytes (stmt, index));
}

static void
wc_portal_db_finalize (GObject *object)
{
  WcPortalDb *self = (WcPortalDb *) object;

  g_hash_table_unref (self->statements);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);

  G_OBJECT_CLASS (wc_portal_db_parent_class)->finalize (object);
}

static void
wc_portal_db_class_init (WcPortalDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_portal_db_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
wc_portal_db_init (WcPortalDb *self)
{
  /* Keyed by the address of the SQL literal: every statement's text is a
   * string constant in this file. */
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
}

static gboolean
migrate (WcPortalDb  *self,
         GError     **error)
{
  g_autoptr(Statement) stmt = prepare (self, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return fail (self, error, "database");
  self->version = sqlite3_column_int (stmt, 0);

  if (self->version > WC_PORTAL_DB_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the database has schema version %d, newer than this portal understands (%d); "
                   "use a newer webcollect-portal", self->version, WC_PORTAL_DB_VERSION);
      return FALSE;
    }

  while (self->version < WC_PORTAL_DB_VERSION)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", self->version + 1);

      if (!begin (self, error))
        return FALSE;
      if (!commit_or_rollback (self, exec (self, migrations[self->version], error)
                                     && exec (self, bump, error), error))
        return FALSE;
      self->version++;
    }
  return TRUE;
}

WcPortalDb *
wc_portal_db_open (const char  *path,
                   GError     **error)
{
  g_autoptr(WcPortalDb) self = g_object_new (WC_TYPE_PORTAL_DB, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open the database %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  /* WAL keeps readers and the writer apart and survives a kill at any
   * point; FULL syncs each commit, so a finished request is on disk. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error)
      || !exec (self, "PRAGMA synchronous = FULL", error)
      || !exec (self, "PRAGMA foreign_keys = ON", error)
      || !exec (self, "PRAGMA secure_delete = ON", error)
      || !migrate (self, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

int
wc_portal_db_get_version (WcPortalDb *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_DB (self), -1);
  return self->version;
}

/* Records. */

void
wc_portal_merchant_free (WcPortalMerchant *merchant)
{
  if (merchant == NULL)
    return;
  g_free (merchant->code);
  g_free (merchant->legacy_hash);
  g_free (merchant->legacy_temp_hash);
  g_free (merchant);
}

void
wc_portal_user_free (WcPortalUser *user)
{
  if (user == NULL)
    return;
  g_free (user->merchant_code);
  g_free (user->user_id);
  g_free (user->display_name);
  g_free (user->role);
  g_free (user->password_hash);
  g_clear_pointer (&user->otp_secret, g_bytes_unref);
  g_clear_pointer (&user->otp_pending, g_bytes_unref);
  g_free (user);
}

WcPortalUser *
wc_portal_user_copy (const WcPortalUser *user)
{
  WcPortalUser *copy = g_memdup2 (user, sizeof *user);

  copy->merchant_code = g_strdup (user->merchant_code);
  copy->user_id = g_strdup (user->user_id);
  copy->display_name = g_strdup (user->display_name);
  copy->role = g_strdup (user->role);
  copy->password_hash = g_strdup (user->password_hash);
  copy->otp_secret = user->otp_secret != NULL ? g_bytes_ref (user->otp_secret) : NULL;
  copy->otp_pending = user->otp_pending != NULL ? g_bytes_ref (user->otp_pending) : NULL;
  return copy;
}

void
wc_portal_maintenance_free (WcPortalMaintenance *window)
{
  if (window == NULL)
    return;
  g_free (window->message);
  g_free (window->message_ja);
  g_free (window);
}

/* Merchants. */

gboolean
wc_portal_db_add_merchant (WcPortalDb  *self,
                           const char  *code,
                           const char  *display_name,
                           const char  *legacy_hash,
                           const char  *main_hash,
                           gint64       now,
                           GError     **error)
{
  g_autoptr(Statement) merchant = NULL;
  g_autoptr(Statement) user = NULL;
  g_autoptr(Statement) history = NULL;
  gboolean ok;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  if (!begin (self, error))
    return FALSE;

  merchant = prepare (self, "INSERT INTO merchants (code, legacy_hash, legacy_changed_at, legacy_must_change, created_at) "
                            "VALUES (?1, ?2, ?3, 1, ?3)", error);
  user = prepare (self, "INSERT INTO users (merchant_code, user_id, display_name, role, password_hash, "
                        "password_changed_at, must_change, created_at) "
                        "VALUES (?1, ?1, ?4, 'main', ?2, ?3, 1, ?3)", error);
  history = prepare (self, "INSERT INTO password_history (merchant_code, user_id, hash, changed_at) "
                           "VALUES (?1, '', ?2, ?4), (?1, ?1, ?3, ?4)", error);
  ok = merchant != NULL && user != NULL && history != NULL;
  if (ok)
    {
      bind_text (merchant, 1, code);
      bind_text (merchant, 2, legacy_hash);
      sqlite3_bind_int64 (merchant, 3, now);
      bind_text (user, 1, code);
      bind_text (user, 2, main_hash);
      sqlite3_bind_int64 (user, 3, now);
      bind_text (user, 4, display_name != NULL ? display_name : code);
      bind_text (history, 1, code);
      bind_text (history, 2, legacy_hash);
      bind_text (history, 3, main_hash);
      sqlite3_bind_int64 (history, 4, now);
      ok = step_done (self, merchant, error) && step_done (self, user, error)
           && step_done (self, history, error);
    }
  return commit_or_rollback (self, ok, error);
}

WcPortalMerchant *
wc_portal_db_get_merchant (WcPortalDb  *self,
                           const char  *code,
                           GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  WcPortalMerchant *merchant;
  int rc;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), NULL);

  stmt = prepare (self, "SELECT code, legacy_hash, legacy_changed_at, legacy_must_change, legacy_temp_hash, "
                        "legacy_temp_expires_at, legacy_reset_at, created_at FROM merchants WHERE code = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      fail (self, error, "database");
      return NULL;
    }

  merchant = g_new0 (WcPortalMerchant, 1);
  merchant->code = column_text (stmt, 0);
  merchant->legacy_hash = column_text (stmt, 1);
  merchant->legacy_changed_at = sqlite3_column_int64 (stmt, 2);
  merchant->legacy_must_change = sqlite3_column_int (stmt, 3) != 0;
  merchant->legacy_temp_hash = column_text (stmt, 4);
  merchant->legacy_temp_expires_at = sqlite3_column_int64 (stmt, 5);
  merchant->legacy_reset_at = sqlite3_column_int64 (stmt, 6);
  merchant->created_at = sqlite3_column_int64 (stmt, 7);
  return merchant;
}

gboolean
wc_portal_db_set_legacy_temp (WcPortalDb  *self,
                              const char  *code,
                              const char  *temp_hash,
                              gint64       expires_at,
                              gint64       now,
                              GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  stmt = prepare (self, "UPDATE merchants SET legacy_temp_hash = ?2, legacy_temp_expires_at = ?3, "
                        "legacy_reset_at = ?4 WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, code);
  bind_text (stmt, 2, temp_hash);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  sqlite3_bind_int64 (stmt, 4, now);
  return step_done (self, stmt, error);
}

/* Users. */

#define USER_COLUMNS \
  "merchant_code, user_id, display_name, role, disabled, password_hash, password_changed_at, " \
  "must_change, otp_secret, otp_pending, otp_pending_at, otp_last_step, created_at"

static WcPortalUser *
user_from_row (sqlite3_stmt *stmt)
{
  WcPortalUser *user = g_new0 (WcPortalUser, 1);

  user->merchant_code = column_text (stmt, 0);
  user->user_id = column_text (stmt, 1);
  user->display_name = column_text (stmt, 2);
  user->role = column_text (stmt, 3);
  user->disabled = sqlite3_column_int (stmt, 4) != 0;
  user->password_hash = column_text (stmt, 5);
  user->password_changed_at = sqlite3_column_int64 (stmt, 6);
  user->must_change = sqlite3_column_int (stmt, 7) != 0;
  user->otp_secret = column_bytes (stmt, 8);
  user->otp_pending = column_bytes (stmt, 9);
  user->otp_pending_at = sqlite3_column_int64 (stmt, 10);
  user->otp_last_step = sqlite3_column_int64 (stmt, 11);
  user->created_at = sqlite3_column_int64 (stmt, 12);
  return user;
}

static void
bind_user (sqlite3_stmt       *stmt,
           const WcPortalUser *user)
{
  bind_text (stmt, 1, user->merchant_code);
  bind_text (stmt, 2, user->user_id);
  bind_text (stmt, 3, user->display_name);
  bind_text (stmt, 4, user->role);
  sqlite3_bind_int (stmt, 5, user->disabled ? 1 : 0);
  bind_text (stmt, 6, user->password_hash);
  sqlite3_bind_int64 (stmt, 7, user->password_changed_at);
  sqlite3_bind_int (stmt, 8, user->must_change ? 1 : 0);
  bind_bytes (stmt, 9, user->otp_secret);
  bind_bytes (stmt, 10, user->otp_pending);
  sqlite3_bind_int64 (stmt, 11, user->otp_pending_at);
  sqlite3_bind_int64 (stmt, 12, user->otp_last_step);
  sqlite3_bind_int64 (stmt, 13, user->created_at);
}

WcPortalUser *
wc_portal_db_get_user (WcPortalDb  *self,
                       const char  *merchant_code,
                       const char  *user_id,
                       GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  int rc;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), NULL);

  stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users WHERE merchant_code = ?1 AND user_id = ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, merchant_code);
  bind_text (stmt, 2, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return user_from_row (stmt);
  if (rc != SQLITE_DONE)
    fail (self, error, "database");
  return NULL;
}

GPtrArray *
wc_portal_db_list_users (WcPortalDb  *self,
                         const char  *merchant_code,
                         GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_portal_user_free);
  int rc;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), NULL);

  stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users WHERE merchant_code = ?1 "
                        "ORDER BY role <> 'main', user_id", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, merchant_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "database");
      return NULL;
    }
  return g_steal_pointer (&users);
}

int
wc_portal_db_count_children (WcPortalDb  *self,
                             const char  *merchant_code,
                             GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), -1);

  stmt = prepare (self, "SELECT count(*) FROM users WHERE merchant_code = ?1 AND role <> 'main'", error);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, merchant_code);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      fail (self, error, "database");
      return -1;
    }
  return sqlite3_column_int (stmt, 0);
}

gboolean
wc_portal_db_insert_user (WcPortalDb          *self,
                          const WcPortalUser  *user,
                          GError             **error)
{
  g_autoptr(Statement) stmt = NULL;
  g_autoptr(Statement) history = NULL;
  gboolean ok;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "INSERT INTO users (" USER_COLUMNS ") "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
  history = prepare (self, "INSERT INTO password_history (merchant_code, user_id, hash, changed_at) "
                           "VALUES (?1, ?2, ?3, ?4)", error);
  ok = stmt != NULL && history != NULL;
  if (ok)
    {
      bind_user (stmt, user);
      bind_text (history, 1, user->merchant_code);
      bind_text (history, 2, user->user_id);
      bind_text (history, 3, user->password_hash);
      sqlite3_bind_int64 (history, 4, user->password_changed_at);
      ok = step_done (self, stmt, error) && step_done (self, history, error);
    }
  return commit_or_rollback (self, ok, error);
}

gboolean
wc_portal_db_save_user (WcPortalDb          *self,
                        const WcPortalUser  *user,
                        GError             **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  stmt = prepare (self, "UPDATE users SET display_name = ?3, role = ?4, disabled = ?5, password_hash = ?6, "
                        "password_changed_at = ?7, must_change = ?8, otp_secret = ?9, otp_pending = ?10, "
                        "otp_pending_at = ?11, otp_last_step = ?12, created_at = ?13 "
                        "WHERE merchant_code = ?1 AND user_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_user (stmt, user);
  return step_one_row (self, stmt, "user", error);
}

gboolean
wc_portal_db_delete_user (WcPortalDb  *self,
                          const char  *merchant_code,
                          const char  *user_id,
                          GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  g_autoptr(Statement) history = NULL;
  gboolean ok;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM users WHERE merchant_code = ?1 AND user_id = ?2 AND role <> 'main'", error);
  history = prepare (self, "DELETE FROM password_history WHERE merchant_code = ?1 AND user_id = ?2", error);
  ok = stmt != NULL && history != NULL;
  if (ok)
    {
      bind_text (stmt, 1, merchant_code);
      bind_text (stmt, 2, user_id);
      bind_text (history, 1, merchant_code);
      bind_text (history, 2, user_id);
      ok = step_one_row (self, stmt, "user", error) && step_done (self, history, error);
    }
  return commit_or_rollback (self, ok, error);
}

/* Passwords. */

GStrv
wc_portal_db_password_history (WcPortalDb  *self,
                               const char  *merchant_code,
                               const char  *user_id,
                               guint        limit,
                               GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  g_autoptr(GStrvBuilder) hashes = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), NULL);

  stmt = prepare (self, "SELECT hash FROM password_history WHERE merchant_code = ?1 AND user_id = ?2 "
                        "ORDER BY id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, merchant_code);
  bind_text (stmt, 2, user_id != NULL ? user_id : "");
  sqlite3_bind_int (stmt, 3, (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (hashes, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "database");
      return NULL;
    }
  return g_strv_builder_end (hashes);
}

gboolean
wc_portal_db_set_password (WcPortalDb  *self,
                           const char  *merchant_code,
                           const char  *user_id,
                           const char  *hash,
                           gboolean     must_change,
                           gint64       now,
                           GError     **error)
{
  g_autoptr(Statement) update = NULL;
  g_autoptr(Statement) history = NULL;
  gboolean ok;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  if (user_id == NULL)
    update = prepare (self, "UPDATE merchants SET legacy_hash = ?3, legacy_changed_at = ?4, "
                            "legacy_must_change = ?5, legacy_temp_hash = NULL, legacy_temp_expires_at = 0 "
                            "WHERE code = ?1 AND ?2 = ''", error);
  else
    update = prepare (self, "UPDATE users SET password_hash = ?3, password_changed_at = ?4, "
                            "must_change = ?5 WHERE merchant_code = ?1 AND user_id = ?2", error);
  history = prepare (self, "INSERT INTO password_history (merchant_code, user_id, hash, changed_at) "
                           "VALUES (?1, ?2, ?3, ?4)", error);
  ok = update != NULL && history != NULL;
  if (ok)
    {
      bind_text (update, 1, merchant_code);
      bind_text (update, 2, user_id != NULL ? user_id : "");
      bind_text (update, 3, hash);
      sqlite3_bind_int64 (update, 4, now);
      sqlite3_bind_int (update, 5, must_change ? 1 : 0);
      bind_text (history, 1, merchant_code);
      bind_text (history, 2, user_id != NULL ? user_id : "");
      bind_text (history, 3, hash);
      sqlite3_bind_int64 (history, 4, now);
      ok = step_one_row (self, update, "account", error) && step_done (self, history, error);
    }
  return commit_or_rollback (self, ok, error);
}

/* Lockouts. */

void
wc_portal_db_get_lockout (WcPortalDb *self,
                          const char *account,
                          guint      *failed,
                          gint64     *locked_until)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_if_fail (WC_IS_PORTAL_DB (self));

  *failed = 0;
  *locked_until = 0;
  stmt = prepare (self, "SELECT failed, locked_until FROM lockouts WHERE account = ?1", NULL);
  if (stmt == NULL)
    return;
  bind_text (stmt, 1, account);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *failed = (guint) sqlite3_column_int (stmt, 0);
      *locked_until = sqlite3_column_int64 (stmt, 1);
    }
}

gint64
wc_portal_db_record_failure (WcPortalDb  *self,
                             const char  *account,
                             gint64       now,
                             guint        attempts,
                             gint64       lock_seconds,
                             GError     **error)
{
  g_autoptr(Statement) count = NULL;
  g_autoptr(Statement) lock = NULL;
  g_autoptr(Statement) prune = NULL;
  gint64 locked_until = 0;
  gboolean ok;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), 0);

  if (!begin (self, error))
    return 0;
  /* A lock that has run out starts a fresh count. */
  count = prepare (self, "INSERT INTO lockouts (account, failed, locked_until, updated_at) VALUES (?1, 1, 0, ?2) "
                         "ON CONFLICT (account) DO UPDATE SET "
                         "failed = CASE WHEN locked_until > 0 AND locked_until <= ?2 THEN 1 ELSE failed + 1 END, "
                         "locked_until = CASE WHEN locked_until <= ?2 THEN 0 ELSE locked_until END, "
                         "updated_at = ?2 "
                         "RETURNING failed", error);
  lock = prepare (self, "UPDATE lockouts SET failed = 0, locked_until = ?2 WHERE account = ?1", error);
  /* Counts for names nobody has tried for a day are forgotten, so that
   * guessing at random names cannot fill the disk. */
  prune = prepare (self, "DELETE FROM lockouts WHERE updated_at < ?1 AND locked_until <= ?2", error);
  ok = count != NULL && lock != NULL && prune != NULL;
  if (ok)
    {
      bind_text (count, 1, account);
      sqlite3_bind_int64 (count, 2, now);
      ok = sqlite3_step (count) == SQLITE_ROW;
      if (!ok)
        fail (self, error, "database");
    }
  if (ok && (guint) sqlite3_column_int (count, 0) >= attempts)
    {
      locked_until = now + lock_seconds;
      bind_text (lock, 1, account);
      sqlite3_bind_int64 (lock, 2, locked_until);
      ok = step_done (self, lock, error);
    }
  if (ok)
    {
      sqlite3_reset (count);
      sqlite3_bind_int64 (prune, 1, now - 24 * 3600);
      sqlite3_bind_int64 (prune, 2, now);
      ok = step_done (self, prune, error);
    }
  if (!commit_or_rollback (self, ok, error))
    return 0;
  return locked_until;
}

gboolean
wc_portal_db_clear_failures (WcPortalDb  *self,
                             const char  *account,
                             GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  stmt = prepare (self, "DELETE FROM lockouts WHERE account = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, account);
  return step_done (self, stmt, error);
}

/* Maintenance windows and settings. */

GPtrArray *
wc_portal_db_list_maintenance (WcPortalDb  *self,
                               GError     **error)
{
  g_autoptr(Statement) stmt = NULL;
  g_autoptr(GPtrArray) windows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) wc_portal_maintenance_free);
  int rc;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), NULL);

  stmt = prepare (self, "SELECT id, starts_at, ends_at, message, message_ja FROM maintenance_windows "
                        "ORDER BY starts_at, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WcPortalMaintenance *window = g_new0 (WcPortalMaintenance, 1);

      window->id = sqlite3_column_int64 (stmt, 0);
      window->starts_at = sqlite3_column_int64 (stmt, 1);
      window->ends_at = sqlite3_column_int64 (stmt, 2);
      window->message = column_text (stmt, 3);
      window->message_ja = column_text (stmt, 4);
      g_ptr_array_add (windows, window);
    }
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "database");
      return NULL;
    }
  return g_steal_pointer (&windows);
}

gint64
wc_portal_db_add_maintenance (WcPortalDb  *self,
                              gint64       starts_at,
                              gint64       ends_at,
                              const char  *message,
                              const char  *message_ja,
                              GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), -1);

  stmt = prepare (self, "INSERT INTO maintenance_windows (starts_at, ends_at, message, message_ja) "
                        "VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, starts_at);
  sqlite3_bind_int64 (stmt, 2, ends_at);
  bind_text (stmt, 3, message);
  bind_text (stmt, 4, message_ja);
  if (!step_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
wc_portal_db_clear_maintenance (WcPortalDb  *self,
                                GError     **error)
{
  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);
  return exec (self, "DELETE FROM maintenance_windows", error);
}

gint64
wc_portal_db_get_setting_int (WcPortalDb *self,
                              const char *key,
                              gint64      fallback)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), fallback);

  stmt = prepare (self, "SELECT value FROM settings WHERE key = ?1", NULL);
  if (stmt == NULL)
    return fallback;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return fallback;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
wc_portal_db_set_setting_int (WcPortalDb  *self,
                              const char  *key,
                              gint64       value,
                              GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  stmt = prepare (self, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, value);
  return step_done (self, stmt, error);
}

gboolean
wc_portal_db_delete_setting (WcPortalDb  *self,
                             const char  *key,
                             GError     **error)
{
  g_autoptr(Statement) stmt = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_DB (self), FALSE);

  stmt = prepare (self, "DELETE FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  return step_done (self, stmt, error);
}

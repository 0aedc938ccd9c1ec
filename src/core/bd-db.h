/* bd-db.h: the desk database (SQLite).
 *
 * One BdDb per thread (SQLite connections are not shared across threads).
 * Opening applies the pragmas of DESIGN.md (WAL, synchronous=FULL, foreign
 * keys, busy timeout) and the numbered migrations compiled into the core,
 * each in its own transaction.  A database written by a newer borderdesk
 * is refused.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define BD_DB_ERROR (bd_db_error_quark ())
GQuark bd_db_error_quark (void);

typedef enum {
  BD_DB_ERROR_SQLITE,           /* message from sqlite3_errmsg */
  BD_DB_ERROR_TOO_NEW,          /* user_version above what this build knows */
  BD_DB_ERROR_NOT_INITIALISED,  /* no post: run `borderdesk-admin init` */
  BD_DB_ERROR_IO,               /* file system (errno message) */
  BD_DB_ERROR_FULL,             /* disk full: nothing was written */
  BD_DB_ERROR_BUSY,             /* another writer held the lock too long */
} BdDbError;

typedef enum {
  BD_DB_OPEN_DEFAULT = 0,
  BD_DB_OPEN_CREATE = 1 << 0,   /* create the file (and its directory, 0700) */
} BdDbOpenFlags;

typedef struct _BdDb BdDb;

BdDb         *bd_db_open              (const char     *path,
                                       BdDbOpenFlags   flags,
                                       GError        **error);
void          bd_db_close             (BdDb           *db);
sqlite3      *bd_db_handle            (BdDb           *db);
const char   *bd_db_path              (BdDb           *db);
int           bd_db_schema_version    (BdDb           *db);
int           bd_db_latest_version    (void);

/* A cached prepared statement for @sql, reset and with bindings cleared.
 * Borrowed: do not finalize.  @sql must be a string literal (its address
 * is the cache key). */
sqlite3_stmt *bd_db_stmt              (BdDb           *db,
                                       const char     *sql,
                                       GError        **error);
gboolean      bd_db_exec              (BdDb           *db,
                                       const char     *sql,
                                       GError        **error);

/* Write transactions.  bd_db_begin takes BEGIN IMMEDIATE, or a SAVEPOINT
 * when a transaction is already open, so core calls compose inside a
 * caller's larger transaction (demo seed, imports).  Every begin is
 * matched by exactly one commit or rollback. */
gboolean      bd_db_begin             (BdDb           *db,
                                       GError        **error);
gboolean      bd_db_commit            (BdDb           *db,
                                       GError        **error);
void          bd_db_rollback          (BdDb           *db);

/* Sets @error from the connection's last error (sqlite3_errmsg), mapping
 * SQLITE_FULL and SQLITE_BUSY to their own codes.  Returns FALSE. */
gboolean      bd_db_set_error         (BdDb           *db,
                                       GError        **error,
                                       const char     *what);

/* Column helpers: text as a new string ("" never NULL unless the column is NULL). */
char         *bd_db_column_dup        (sqlite3_stmt   *stmt,
                                       int             column);

/* The default database path (CONTRACT.md): $BORDERDESK_DB, else
 * $XDG_DATA_HOME/borderdesk/desk.db. */
char         *bd_db_default_path      (void);

void          bd_db_free              (BdDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDb, bd_db_close)

G_END_DECLS

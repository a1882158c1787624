/* CSQLite: SQLite 3 for HubStorage (durable leases, accounting spool, checkpoints).
 * SQLITE_TRANSIENT is a cast macro ((sqlite3_destructor_type)-1) the importer skips. */
#ifndef IKEHUB_CSQLITE_SHIM_H
#define IKEHUB_CSQLITE_SHIM_H
#include <sqlite3.h>
static inline sqlite3_destructor_type shim_SQLITE_TRANSIENT(void) { return SQLITE_TRANSIENT; }
#endif

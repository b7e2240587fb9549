/**
 * SPI implementation: the {@code sqlite} database dumper (SQLite's online backup API for the dump,
 * an atomic file swap for the restore). Public types: {@link
 * io.backupkit.backup.db.sqlite.SqliteDumperProvider} (found by {@link java.util.ServiceLoader}) and
 * the exceptions {@link io.backupkit.backup.db.sqlite.SqliteDatabaseInUseException} and {@link
 * io.backupkit.backup.db.sqlite.SqliteDatabaseBusyException}; everything else is internal.
 */
package io.backupkit.backup.db.sqlite;

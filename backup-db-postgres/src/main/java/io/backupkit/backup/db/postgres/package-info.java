/**
 * SPI implementation: the {@code postgres} database dumper ({@code pg_dump} custom format, restore in
 * one transaction through {@code pg_restore} and {@code psql}). Public types: {@link
 * io.backupkit.backup.db.postgres.PostgresDumperProvider} (found by {@link java.util.ServiceLoader}),
 * {@link io.backupkit.backup.db.postgres.PostgresDumper} and {@link
 * io.backupkit.backup.db.postgres.PostgresOptions}; everything else is internal.
 */
package io.backupkit.backup.db.postgres;

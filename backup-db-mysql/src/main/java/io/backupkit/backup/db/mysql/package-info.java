/**
 * The {@code mysql} database dumper for MySQL 8 and MariaDB 10.6+, built on the native tools
 * ({@code mariadb-dump}/{@code mariadb} or {@code mysqldump}/{@code mysql}). SPI implementation: only
 * {@link io.backupkit.backup.db.mysql.MysqlDumperProvider} (found by {@link java.util.ServiceLoader})
 * and {@link io.backupkit.backup.db.mysql.MysqlDumper} are public; everything else is internal.
 */
package io.backupkit.backup.db.mysql;

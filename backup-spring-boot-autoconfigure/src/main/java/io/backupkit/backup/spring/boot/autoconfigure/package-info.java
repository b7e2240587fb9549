/**
 * API: Spring Boot auto-configuration of backupkit: a {@link io.backupkit.backup.BackupManager} bean
 * from the {@code backupkit.*} properties and the application's DataSource, the Flyway pre-upgrade
 * backup and the daily scheduler.
 */
package io.backupkit.backup.spring.boot.autoconfigure;

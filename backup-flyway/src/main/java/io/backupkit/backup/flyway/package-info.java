/** API: a Flyway callback that takes a {@code pre-upgrade} backup before pending migrations run. */
package io.backupkit.backup.flyway;

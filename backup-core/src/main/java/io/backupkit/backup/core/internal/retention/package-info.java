/** Internal: which backups a {@link io.backupkit.backup.RetentionPolicy} keeps. */
package io.backupkit.backup.core.internal.retention;

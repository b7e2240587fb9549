/** Example (not API): a host application that embeds {@link io.backupkit.backup.BackupManager}. */
package io.backupkit.examples.inventory;

/**
 * API of backup-core: the daily (or every-N-days) backup scheduler. Off by default; whether a
 * backup is due is read from the storage, so it survives restarts and works across instances.
 */
package io.backupkit.backup.core.schedule;

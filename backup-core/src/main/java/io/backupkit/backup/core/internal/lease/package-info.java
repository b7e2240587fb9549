/**
 * Internal: the storage lease ({@link io.backupkit.backup.core.internal.lease.StorageLease}), a single-flight
 * lock across processes kept as one object in the backup storage, so that only one create, restore
 * or prune changes a storage at a time.
 */
package io.backupkit.backup.core.internal.lease;

/**
 * The engine's internals (create and restore operations, manifest, archive, pipeline, lease, dedup,
 * retention): not API. Nothing outside backup-core uses them; hosts use {@code io.backupkit.backup}.
 */
package io.backupkit.backup.core.internal;

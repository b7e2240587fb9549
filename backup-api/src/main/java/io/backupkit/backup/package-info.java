/**
 * API: the {@link io.backupkit.backup.BackupManager} facade, its value records and its exceptions.
 *
 * <p>A backup is a set of objects in a storage: a native database dump, a tar archive of the media
 * folder, and a manifest written last. The manifest's existence is the commit point: objects without
 * one are invisible to listing, restore and retention.
 *
 * <p>This package has no runtime dependencies and logs nothing.
 */
package io.backupkit.backup;

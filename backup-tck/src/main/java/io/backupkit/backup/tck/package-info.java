/**
 * The technology compatibility kit (TCK): contract tests that every provider must pass, shipped as
 * a normal jar so provider modules use it in test scope. API for provider authors.
 *
 * <ul>
 *   <li>{@link io.backupkit.backup.tck.BackupStorageContract}: extend it once per storage provider
 *       and implement {@code createStorage()}.
 *   <li>{@link io.backupkit.backup.tck.FaultInjectingStorage}: a storage decorator that injects
 *       write, commit and read faults for failure tests.
 *   <li>{@code DatabaseDumperContract}: the same for database dumpers.
 * </ul>
 */
package io.backupkit.backup.tck;

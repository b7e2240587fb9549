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
 *   <li>{@link io.backupkit.backup.tck.KillDuringCreate}: the check that a process killed with
 *       {@code kill -9} in {@code create()} leaves nothing listed that is incomplete, and that prune
 *       removes its leftovers once its lease expired; run it from a failsafe {@code *IT} with a
 *       child main that calls {@code KillDuringCreate.runChild}.
 *   <li>{@link io.backupkit.backup.tck.ChildJvm}: a JVM started on the test class path, its output
 *       read line by line (wait for a readiness line, kill it with SIGKILL).
 *   <li>{@link io.backupkit.backup.tck.TcpRelay}: a loopback TCP relay in front of a local server
 *       (a throttled uplink, a cut response, or a handler of one's own) for failure tests on the
 *       wire.
 *   <li>{@link io.backupkit.backup.tck.Providers}: a provider found by id through ServiceLoader, as
 *       the library finds it (fails naming the {@code META-INF/services} file to fix).
 *   <li>{@code Race}, {@code DumpFiles}: smaller helpers for lease races and dump files.
 *   <li>{@code fixtures}: the state of a media folder and of an H2 database to compare before and
 *       after a restore, and running SQL statements.
 * </ul>
 */
package io.backupkit.backup.tck;

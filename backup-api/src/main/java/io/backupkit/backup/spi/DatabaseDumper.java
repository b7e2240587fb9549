package io.backupkit.backup.spi;

import io.backupkit.backup.DatabaseInfo;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Dumps and restores one database with its native tools.
 *
 * <p>Restore guarantee: after {@link #restore} returns, the database equals the dump (objects and
 * rows created since are gone); if it throws, the database is as it was before the call. How that is
 * achieved (one transaction, a staging database and a swap, a local snapshot to roll back to) is
 * the dumper's to choose and document.
 *
 * <p>Failures are {@link io.backupkit.backup.UnableToDumpDatabaseException} (tool problems: {@link
 * io.backupkit.backup.DatabaseToolException}) or {@link
 * io.backupkit.backup.UnableToRestoreDatabaseException}; messages name the cause and never contain
 * the password.
 */
public interface DatabaseDumper {
    /** The provider id, recorded in the manifest. */
    String id();

    /**
     * Connects, reads the server's product and version, and checks that the dump tool is present and
     * fit for it. Called before anything is written.
     */
    DatabaseDescription describe();

    /** The dump's file extension / format name, e.g. {@code sql} or {@code pgdump}. */
    String format();

    /**
     * Writes a consistent dump to {@code out}. Does not close {@code out}. Returns only when the dump
     * is complete and the tool succeeded (exit code 0 and its output read to the end); cancellation
     * by interrupting the thread kills the tool.
     */
    void dump(OutputStream out);

    /**
     * {@link #dump(OutputStream)}, telling {@code warnings} what the user should know about this
     * dump (for example tables whose rows are not part of the consistent snapshot). The engine calls
     * this one and hands the warnings to the {@link io.backupkit.backup.BackupListener}; the default
     * has none to give.
     */
    default void dump(OutputStream out, Consumer<String> warnings) {
        dump(out);
    }

    /**
     * Checks, before anything is changed, that a dump described by {@code info} can be restored here
     * (same dumper, a tool that can read its format). Throws {@link
     * io.backupkit.backup.IncompatibleBackupException} or {@link
     * io.backupkit.backup.DatabaseToolException} otherwise.
     */
    void checkRestorable(DatabaseInfo info);

    /** Replaces the database with the dump, all or nothing (see the class comment). */
    void restore(DumpSource source);

    /**
     * Whether {@link #restore} calls {@link DumpSource#beforeCommit()} before making its work
     * permanent and rolls back when it throws. Then the engine restores the database while it still
     * verifies and extracts the media archive; otherwise it verifies everything first.
     */
    default boolean gatesCommit() {
        return false;
    }

    /**
     * Locks the database for one create or restore, so that two of them on the same database (say,
     * from two storage locations) never overlap. Returns at once: when another process holds the lock
     * it throws {@link io.backupkit.backup.BackupInProgressException} naming the holder as far as the
     * server tells (process id, host, application name). The lock lives on a connection of its own and
     * conflicts with nothing but another call of this method: the restore's own sessions never wait
     * on it. The default takes no lock.
     */
    default TargetLock lockTarget() {
        return TargetLock.NONE;
    }

    /**
     * Finishes or undoes a restore whose process died, from the token it passed to {@link
     * DumpSource#recoveryPoint}: {@code committing} says whether that restore had passed its commit
     * gate. Returns {@code true} when the database now holds the backup (the restore had committed),
     * {@code false} when it is as it was before (rolled back now or by the server). Throws {@link
     * io.backupkit.backup.UnableToRestoreDatabaseException} when it cannot tell or cannot put it back.
     * The default handles dumpers that never give a token: only a restore that had not reached its
     * commit gate can be told apart (the server rolled it back).
     */
    default boolean recoverRestore(String token, boolean committing) {
        if (committing) {
            throw new io.backupkit.backup.UnableToRestoreDatabaseException(
                    "a restore of the database was interrupted while it committed, and the " + id()
                            + " dumper cannot tell whether it did: check the database, then restore again");
        }
        return false;
    }

    /**
     * Why {@link #restore} cannot keep the replaced database aside here (checked before anything
     * changes), or empty when it can: then a restore whose {@link DumpSource#keepAside()} asks for it
     * keeps the replaced state aside and names it with {@link DumpSource#keptAside}. When it cannot,
     * the engine takes a safety backup instead and tells the user why. The default cannot.
     */
    default java.util.Optional<String> whyNotKeepAside() {
        return java.util.Optional.of("the " + id() + " dumper cannot keep a replaced database aside");
    }

    /**
     * Puts back the state a restore kept aside as {@code token}, all or nothing: the current state is
     * dropped. {@code context} is a restore's protocol without a dump ({@link DumpSource#open()} is
     * not there): {@link DumpSource#recoveryPoint} before the first change, {@link
     * DumpSource#beforeCommit()} just before the change that puts the old state back, after which
     * {@link #recoverRestore} with the last token and {@code committing} true must finish it. The other
     * sessions on the database are refused or ended before the first {@code recoveryPoint}: there the
     * engine asks {@link #writtenSince} and may throw, with nothing changed yet.
     */
    default void rollbackAside(String token, DumpSource context) {
        throw new io.backupkit.backup.UnableToRestoreDatabaseException(
                "the " + id() + " dumper cannot put back a kept-aside database");
    }

    /** Deletes the state kept aside as {@code token}; does nothing when it is gone already. */
    default void dropAside(String token) {}

    /**
     * A mark of what the database holds now, taken just after a restore that kept the old state
     * aside, so that a rollback can tell whether the host wrote to it since ({@link #writtenSince}).
     * Empty when the dumper cannot take one; then a rollback is refused unless forced.
     */
    default java.util.Optional<String> writeMark() {
        return java.util.Optional.empty();
    }

    /**
     * What was written to the database since {@code mark} was taken, in the user's terms ("about
     * 1,200 rows inserted, updated or deleted"), or empty when nothing was. Called with no other
     * session on the database, before a rollback that would lose it. When the dumper cannot tell
     * (statistics reset, the server restarted), it says so instead of returning empty.
     */
    default java.util.Optional<String> writtenSince(String mark) {
        return java.util.Optional.of("the " + id() + " dumper cannot tell what was written since the restore");
    }

    /** A lock taken by {@link #lockTarget()}; {@link #close()} releases it and never throws. */
    interface TargetLock extends AutoCloseable {
        /** Takes no lock. */
        TargetLock NONE = () -> {};

        @Override
        void close();
    }
}

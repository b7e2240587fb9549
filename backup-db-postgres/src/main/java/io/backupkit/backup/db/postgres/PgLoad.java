package io.backupkit.backup.db.postgres;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-place restore's run: the dump is fed to {@code pg_restore}, whose script goes into {@code
 * psql} behind the preamble ({@link ScriptPump}), all in one transaction whose {@code COMMIT} is sent
 * only after both tools succeeded and the engine's commit gate passed. Any failure leaves the
 * database as it was.
 */
final class PgLoad {
    private static final Logger LOG = LoggerFactory.getLogger(PgLoad.class);

    private final PgConnection connection;
    private final PgTargetSession session;
    private final Duration timeout;
    /** The other sessions, named for a lock timeout's message. */
    private final Supplier<String> lockHolders;

    PgLoad(PgConnection connection, PgTargetSession session, Duration timeout, Supplier<String> lockHolders) {
        this.connection = connection;
        this.session = session;
        this.timeout = timeout;
        this.lockHolders = lockHolders;
    }

    /** Runs the restore on the started tools; returns once committed, else throws (nothing changed). */
    void run(DumpSource source, NativeProcess psql, NativeProcess pgRestore, String preamble, String sessionName) {
        DumpFeeder feeder = new DumpFeeder(source, pgRestore);
        ScriptPump pump =
                new ScriptPump(pgRestore.stdout(), psql.stdin(), preamble.getBytes(StandardCharsets.UTF_8), pgRestore);
        Thread feederThread = new Thread(feeder, "pg_restore-stdin");
        Thread pumpThread = new Thread(pump, "pg_restore-to-psql");
        feederThread.setDaemon(true);
        pumpThread.setDaemon(true);
        feederThread.start();
        pumpThread.start();
        int restoreExit;
        int psqlExit;
        boolean committed = false;
        try {
            try {
                restoreExit = pgRestore.await();
            } catch (NativeProcess.ToolTimeoutException e) {
                restoreExit = -1;
                pump.note("pg_restore ran longer than the configured timeout (" + timeout + ")");
            }
            pumpThread.join();
            feederThread.join(10_000);
            byte[] tail = pump.tailWithoutCommit();
            boolean complete = restoreExit == 0
                    && pump.eof
                    && pump.writeError == null
                    && feeder.readError == null
                    && tail != null
                    && psql.process().isAlive();
            RuntimeException gateRefused = complete ? passGate(source, sessionName) : null;
            if (complete && gateRefused == null) {
                committed = sendCommit(psql, tail, pump);
            }
            PostgresDumper.closeQuietly(psql.stdin());
            try {
                // once COMMIT is sent its outcome must be known: an interrupt no longer stops psql
                psqlExit = committed ? awaitUninterruptibly(psql) : psql.await();
            } catch (NativeProcess.ToolTimeoutException e) {
                psqlExit = -1;
                committed = false;
                pump.note("psql ran longer than the configured timeout (" + timeout + ")");
            }
            if (committed && psqlExit == 0) {
                LOG.info("restore of {} committed", connection);
                return;
            }
            if (gateRefused != null) {
                throw gateRefused; // not committed: PostgreSQL rolled the transaction back
            }
            throw restoreFailure(restoreExit, psqlExit, psql, pgRestore, feeder, pump, tail != null);
        } catch (InterruptedException e) {
            pgRestore.kill();
            psql.kill();
            PostgresDumper.joinQuietly(pumpThread);
            Thread.currentThread().interrupt();
            throw new BackupCancelledException(
                    "the database restore was cancelled before it committed; the database was left as it was", e);
        }
    }

    /** The commit gate: returns why it refused, or null. The transaction's id is recorded first. */
    private RuntimeException passGate(DumpSource source, String sessionName) {
        try {
            // should this process die between the gate and COMMIT, the id tells whether it committed
            session.transactionOf(sessionName).ifPresent(x -> source.recoveryPoint("txid=" + x));
            source.beforeCommit(); // the other parts of the restore are verified and in place
            if (Thread.currentThread().isInterrupted()) {
                throw new BackupCancelledException("the restore was cancelled before it committed", null);
            }
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Sends the script's held-back tail and its COMMIT; false when psql stopped reading. */
    private static boolean sendCommit(NativeProcess psql, byte[] tail, ScriptPump pump) {
        try {
            OutputStream in = psql.stdin();
            in.write(tail);
            in.write("COMMIT;\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            return true;
        } catch (IOException e) {
            pump.note("psql stopped reading: " + e.getMessage());
            return false;
        }
    }

    private static int awaitUninterruptibly(NativeProcess p) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private UnableToRestoreDatabaseException restoreFailure(
            int restoreExit,
            int psqlExit,
            NativeProcess psql,
            NativeProcess pgRestore,
            DumpFeeder feeder,
            ScriptPump pump,
            boolean commitSeen) {
        String unchanged =
                " The restore ran in one transaction that was not committed: the database was left as it" + " was.";
        String cause;
        boolean restoreFailedByItself = restoreExit != 0 && !pump.killedProducer && feeder.readError == null;
        PgFailure login = psqlExit == 0 ? PgFailure.OTHER : PgFailure.fromToolOutput(psql.stderrTail());
        if (login.loginFailed()) {
            // psql could not log in (the server is not asked beforehand): the first cause of all
            cause = login.explain(connection) + " (psql " + PgFailure.exitText(psqlExit) + "). psql said: "
                    + PgFailure.shorten(psql.stderrTail());
        } else if (feeder.readError != null) {
            cause = "reading the dump failed: " + feeder.readError.getMessage();
        } else if (restoreFailedByItself) {
            cause = "pg_restore could not turn the dump into SQL (" + PgFailure.exitText(restoreExit) + "): "
                    + PgFailure.shorten(pgRestore.stderrTail())
                    + ". The dump may be corrupt or truncated, or pg_restore was"
                    + " stopped";
            if (psqlExit != 0) {
                cause += "; psql then stopped on the incomplete script (" + PgFailure.exitText(psqlExit) + ")";
            }
        } else if (psqlExit != 0 && psql.stderrTail().contains("lock timeout")) {
            cause = "another session held a lock the restore needed for longer than the lock timeout ("
                    + lockHolders.get() + "); stop it, or restore with terminate sessions. psql said: "
                    + PgFailure.shorten(psql.stderrTail());
        } else if (psqlExit != 0) {
            String tail = psql.stderrTail();
            PgFailure f = PgFailure.fromToolOutput(tail);
            cause = (f == PgFailure.OTHER
                            ? "the restore script failed in psql (" + PgFailure.exitText(psqlExit) + ")"
                            : f.explain(connection) + " (psql " + PgFailure.exitText(psqlExit) + ")")
                    + ". psql said: " + PgFailure.shorten(tail);
        } else if (restoreExit != 0) {
            cause = "pg_restore failed (" + PgFailure.exitText(restoreExit) + "): "
                    + PgFailure.shorten(pgRestore.stderrTail());
        } else if (!commitSeen) {
            cause = "pg_restore's script ended without its final COMMIT (its output was cut short)";
        } else {
            cause = "psql stopped before the restore committed";
        }
        if (pump.notes() != null) {
            cause = cause + " (" + pump.notes() + ")";
        }
        return new UnableToRestoreDatabaseException("restoring " + connection.database() + " at " + connection.where()
                + " failed: " + cause + "." + unchanged);
    }
}

package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.db.mysql.MysqlTools.Tool;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a dump to the client ({@code mariadb} / {@code mysql}) and throws unless it loaded
 * completely: the dump must be valid UTF-8 and end with the dump tool's {@code -- Dump completed}
 * line, else the client is killed before it reaches the end of a partial dump.
 */
final class MysqlLoad {
    /** The first line of newer MariaDB dumps; clients older than it stop on it. */
    static final String SANDBOX_LINE = "/*M!999999\\- enable the sandbox mode */";

    private static final Logger LOG = LoggerFactory.getLogger(MysqlLoad.class);
    private static final int BUFFER = 1 << 16;

    private final MysqlConnection connection;
    private final MysqlOptions options;

    MysqlLoad(MysqlConnection connection, MysqlOptions options) {
        this.connection = connection;
        this.options = options;
    }

    /** Refuses a dump that does not start like one of mariadb-dump/mysqldump, before anything changes. */
    static void checkHeader(DumpSource source) {
        byte[] head = new byte[512];
        int n = 0;
        try (InputStream in = source.open()) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        } catch (IOException e) {
            throw new UnableToRestoreDatabaseException(
                    "cannot read the database dump (" + e.getMessage() + "); nothing was changed", e);
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8);
        if (text.startsWith(SANDBOX_LINE)) {
            int nl = text.indexOf('\n');
            text = nl >= 0 ? text.substring(nl + 1) : "";
        }
        if (!(text.startsWith("-- MariaDB dump") || text.startsWith("-- MySQL dump"))) {
            throw new UnableToRestoreDatabaseException("the database dump does not start like a mariadb-dump/mysqldump"
                    + " file (" + (n == 0 ? "it is empty" : "unexpected first bytes")
                    + "); it is damaged or not a dump of this kind. Nothing was changed");
        }
    }

    /** Feeds {@code source} ({@code what}, for messages) to {@code client}; throws unless it loaded completely. */
    void load(Tool client, InputStream source, String what) throws IOException {
        BufferedInputStream in = new BufferedInputStream(source, BUFFER);
        DumpTail tail = new DumpTail();
        skipSandboxLine(client, in, tail);
        NativeProcess p = connection
                .tool(clientArgv(client))
                .feedStdin()
                .stdoutTo(Path.of("/dev/null"))
                .start();
        try (p;
                InterruptWatch watch = new InterruptWatch(p)) {
            IOException writeFailure = feed(p, in, tail, what);
            if (writeFailure == null) {
                checkComplete(p, tail, what);
            }
            awaitClient(client, p, what, writeFailure);
        }
    }

    /** An older client would stop on the sandbox line: skip it up to its line end (it carries no SQL). */
    private static void skipSandboxLine(Tool client, BufferedInputStream in, DumpTail tail) throws IOException {
        in.mark(SANDBOX_LINE.length() + 4);
        byte[] first = in.readNBytes(SANDBOX_LINE.length());
        boolean strip = new String(first, StandardCharsets.UTF_8).equals(SANDBOX_LINE)
                && !client.version().understandsSandboxLine();
        in.reset();
        if (strip) {
            byte[] line = in.readNBytes(SANDBOX_LINE.length());
            tail.update(line, 0, line.length);
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                // the rest of the line (a trailing blank)
            }
            LOG.debug("removed the sandbox first line for {} {}", client.name(), client.version());
        }
    }

    private List<String> clientArgv(Tool client) {
        List<String> argv = new ArrayList<>();
        argv.add(client.path().toString());
        argv.add("--defaults-extra-file={mycnf}");
        argv.addAll(connection.toolArgs());
        argv.add("--default-character-set=utf8mb4");
        argv.add("--binary-mode");
        argv.add("--batch");
        argv.add("--max-allowed-packet=1G");
        argv.add("--init-command=SET SESSION lock_wait_timeout=" + options.lockWaitSeconds());
        argv.addAll(options.restoreArgs());
        argv.add(connection.database());
        return argv;
    }

    /** Copies the dump into the client's stdin; returns why the client stopped reading, or null. */
    private static IOException feed(NativeProcess p, InputStream in, DumpTail tail, String what) throws IOException {
        byte[] buf = new byte[BUFFER];
        OutputStream stdin = p.stdin();
        while (true) {
            if (Thread.interrupted()) {
                p.kill();
                throw new BackupCancelledException("the restore was cancelled while loading " + what, null);
            }
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                p.kill(); // never let the client run a partial dump to the end
                throw new IOException("cannot read " + what + ": " + e.getMessage(), e);
            }
            if (n < 0) {
                return null;
            }
            tail.update(buf, 0, n);
            if (tail.invalidSoFar() >= 0) { // a character cut by this read is finished by the next
                p.kill();
                throw notUtf8(what, tail.invalidSoFar());
            }
            try {
                stdin.write(buf, 0, n);
            } catch (IOException e) {
                return e; // the client stopped reading: its exit code and stderr say why
            }
        }
    }

    /** The whole dump was read: kills the client unless it was valid UTF-8 and complete. */
    private static void checkComplete(NativeProcess p, DumpTail tail, String what) throws IOException {
        if (tail.invalidUtf8At() >= 0) {
            p.kill();
            throw notUtf8(what, tail.invalidUtf8At());
        }
        if (!tail.completed()) {
            p.kill();
            throw new IOException(what + " is incomplete: its last line is not mariadb-dump/mysqldump's"
                    + " '-- Dump completed' (truncated after " + tail.total() + " bytes)");
        }
    }

    /** Ends the client's input and throws unless it exited 0 having read everything. */
    private void awaitClient(Tool client, NativeProcess p, String what, IOException writeFailure) throws IOException {
        try {
            p.stdin().close();
        } catch (IOException e) {
            if (writeFailure == null) {
                writeFailure = e;
            }
        }
        int rc;
        try {
            rc = p.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("the restore was cancelled while loading " + what, e);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new BackupCancelledException(
                    "the restore was cancelled while loading " + what + "; " + client.name() + " was killed", null);
        }
        if (rc != 0) {
            throw new IOException(client.name() + " stopped loading " + what + " with exit code " + rc + ": "
                    + MysqlFailure.errorSummary(connection.safe(p.stderrTail())));
        }
        if (writeFailure != null) {
            throw new IOException(
                    client.name() + " stopped reading " + what + " (" + writeFailure.getMessage() + "): "
                            + MysqlFailure.tailOrNothing(p.stderrTail()),
                    writeFailure);
        }
    }

    private static IOException notUtf8(String what, long at) {
        return new IOException(what + " is damaged: byte " + at
                + " is not valid UTF-8 (a dump written with utf8mb4 and --hex-blob always is)");
    }
}

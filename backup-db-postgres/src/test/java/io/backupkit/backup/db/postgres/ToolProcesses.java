package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test helpers around the native tools this JVM started. */
final class ToolProcesses {
    private ToolProcesses() {}

    /** The running child process whose executable is named {@code tool}, not a {@code --version} probe. */
    static ProcessHandle child(String tool) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var found = ProcessHandle.current()
                    .descendants()
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("/" + tool)).orElse(false))
                    .filter(p -> !p.info()
                            .arguments()
                            .map(a -> List.of(a).contains("--version"))
                            .orElse(false))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no running " + tool + " child process");
    }

    /** The environment of a process, from /proc. */
    static List<String> environ(ProcessHandle p) throws IOException {
        return split(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")));
    }

    /** Every process's argv on this machine, from /proc (as {@code ps -eo args} shows them). */
    static List<String> allCommandLines() {
        List<String> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    out.add(String.join(" ", split(Files.readAllBytes(d.resolve("cmdline")))));
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return out;
    }

    /** {@code ps -eo args} output. */
    static String psOutput() throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-eo", "args")
                .redirectErrorStream(true)
                .start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor();
        return out;
    }

    private static List<String> split(byte[] nulSeparated) {
        List<String> out = new ArrayList<>();
        for (String s : new String(nulSeparated, StandardCharsets.UTF_8).split("\0")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Waits until the restore session of {@code database} holds an exclusive lock (its preamble ran). */
    static void awaitRestoreHoldsLocks(String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = PgTestDatabase.admin("postgres");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
                            + " ON a.pid = l.pid WHERE a.application_name LIKE 'backupkit-restore%' AND a.datname = '"
                            + database + "' AND l.mode = 'AccessExclusiveLock'")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the restore session never took its locks");
    }

    /** An output stream that blocks on its first write until released. */
    static final class GateStream extends ByteArrayOutputStream {
        final CountDownLatch firstWrite = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        void release() {
            open.countDown();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            pause();
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            pause();
            super.write(b);
        }

        private void pause() {
            firstWrite.countDown();
            try {
                assertThat(open.await(60, TimeUnit.SECONDS)).as("gate released").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

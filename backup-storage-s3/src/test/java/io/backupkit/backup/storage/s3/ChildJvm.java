package io.backupkit.backup.storage.s3;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A child JVM on the test class path (as core's {@code matrix.KillDuringCreateIT} starts them), and
 * what it printed: {@code READY}, {@code PHASE <phase> START|END}, {@code CREATED <id> <millis>}.
 */
final class ChildJvm {
    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath(),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ChildJvm(p);
    }

    /** The class path of the running tests (Surefire/Failsafe may hide it behind a manifest jar). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private void read() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ-FAILED " + e);
        }
    }

    boolean awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
                    return true;
                }
            }
            if (!process.isAlive() && !reader.isAlive()) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not die");
        }
        reader.join(5000);
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Where the child's create was when asked: the phases started and not finished since the last create. */
    String lastStep() {
        synchronized (lines) {
            Set<String> open = new TreeSet<>();
            Set<String> done = new TreeSet<>();
            for (String l : lines) {
                if (l.startsWith("CREATED") || l.equals("READY")) {
                    open.clear();
                    done.clear();
                } else if (l.startsWith("PHASE ") && l.endsWith(" START")) {
                    open.add(l.split(" ")[1]);
                } else if (l.startsWith("PHASE ") && l.endsWith(" END")) {
                    open.remove(l.split(" ")[1]);
                    done.add(l.split(" ")[1]);
                }
            }
            if (open.isEmpty() && done.isEmpty()) {
                return "before the parts (lease, server check)";
            }
            if (open.isEmpty()) {
                return "after " + done + ", before the manifest";
            }
            return "in " + open + (done.isEmpty() ? "" : " after " + done);
        }
    }
}

package io.backupkit.backup.tck;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM started on the class path of the running tests, for tests that must kill a process
 * ({@code kill -9}) or run code in a fresh JVM. Its standard output and error are read line by line
 * as they arrive, so a test can wait for a readiness line ({@link #awaitLine}) and show everything
 * the child printed in an assertion message ({@link #output()}).
 *
 * <p>The child runs with {@code -Xmx128m -XX:TieredStopAtLevel=1} (small and quick to start) and
 * its standard input closed. {@link #close()} kills it if it still runs, so a child started in a
 * try-with-resources block does not outlive a failed assertion.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(MyChildMain.class, "arg")) {
 *     assertThat(child.awaitLine("READY", Duration.ofSeconds(60))).as(child.output()).isTrue();
 *     child.kill(); // SIGKILL
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main}'s {@code main(String[])} in a new JVM on the test class path. */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return start(main, List.of(args));
    }

    /** Starts {@code main}'s {@code main(String[])} in a new JVM on the test class path. */
    public static ChildJvm start(Class<?> main, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classPath(), main.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ChildJvm(p);
    }

    /**
     * The class path of the running tests. Surefire and Failsafe may start the test JVM with a
     * manifest-only jar; they then name the real class path in {@code surefire.test.class.path}.
     */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** The {@code java} launcher of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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

    /** The child process. */
    public Process process() {
        return process;
    }

    /** Whether the child process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The lines the child printed so far (standard output and error), oldest first. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The first line printed so far that starts with {@code prefix}. */
    public Optional<String> firstLine(String prefix) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
        }
    }

    /**
     * Waits until the child printed a line starting with {@code prefix}; false if it did not within
     * {@code timeout} or ended (and its output was read to the end) without printing one.
     */
    public boolean awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            if (firstLine(prefix).isPresent()) {
                return true;
            }
            if (!process.isAlive() && !reader.isAlive()) {
                return firstLine(prefix).isPresent();
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Waits for the child to end by itself and its output to be read; false if it still runs. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(5000);
        return true;
    }

    /** Kills the child with SIGKILL ({@link Process#destroyForcibly()}) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child JVM did not die");
        }
        reader.join(5000);
    }

    /** Everything the child printed so far, one line after the other: for assertion messages. */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Kills the child if it still runs (SIGKILL), without waiting for it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

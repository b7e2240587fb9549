package io.backupkit.backup.spi.support;

import io.backupkit.backup.spi.DatabaseConfig;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a native tool (pg_dump, mariadb-dump, ...) the safe way, for dumper providers:
 *
 * <ul>
 *   <li>the environment is built from an allow-list, never the parent's whole environment (which
 *       may hold a storage's keys, a database password or a passphrase): of the parent's variables
 *       only {@link #INHERITED} and {@code LC_*} are passed on (minus the prefixes cleared, e.g.
 *       {@code PG}), plus what is set explicitly and what {@link Builder#inheritEnv} names;
 *   <li>secrets go into files created 0600 in a private folder and deleted on {@link #close()},
 *       never into argv or the environment of other processes;
 *   <li>stdin is {@code /dev/null} unless the caller feeds it;
 *   <li>stderr is drained on its own thread into a bounded tail for error messages;
 *   <li>success is exit code 0 (the caller also reads stdout to its end); a timeout or an interrupt
 *       destroys the process, then destroys it forcibly.
 * </ul>
 */
public final class NativeProcess implements AutoCloseable {
    private static final int TAIL = 8192;

    /**
     * The parent's variables a tool gets (with {@code LC_*}): where programs and libraries are,
     * locale, time zone, home and temp folder. Nothing that carries a secret.
     */
    public static final List<String> INHERITED =
            List.of("PATH", "LANG", "LANGUAGE", "TZ", "HOME", "TMPDIR", "LD_LIBRARY_PATH");

    private final Process process;
    private final String name;
    private final Thread stderrDrain;
    private final ByteArrayOutputStream stderrTail;
    private final Path secretDir;
    private final Duration timeout;

    private NativeProcess(Process process, String name, Path secretDir, Duration timeout) {
        this.process = process;
        this.name = name;
        this.secretDir = secretDir;
        this.timeout = timeout;
        this.stderrTail = new ByteArrayOutputStream();
        this.stderrDrain = new Thread(this::drainStderr, name + "-stderr");
        this.stderrDrain.setDaemon(true);
        this.stderrDrain.start();
    }

    /** Creates a private folder (0700) and a file in it (0600) holding {@code content}. */
    public static Path writeSecretFile(Path dir, String fileName, String content) throws IOException {
        Path file = dir.resolve(fileName);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * A builder for the tool and arguments {@code argv}; secrets go in with {@link
     * Builder#secretFileArg}, never here.
     */
    public static Builder command(List<String> argv) {
        return new Builder(argv);
    }

    /** The tool's stdin (only when {@link Builder#feedStdin()} was set). */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** The tool's stdout. */
    public InputStream stdout() {
        return process.getInputStream();
    }

    /** The underlying process, e.g. for its pid. */
    public Process process() {
        return process;
    }

    /**
     * Waits for the tool to exit within the timeout and returns its exit code; destroys it on timeout
     * or interrupt (and rethrows the interrupt as {@link InterruptedException}).
     */
    public int await() throws InterruptedException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new ToolTimeoutException(name + " did not finish within " + timeout + "; it was killed");
            }
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
        stderrDrain.join(5000);
        return process.exitValue();
    }

    /** The last few KiB of stderr, for error messages. */
    public String stderrTail() {
        synchronized (stderrTail) {
            return stderrTail.toString(StandardCharsets.UTF_8).trim();
        }
    }

    /** Destroys the process (SIGTERM), then forcibly after two seconds. */
    public void kill() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process if it still runs and deletes the secret files. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        deleteSecrets(secretDir);
    }

    private static void deleteSecrets(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary credential folder " + dir, e);
        }
    }

    private void drainStderr() {
        byte[] buf = new byte[4096];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) > 0) {
                synchronized (stderrTail) {
                    stderrTail.write(buf, 0, n);
                    if (stderrTail.size() > 2 * TAIL) {
                        byte[] all = stderrTail.toByteArray();
                        stderrTail.reset();
                        stderrTail.write(all, all.length - TAIL, TAIL);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone; what we have is the tail
        }
    }

    /** A process that ran out of time (and was killed). */
    public static final class ToolTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ToolTimeoutException(String message) {
            super(message);
        }
    }

    /** Builds a {@link NativeProcess}. */
    public static final class Builder {
        private final List<String> argv;
        private final List<String> clearPrefixes = new ArrayList<>();
        private final List<String> inherit = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> secretFiles = new LinkedHashMap<>();
        private final Map<String, String> secretEnvFiles = new LinkedHashMap<>();
        private Duration timeout = DatabaseConfig.DEFAULT_TIMEOUT;
        private boolean feedStdin;
        private Path stdinFile;
        private Path stdoutFile;
        private File directory;

        private Builder(List<String> argv) {
            this.argv = new ArrayList<>(argv);
        }

        /**
         * Removes inherited variables whose name starts with {@code prefix} (e.g. {@code PG}), also
         * ones {@link #inheritEnv} named.
         */
        public Builder clearEnv(String prefix) {
            clearPrefixes.add(prefix);
            return this;
        }

        /**
         * Passes the parent's variable {@code name} on, beyond {@link #INHERITED}, when the parent has
         * it; only for variables that hold no secret (a tool's own settings, such as {@code
         * PGSSLROOTCERT}).
         */
        public Builder inheritEnv(String name) {
            inherit.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /** Sets an environment variable of the tool; not for secrets (use {@link #secretFileEnv}). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * Writes {@code content} to a 0600 file and sets the environment variable {@code envVar} to its
         * path (e.g. {@code PGPASSFILE}).
         */
        public Builder secretFileEnv(String envVar, String content) {
            secretEnvFiles.put(envVar, content);
            return this;
        }

        /**
         * Writes {@code content} to a 0600 file and replaces the placeholder {@code {name}} in argv with
         * its path (e.g. {@code --defaults-extra-file={mycnf}}).
         */
        public Builder secretFileArg(String name, String content) {
            secretFiles.put(name, content);
            return this;
        }

        /** The longest the tool may run before {@link NativeProcess#await()} kills it (default 12 hours). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Keep stdin as a pipe the caller writes to ({@link #stdin()}). */
        public Builder feedStdin() {
            this.feedStdin = true;
            return this;
        }

        /** Feeds the tool's stdin from {@code file}. */
        public Builder stdinFrom(Path file) {
            this.stdinFile = file;
            return this;
        }

        /** Writes the tool's stdout to {@code file} instead of {@link NativeProcess#stdout()}. */
        public Builder stdoutTo(Path file) {
            this.stdoutFile = file;
            return this;
        }

        /** The working folder of the tool (default: this process's). */
        public Builder directory(Path dir) {
            this.directory = dir.toFile();
            return this;
        }

        private boolean inherited(String name) {
            return INHERITED.contains(name) || name.startsWith("LC_") || inherit.contains(name);
        }

        /** Writes the secret files and starts the tool; the secret files are deleted again if it fails to start. */
        public NativeProcess start() throws IOException {
            Path secretDir = null;
            List<String> command = new ArrayList<>(argv);
            ProcessBuilder pb = new ProcessBuilder();
            Map<String, String> environment = pb.environment();
            environment
                    .keySet()
                    .removeIf(k -> !inherited(k) || clearPrefixes.stream().anyMatch(k::startsWith));
            environment.putAll(env);
            try {
                if (!secretFiles.isEmpty() || !secretEnvFiles.isEmpty()) {
                    secretDir = Files.createTempDirectory(
                            "backup-cred-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    int i = 0;
                    for (Map.Entry<String, String> e : secretEnvFiles.entrySet()) {
                        Path f = writeSecretFile(secretDir, "env" + (i++), e.getValue());
                        environment.put(e.getKey(), f.toString());
                    }
                    for (Map.Entry<String, String> e : secretFiles.entrySet()) {
                        Path f = writeSecretFile(secretDir, "arg" + (i++), e.getValue());
                        String placeholder = "{" + e.getKey() + "}";
                        command.replaceAll(a -> a.replace(placeholder, f.toString()));
                    }
                }
                pb.command(command);
                if (directory != null) {
                    pb.directory(directory);
                }
                if (stdinFile != null) {
                    pb.redirectInput(stdinFile.toFile());
                } else if (!feedStdin) {
                    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                }
                if (stdoutFile != null) {
                    pb.redirectOutput(stdoutFile.toFile());
                }
                Process p = pb.start();
                return new NativeProcess(
                        p, Path.of(command.get(0)).getFileName().toString(), secretDir, timeout);
            } catch (IOException | RuntimeException e) {
                deleteSecrets(secretDir);
                throw e;
            }
        }
    }
}

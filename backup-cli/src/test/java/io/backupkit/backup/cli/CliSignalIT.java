package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.storage.dropbox.DropboxFakeAccess;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT and SIGTERM to {@code ./backup create}, started in the background by a bash with job
 * control on ({@code set -m}) and signalled as a process group, as a terminal does: during the
 * dump, during the media upload and while the manifest is about to be written. The launcher runs a
 * jar whose class path adds {@link PacedStorageProvider}, a filesystem storage that holds the
 * create in the wanted phase and creates a marker file when it gets there (no timed guesses). The
 * same on S3 (S3Proxy) and on the Dropbox fake of backup-storage-dropbox's tests.
 */
class CliSignalIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LAUNCHER =
            Path.of("..", "backup").toAbsolutePath().normalize();
    private static final String LOCK_FILE = ".backup.lease.lock"; // the filesystem storage's own, kept

    @TempDir
    Path tmp;

    Path media;
    Path backups;
    Path jar;
    String dbUrl;

    @BeforeEach
    void data() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        Random random = new Random(5);
        for (int i = 0; i < 10; i++) {
            byte[] b = new byte[4 << 20];
            random.nextBytes(b);
            Files.write(media.resolve("photo-" + i + ".raw"), b);
        }
        backups = tmp.resolve("backups");
        dbUrl = "jdbc:h2:file:" + tmp.resolve("db/inventory");
        byte[] blob = new byte[4 << 20];
        random.nextBytes(blob);
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE part(id INT PRIMARY KEY, picture BLOB)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO part VALUES (?, ?)")) {
                for (int i = 0; i < 2; i++) {
                    ps.setInt(1, i);
                    ps.setBytes(2, blob);
                    ps.executeUpdate();
                }
            }
        }
        jar = launcherJar();
    }

    @ParameterizedTest(name = "SIG{1} during the {0}")
    @CsvSource({
        "dump, INT, 130",
        "dump, TERM, 143",
        "media, INT, 130",
        "media, TERM, 143",
        "manifest, INT, 130",
        "manifest, TERM, 143"
    })
    void aSignalCancelsTheCreateLeavesNothingAndTheNextCreateRunsAtOnce(String phase, String signal, int exit)
            throws Exception {
        Path marker = tmp.resolve("at-" + phase);
        Background create = start(paced(phase, marker), "create", "--json");
        waitFor(marker, create);
        long signalled = System.nanoTime();
        create.signal(signal);
        int code = create.exitCode();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        String out = Files.readString(create.out);
        String err = Files.readString(create.err);
        String report =
                "exit " + code + " " + stopMillis + " ms after the signal\n--- stdout\n" + out + "--- stderr\n" + err;
        System.out.println("SIG" + signal + " during the " + phase + ": " + report);
        assertThat(stopMillis).as("stopped within seconds: " + report).isLessThan(15_000);

        assertThat(code).as(report).isEqualTo(exit);
        assertThat(out).as("nothing on stdout: --json stays clean").isEmpty();
        assertThat(err.lines().toList())
                .as(report)
                .singleElement()
                .asString()
                .startsWith("backup: cancelled (SIG" + signal + "): ")
                .contains("nothing was kept");
        assertThat(storedNames()).as("nothing left in the storage: " + report).isEmpty();

        long t0 = System.nanoTime();
        Background again = start(plain(), "create", "--json");
        assertThat(again.exitCode()).as(Files.readString(again.err)).isZero();
        assertThat(JSON.readTree(again.out.toFile()).path("id").asText()).startsWith("backup-");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                .as("the next create does not wait for a lease")
                .isLessThan(60);
    }

    @Test
    void aSecondSigintWhileCleaningUpStopsAtOnceAndPruneSweepsWhatIsLeft() throws Exception {
        Path marker = tmp.resolve("at-manifest");
        Map<String, String> env = paced("manifest", marker);
        env.put(
                "BACKUP_OPTIONS",
                JSON.writeValueAsString(
                        Map.of("pause_at", "manifest", "marker", marker.toString(), "slow_delete", true)));
        Background create = start(env, "create", "--json");
        waitFor(marker, create);
        create.signal("INT"); // the clean-up then hangs in its first delete
        Thread.sleep(500);
        long t0 = System.nanoTime();
        create.signal("INT");
        int code = create.exitCode();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String err = Files.readString(create.err);
        assertThat(code).as(err).isEqualTo(130);
        assertThat(millis).as("stopped at once: " + err).isLessThan(10_000);
        assertThat(err).contains("stopped at once");
        assertThat(storedNames()).as("left behind").anyMatch(n -> n.contains(".media."));

        Background prune = start(plain(), "prune", "--keep-last", "1", "--grace-hours", "0", "--yes");
        assertThat(prune.exitCode()).as(Files.readString(prune.err)).isZero();
        assertThat(storedNames()).as("after prune").isEmpty();
    }

    @Test
    void aCreateKilledWithSigkillLeavesALeaseTheNextCreateTakesOverAtOnce() throws Exception {
        Path marker = tmp.resolve("at-media");
        Background create = start(paced("media", marker), "create", "--json");
        waitFor(marker, create);
        create.signal("KILL");
        assertThat(create.exitCode()).isEqualTo(137);
        assertThat(storedNames()).as("the dead create's lease").contains("backup.lease");

        Background again = start(plain(), "create", "--json", "--verbose");
        int code = again.exitCode();
        String err = Files.readString(again.err);
        assertThat(code).as(err).isZero();
        assertThat(err).contains("taking over the lease").contains("has ended");
        assertThat(JSON.readTree(again.out.toFile()).path("id").asText()).startsWith("backup-");
    }

    @Test
    void sigtermToARestoreLeavesDatabaseAndMediaAsTheyWereAndTheNextRestoreRunsAtOnce() throws Exception {
        Background create = start(plain(), "create", "--json");
        assertThat(create.exitCode()).as(Files.readString(create.err)).isZero();
        String id = JSON.readTree(create.out.toFile()).path("id").asText();
        changeSinceTheBackup();
        Path marker = tmp.resolve("at-restore");
        Background restore = start(paced("restore", marker), "restore", id, "--yes", "--no-safety-backup");
        waitFor(marker, restore);
        restore.signal("TERM");
        restore.assertCancelled("SIGTERM", 143, "left as they were before");
        assertAsChanged();

        Background again = start(plain(), "restore", id, "--yes", "--no-safety-backup");
        assertThat(again.exitCode()).as(Files.readString(again.err)).isZero();
        assertAsBackedUp();
    }

    /** Deletes a row and adds a media file after the backup a restore then brings back. */
    private void changeSinceTheBackup() throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM part WHERE id = 1");
        }
        Files.writeString(media.resolve("added-since.txt"), "new");
    }

    /** The database and the media folder as {@link #changeSinceTheBackup} left them: nothing restored. */
    private void assertAsChanged() throws Exception {
        assertThat(partIds()).as("the database as it was").containsExactly(0);
        assertThat(media.resolve("added-since.txt"))
                .as("the media folder as it was")
                .exists();
    }

    /** The database and the media folder as they were backed up: the restore happened. */
    private void assertAsBackedUp() throws Exception {
        assertThat(partIds()).containsExactly(0, 1);
        assertThat(media.resolve("added-since.txt")).doesNotExist();
    }

    private List<Integer> partIds() throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT id FROM part ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    @ParameterizedTest(name = "SIG{0} during the media upload to S3")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalDuringAnS3UploadAbortsItAndLeavesNothing(String signal, int exit) throws Exception {
        BlobStore store = BlobStores.create("transient", new Properties());
        store.createContainer("signals");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret-key-of-the-test")
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        try {
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
            Map<String, Object> s3 = new HashMap<>(Map.of(
                    "bucket", "signals",
                    "endpoint", "http://127.0.0.1:" + proxy.getPort(),
                    "region", "us-east-1",
                    "access_key", "access",
                    "secret_key", "secret-key-of-the-test",
                    "part_size", "5MiB"));
            Map<String, String> plainS3 = plain();
            plainS3.put("BACKUP_STORAGE", "s3");
            plainS3.put("BACKUP_DIR", "nightly");
            plainS3.put("BACKUP_OPTIONS", JSON.writeValueAsString(s3));
            Path marker = tmp.resolve("at-media-s3");
            Map<String, Object> paced = new HashMap<>(s3);
            paced.putAll(Map.of("delegate", "s3", "pause_at", "media", "marker", marker.toString()));
            Map<String, String> env = new HashMap<>(plainS3);
            env.put("BACKUP_STORAGE", PacedStorageProvider.class.getName());
            env.put("BACKUP_OPTIONS", JSON.writeValueAsString(paced));

            Background create = start(env, "create", "--json");
            waitFor(marker, create);
            // the media's first part is on its way
            create.awaitUploadStarted(() -> !multipartUploads(store).isEmpty(), "the multipart upload");
            create.signal(signal);
            create.assertCancelled("SIG" + signal, exit, "nothing was kept");
            assertThat(store.list("signals").contents().stream()
                            .map(o -> o.key())
                            .toList())
                    .as("no object left, the lease included")
                    .isEmpty();
            assertThat(multipartUploads(store))
                    .as("the multipart upload was aborted")
                    .isEmpty();

            Background again = start(plainS3, "create", "--json");
            assertThat(again.exitCode()).as(Files.readString(again.err)).isZero();
        } finally {
            proxy.stop();
        }
    }

    @ParameterizedTest(name = "SIG{0} during the media upload to Dropbox")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalDuringADropboxUploadAbandonsTheSessionAndLeavesNothing(String signal, int exit) throws Exception {
        try (DropboxFakeAccess dropbox = DropboxFakeAccess.start()) {
            BackupStorage folder = DropboxFakeAccess.storage(dropbox.port(), "/nightly");
            Path marker = tmp.resolve("at-media-dropbox");
            Background create = start(dropbox(dropbox, "media", marker), "create", "--json");
            waitFor(marker, create);
            // an upload session under way (the paced media's stays open for seconds)
            create.awaitUploadStarted(
                    () -> dropbox.count("upload_session/append_v2", 200) > 0 && dropbox.unfinishedSessions() > 0,
                    "the upload session");
            create.signal(signal);
            create.assertCancelled("SIG" + signal, exit, "nothing was kept");
            assertThat(folder.list("")).as("nothing listed").isEmpty();
            assertThat(folder.stat("backup.lease")).as("the lease released").isEmpty();
            long appends = dropbox.count("upload_session/append_v2", 200);
            assertThat(dropbox.unfinishedSessions())
                    .as("the upload session abandoned, never finished")
                    .isPositive();
            Thread.sleep(1000);
            assertThat(dropbox.count("upload_session/append_v2", 200))
                    .as("nothing appended after the exit")
                    .isEqualTo(appends);

            long t0 = System.nanoTime();
            Background again = start(dropbox(dropbox, "none", marker), "create", "--json");
            assertThat(again.exitCode()).as(Files.readString(again.err)).isZero();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                    .as("the next create does not wait for a lease")
                    .isLessThan(60);
            assertThat(folder.list("")).extracting(o -> o.name()).anyMatch(n -> n.endsWith(".manifest.json"));
        }
    }

    @Test
    void sigtermToARestoreFromDropboxLeavesDatabaseAndMediaAsTheyWere() throws Exception {
        try (DropboxFakeAccess dropbox = DropboxFakeAccess.start()) {
            BackupStorage folder = DropboxFakeAccess.storage(dropbox.port(), "/nightly");
            Path marker = tmp.resolve("at-restore-dropbox");
            Background create = start(dropbox(dropbox, "none", marker), "create", "--json");
            assertThat(create.exitCode()).as(Files.readString(create.err)).isZero();
            String id = JSON.readTree(create.out.toFile()).path("id").asText();
            changeSinceTheBackup();
            List<String> stored =
                    folder.list("").stream().map(o -> o.name()).sorted().toList();

            Background restore =
                    start(dropbox(dropbox, "restore", marker), "restore", id, "--yes", "--no-safety-backup");
            waitFor(marker, restore);
            restore.signal("TERM");
            restore.assertCancelled("SIGTERM", 143, "left as they were before");
            assertAsChanged();
            assertThat(folder.list("").stream().map(o -> o.name()).sorted().toList())
                    .as("the storage as it was")
                    .isEqualTo(stored);
            assertThat(folder.stat("backup.lease")).as("the lease released").isEmpty();

            Background again = start(dropbox(dropbox, "none", marker), "restore", id, "--yes", "--no-safety-backup");
            assertThat(again.exitCode()).as(Files.readString(again.err)).isZero();
            assertAsBackedUp();
        }
    }

    /** The tool's settings for the Dropbox fake, paced at {@code phase} ({@code none}: not paced). */
    private Map<String, String> dropbox(DropboxFakeAccess dropbox, String phase, Path marker) throws Exception {
        Map<String, String> env = plain();
        env.put("BACKUP_STORAGE", PacedStorageProvider.class.getName());
        env.put("BACKUP_DIR", "/nightly");
        env.put(
                "BACKUP_OPTIONS",
                JSON.writeValueAsString(Map.of(
                        "delegate",
                        "dropbox",
                        "dropbox_port",
                        dropbox.port(),
                        "pause_at",
                        phase,
                        "marker",
                        marker.toString())));
        return env;
    }

    private static List<?> multipartUploads(BlobStore store) {
        return store.listMultipartUploads("signals");
    }

    /** A command of the launcher, started in the background by a bash with job control on. */
    private final class Background {
        final Process bash;
        final BufferedReader lines;
        final long pid;
        final Path out;
        final Path err;

        Background(Process bash, Path out, Path err) throws Exception {
            this.bash = bash;
            this.lines = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertThat(first).startsWith("PID ");
            this.pid = Long.parseLong(first.substring(4).trim());
            this.out = out;
            this.err = err;
        }

        /** Sends the signal to the job's process group (the launcher's pid: it execs the JVM). */
        void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, "--", "-" + pid)
                    .redirectErrorStream(true)
                    .start();
            assertThat(kill.waitFor())
                    .as(new String(kill.getInputStream().readAllBytes()))
                    .isZero();
        }

        int exitCode() throws Exception {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("EXIT ")) {
                    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    return Integer.parseInt(line.substring(5).trim());
                }
            }
            throw new AssertionError("bash ended without the exit code");
        }

        boolean running() {
            return bash.isAlive();
        }

        /** Waits, while the command runs, until {@code started} says its upload has begun. */
        void awaitUploadStarted(Check started, String what) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!started.holds()) {
                assertThat(running())
                        .as("the create ended before its upload began")
                        .isTrue();
                assertThat(System.nanoTime() - end).as("waiting for " + what).isNegative();
                Thread.sleep(20);
            }
        }

        /** The command ended with {@code exit} and one line: cancelled by {@code signal}, then {@code outcome}. */
        void assertCancelled(String signal, int exit, String outcome) throws Exception {
            int code = exitCode();
            String text = Files.readString(err);
            assertThat(code).as(text).isEqualTo(exit);
            assertThat(text.lines().toList())
                    .as(text)
                    .singleElement()
                    .asString()
                    .startsWith("backup: cancelled (" + signal + "): ")
                    .contains(outcome);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private Background start(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        String command = "set -m\n\"$0\" " + String.join(" ", args) + " >\"$1\" 2>\"$2\" &\n"
                + "echo \"PID $!\"\nwait $!\necho \"EXIT $?\"\n";
        ProcessBuilder pb =
                new ProcessBuilder("bash", "-c", command, LAUNCHER.toString(), out.toString(), err.toString());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (System.getenv("JAVA_HOME") != null) {
            pb.environment().put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        pb.environment().put("BACKUP_CLI_JAR", jar.toString());
        pb.environment().putAll(env);
        pb.directory(tmp.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return new Background(pb.start(), out, err);
    }

    private Map<String, String> plain() {
        return CliJar.env(backups, dbUrl, "sa", media);
    }

    private Map<String, String> paced(String phase, Path marker) throws Exception {
        Map<String, String> env = plain();
        env.put("BACKUP_STORAGE", PacedStorageProvider.class.getName());
        env.put("BACKUP_OPTIONS", JSON.writeValueAsString(Map.of("pause_at", phase, "marker", marker.toString())));
        return env;
    }

    private static void waitFor(Path marker, Background create) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(marker)) {
            if (!create.running()) {
                throw new AssertionError(
                        "the command ended before it reached " + marker + ": " + Files.readString(create.err));
            }
            assertThat(System.nanoTime() - end).as("waiting for " + marker).isNegative();
            Thread.sleep(10);
        }
    }

    private List<String> storedNames() throws Exception {
        if (!Files.isDirectory(backups)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(backups)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(LOCK_FILE))
                    .sorted()
                    .toList();
        }
    }

    /** A jar with no classes whose manifest runs the CLI on the tests' class path (with the paced storage). */
    private Path launcherJar() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> urls = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, urls.stream().collect(Collectors.joining(" ")));
        Path path = tmp.resolve("cli/backup-cli.jar");
        Files.createDirectories(path.getParent());
        try (OutputStream o = Files.newOutputStream(path);
                JarOutputStream j = new JarOutputStream(o, manifest)) {
            j.flush();
        }
        return path;
    }
}

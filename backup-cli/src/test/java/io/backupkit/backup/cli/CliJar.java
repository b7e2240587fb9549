package io.backupkit.backup.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line's jar run in a JVM of its own, with PATH and the given environment only. */
final class CliJar {
    static final Path JAR = Path.of(System.getProperty("backup.cli.jar", "target/backup-cli.jar"));

    private CliJar() {}

    /** The settings of a run against {@code url} and {@code media}, backed up into the folder {@code backups}. */
    static Map<String, String> env(Path backups, String url, String user, Path media) {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", backups.toString());
        env.put("BACKUP_DATABASE_URL", url);
        env.put("BACKUP_DATABASE_USER", user);
        env.put("BACKUP_MEDIA_DIR", media.toString());
        return env;
    }

    /**
     * Runs the jar (small heap, quick start) in {@code tmp}, its output kept there; returns exit code, stdout,
     * stderr.
     */
    static String[] run(Path tmp, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (System.getenv("JAVA_HOME") != null) {
            pb.environment().put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        pb.environment().putAll(env);
        pb.directory(tmp.toFile());
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("backup " + String.join(" ", args) + " did not finish in 180 s");
        }
        return new String[] {
            Integer.toString(p.exitValue()),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8)
        };
    }
}

package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Records the environment each native tool is started with, for tests that no secret of the parent
 * process reaches a tool: a folder of wrapper scripts, named like the tools, each writing its own
 * environment ({@code /proc/self/environ}, what the tool gets) to a file and then running the real
 * tool. Point a dumper's {@code bin_dir} at {@link #binDir()}, run it in a child JVM with a chosen
 * environment ({@link #runJvm}), and read {@link #recorded()}.
 */
public final class ToolEnvironments {
    private final Path binDir;
    private final Path records;

    private ToolEnvironments(Path binDir, Path records) {
        this.binDir = binDir;
        this.records = records;
    }

    /**
     * Writes one wrapper per tool into {@code dir}/bin.
     *
     * @param tools the tool's name to its real executable
     */
    public static ToolEnvironments wrap(Path dir, Map<String, Path> tools) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path records = Files.createDirectories(dir.resolve("environments"));
        for (Map.Entry<String, Path> t : tools.entrySet()) {
            Path script = bin.resolve(t.getKey());
            Files.writeString(
                    script,
                    "#!/bin/sh\n"
                            + "cat /proc/$$/environ > "
                            + quote(records.resolve(t.getKey()).toString()) + ".$$.environ\n"
                            + "exec " + quote(t.getValue().toString()) + " \"$@\"\n",
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        return new ToolEnvironments(bin, records);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The folder of wrappers, for the dumper's {@code bin_dir}. */
    public Path binDir() {
        return binDir;
    }

    /** Each recorded start: tool name to the environments it was started with. */
    public Map<String, List<Map<String, String>>> recorded() throws IOException {
        Map<String, List<Map<String, String>>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(records)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                String tool = name.substring(0, name.indexOf('.'));
                Map<String, String> env = new LinkedHashMap<>();
                for (String entry : new String(Files.readAllBytes(f), StandardCharsets.UTF_8).split("\0")) {
                    int eq = entry.indexOf('=');
                    if (eq > 0) {
                        env.put(entry.substring(0, eq), entry.substring(eq + 1));
                    }
                }
                out.computeIfAbsent(tool, k -> new ArrayList<>()).add(env);
            }
        }
        return out;
    }

    /**
     * Runs {@code main} in a JVM on the test class path with exactly {@code env} as its environment,
     * waits for it and returns what it printed; fails when it does not exit 0 in time.
     */
    public static String runJvm(Class<?> main, Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                ChildJvm.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", ChildJvm.classPath(), main.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("child-jvm-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(done).as("the child JVM finished in time: " + output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            return output;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}

package io.backupkit.backup.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that need their own JVM: no H2 on the class path; a large database under -Xmx64m. */
class H2DumperChildJvmTest {
    @TempDir
    Path dir;

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private record Result(int exit, String output) {}

    private Result run(String classPath, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(H2ChildJvmMain.class.getName());
        cmd.addAll(Arrays.asList(args));
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            if (!p.waitFor(4, TimeUnit.MINUTES)) {
                return new Result(-1, "timed out\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void withoutH2OnTheClassPathTheProviderLoadsAndSaysWhatToAdd() throws Exception {
        String withoutH2 = Arrays.stream(classPath().split(File.pathSeparator))
                .filter(e -> !e.contains("h2database")
                        && !Path.of(e).getFileName().toString().startsWith("h2-"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(withoutH2).isNotEqualTo(classPath());

        Result r = run(withoutH2, List.of("-Xmx64m"), "missing-driver");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("provider h2 loaded").contains("com.h2database:h2");
    }

    @Test
    void aLargeDatabaseDumpsAndRestoresUnder64MiBOfHeap() throws Exception {
        Result r = run(classPath(), List.of("-Xmx64m", "-XX:+UseSerialGC"), "large", dir.toString());

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("max heap").contains("newer=0");
    }
}

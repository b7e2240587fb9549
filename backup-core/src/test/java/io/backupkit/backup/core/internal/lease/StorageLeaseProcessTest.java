package io.backupkit.backup.core.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * T15 across real processes: several JVMs race for the lease in one folder, first for a free lease,
 * then to take over a stale one. Exactly one wins each time.
 */
class StorageLeaseProcessTest {
    private static final int PROCESSES = 3;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void processesRacingForTheLeaseExactlyOneWinsEachRound() throws Exception {
        Path folder = temp.resolve("backups");
        Path go1 = temp.resolve("go1");
        Path go2 = temp.resolve("go2");
        Path end = temp.resolve("end");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                Process p = new ProcessBuilder(
                                java,
                                "-Xmx64m",
                                "-XX:TieredStopAtLevel=1",
                                "-cp",
                                System.getProperty("java.class.path"),
                                LeaseRacer.class.getName(),
                                folder.toString(),
                                "process-" + i,
                                go1.toString(),
                                go2.toString(),
                                end.toString())
                        .redirectError(temp.resolve("process-" + i + ".err").toFile())
                        .start();
                processes.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outputs) {
                assertThat(out.readLine()).as("child started").isEqualTo("READY");
            }

            Files.createFile(go1);
            List<String> round1 = results(outputs);
            assertThat(round1).as("round 1, free lease").containsOnly("WON", "LOST");
            assertThat(round1.stream().filter("WON"::equals).count())
                    .as("winners of a free lease")
                    .isEqualTo(1);

            // the winner "dies": its lease is replaced by one that expired an hour ago
            BackupStorage storage = new FilesystemStorage(folder);
            Instant past = Instant.now().minusSeconds(3600);
            try (ObjectWrite w = storage.openWrite(StorageLease.DEFAULT_NAME)) {
                w.stream()
                        .write(("{\"owner\":\"dead\",\"token\":\"x\",\"acquired\":\"" + past.minusSeconds(600)
                                        + "\",\"expires\":\"" + past + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
            Files.createFile(go2);
            List<String> round2 = results(outputs);
            assertThat(round2.stream().filter("WON"::equals).count())
                    .as("winners of a stale lease")
                    .isEqualTo(1);
            Files.createFile(end);
            for (Process p : processes) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> results(List<BufferedReader> outputs) throws IOException {
        List<String> results = new ArrayList<>();
        for (BufferedReader out : outputs) {
            results.add(out.readLine());
        }
        return results;
    }
}

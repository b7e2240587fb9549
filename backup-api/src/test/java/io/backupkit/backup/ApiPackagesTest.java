package io.backupkit.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The facade package must not depend on the SPI, so the SPI can use the facade's types without a cycle. */
class ApiPackagesTest {
    private static final Path ROOT = Path.of("src/main/java/io/backupkit/backup");

    @Test
    void theFacadePackageImportsNothingFromTheSpi() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.list(ROOT)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("io.backupkit.backup.spi"))
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
        assertThat(offenders).as("facade classes naming the SPI").isEmpty();
    }

    @Test
    void theApiHoldsContractsOnly() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("implementation classes belong in backup-core or backup-spi-support")
                    .doesNotContain("ProviderRegistry.java", "NativeProcess.java", "DataSourceDatabase.java");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

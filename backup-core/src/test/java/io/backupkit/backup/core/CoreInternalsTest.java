package io.backupkit.backup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only core's public packages are used outside backup-core (main and test code of every other
 * module, and the examples), so the internal ones can change freely.
 */
class CoreInternalsTest {
    static final List<String> PUBLIC = List.of("config", "h2", "report", "schedule", "storage");
    private static final Pattern CORE_NAME = Pattern.compile("io\\.backupkit\\.backup\\.core\\.(\\w+|\\*)");

    @Test
    void noOtherModuleNamesAnInternalCorePackage() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("backup-core/pom.xml"))
                .as("the repository root")
                .isRegularFile();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).startsWith("backup-core"))
                    .filter(p -> !root.relativize(p).toString().matches("(.*/)?(target|\\.[^/]*)/.*"))
                    .toList();
        }
        assertThat(sources)
                .as("sources scanned")
                .anyMatch(p -> root.relativize(p).startsWith("examples"))
                .anyMatch(p -> p.toString().contains("/src/test/"))
                .hasSizeGreaterThan(100);
        List<String> found = new ArrayList<>();
        for (Path p : sources) {
            offenders(read(p)).forEach(line -> found.add(root.relativize(p) + ": " + line));
        }
        assertThat(found)
                .as("names of internal core packages outside backup-core (use %s or the API)", PUBLIC)
                .isEmpty();
    }

    @Test
    void theScanTellsPublicFromInternalPackages() {
        assertThat(offenders(String.join(
                        "\n",
                        "import io.backupkit.backup.core.config.BackupConfigLoader;",
                        "import io.backupkit.backup.core.storage.filesystem.FilesystemStorage;",
                        "import static io.backupkit.backup.core.schedule.ScheduleSettings.of;",
                        "import io.backupkit.backup.core.h2.H2Dumper;",
                        "import io.backupkit.backup.core.report.BackupJson;",
                        "import io.backupkit.backup.corejava.Other;")))
                .isEmpty();
        assertThat(offenders(String.join(
                        "\n",
                        "import io.backupkit.backup.core.internal.engine.ProviderRegistry;",
                        "import io.backupkit.backup.core.internal.manifest.ManifestCodec;",
                        "import io.backupkit.backup.core.*;",
                        "  x = io.backupkit.backup.core.internal.engine.EngineSettings.of(m);")))
                .hasSize(4);
    }

    /** The lines of {@code source} that name a core package other than the public ones. */
    static List<String> offenders(String source) {
        List<String> out = new ArrayList<>();
        for (String line : source.split("\n")) {
            Matcher m = CORE_NAME.matcher(line);
            while (m.find()) {
                if (!PUBLIC.contains(m.group(1))) {
                    out.add(line.strip());
                    break;
                }
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

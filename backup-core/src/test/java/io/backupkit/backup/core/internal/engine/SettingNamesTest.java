package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.ProviderNotFoundException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.core.config.BackupConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors name a setting the way the surface that built the manager sets it. */
class SettingNamesTest {
    @TempDir
    Path tmp;

    @Test
    void theBuilderPathNamesBuilderMethodsAndNoEnvironmentVariable() throws IOException {
        EngineFixture f = new EngineFixture(tmp);
        try (BackupManager backups =
                f.builder().noDatabase().mediaDir(tmp.resolve("missing")).build()) {
            assertThatThrownBy(backups::create)
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("the media folder " + tmp.resolve("missing"))
                    .hasMessageEndingWith("(mediaDir(...))")
                    .hasMessageNotContaining("BACKUP_")
                    .satisfies(e -> assertThat(((BackupException) e).setting()).contains(Setting.MEDIA_DIR));
        }
        assertThatThrownBy(() -> f.builder()
                        .storage("filesytem", tmp.toString(), Map.of())
                        .build())
                .isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("unknown storage 'filesytem'")
                .hasMessageContaining("storage(id, location, options)")
                .hasMessageNotContaining("BACKUP_");
        assertThatThrownBy(
                        () -> f.builder().storage("filesystem", " ", Map.of()).build())
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageNotContaining("BACKUP_");
    }

    @Test
    void theConfigLoaderPathNamesItsVariablesWithTheHostPrefixAndConfigKeys() throws IOException {
        Path backups = tmp.resolve("backups");
        BackupManager.Builder builder = BackupConfigLoader.create()
                .envPrefix("INVENTREE_")
                .env(Map.of(
                        "INVENTREE_BACKUP_DIR", backups.toString(),
                        "INVENTREE_BACKUP_MEDIA_DIR", tmp.resolve("missing").toString()))
                .load()
                .toBuilder();
        try (BackupManager manager = builder.build()) {
            assertThatThrownBy(manager::create)
                    .hasMessageContaining("the media folder")
                    .hasMessageEndingWith("(INVENTREE_BACKUP_MEDIA_DIR; config file: media_dir)");
        }
    }

    @Test
    void noEngineOrProviderMessageNamesAnEnvironmentVariableOrACommand() throws IOException {
        Pattern literal = Pattern.compile("\"(?:[^\"\\\\\n]++|\\\\.)*+\"");
        Pattern surfaceName = Pattern.compile("BACKUP_[A-Z]|'backup [a-z]|\\./backup|--force|--yes\\b");
        List<String> found;
        try (Stream<Path> modules = Files.list(Path.of("..").toAbsolutePath().normalize())) {
            found = modules.filter(m -> m.getFileName().toString().startsWith("backup-"))
                    // the surfaces: each names settings its own way
                    .filter(m -> !m.getFileName().toString().equals("backup-cli"))
                    .filter(m -> !m.getFileName().toString().startsWith("backup-spring-boot"))
                    // the test kit: its fixtures play the host, which reads its own environment
                    .filter(m -> !m.getFileName().toString().equals("backup-tck"))
                    .map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .flatMap(SettingNamesTest::javaFiles)
                    .filter(p -> !p.toString().contains("/core/config/"))
                    .flatMap(p -> {
                        Matcher m = literal.matcher(read(p));
                        return m.results()
                                .map(r -> r.group())
                                .filter(s -> surfaceName.matcher(s).find())
                                .map(s -> p.getFileName() + ": " + s);
                    })
                    .toList();
        }
        assertThat(found).as("messages that speak one surface's language").isEmpty();
    }

    private static Stream<Path> javaFiles(Path dir) {
        try {
            return Files.walk(dir).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            // comments may name the command line; only string literals reach a caller
            return Files.readString(p).replaceAll("(?m)^\\s*(\\*|//).*$", "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warning is said once: to the host's listener, or, without one, to the log. */
class OneVoiceTest {
    @TempDir
    Path tmp;

    private BackupManager.Builder builder() {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of());
    }

    @Test
    void withoutAListenerWarningsGoToTheLog() throws Exception {
        try (BackupManager backups = builder().build()) {
            assertThat(EngineSettings.of(backups).listener()).isSameAs(LoggingListener.INSTANCE);
        }
    }

    @Test
    void withAListenerWarningsGoThereOnly() throws Exception {
        BackupListener host = new BackupListener() {};
        try (BackupManager backups = builder().listener(host).build()) {
            assertThat(EngineSettings.of(backups).listener()).isNotSameAs(LoggingListener.INSTANCE);
        }
    }

    /** A warning told to the listener is not also logged beside it: without a host listener it would be logged twice. */
    @Test
    void noWarningIsBothLoggedAndToldToTheListener() throws Exception {
        Pattern logged = Pattern.compile("^\\s*LOG\\.warn\\(");
        Pattern told = Pattern.compile("Events\\.warn\\(|\\.warning\\(");
        List<String> twice = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (logged.matcher(lines.get(i)).find()
                            && told.matcher(lines.get(i + 1)).find()) {
                        twice.add(source + ":" + (i + 1));
                    }
                }
            }
        }
        assertThat(twice).as("LOG.warn right before the listener's warning").isEmpty();
    }
}

package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupId;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.Compression;
import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.HostInfo;
import io.backupkit.backup.MediaInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void backupShapeHasTheDocumentedKeys() {
        BackupInfo info = new BackupInfo(
                1,
                new BackupId("backup-20261127T014130Z-3f9a"),
                Instant.parse("2026-11-27T01:41:30Z"),
                List.of("manual"),
                Map.of(),
                new HostInfo("inventree", "1.0", null),
                "0.1.0",
                new DatabaseInfo("h2", "H2", "2.3", "SCRIPT", "2.3", "sql"),
                null,
                List.of(
                        new ArtifactInfo("database", "x.db.sql.zst", 100, "ab", Compression.ZSTD, null, null),
                        new ArtifactInfo("media", "x.media.tar.zst", 50, "cd", Compression.ZSTD, null, null)),
                Duration.ofMillis(1500));
        Map<String, Object> m = Json.backup(info);
        assertThat(m).containsKeys("id", "created", "labels", "size", "database", "media", "artifacts", "host");
        assertThat(m.get("id")).isEqualTo("backup-20261127T014130Z-3f9a");
        assertThat(m.get("created")).isEqualTo("2026-11-27T01:41:30Z");
        assertThat(m.get("size")).isEqualTo(150L);
        assertThat(m.get("media")).isNull();
        assertThat(m.get("durationMillis")).isEqualTo(1500L);
        assertThat(Format.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Format.media(info)).isEqualTo("-");
        MediaInfo media = new MediaInfo(3, 1, 2048, List.of());
        assertThat(Format.media(new BackupInfo(
                        1, info.id(), info.created(), List.of(), Map.of(), null, null, null, media, List.of(), null)))
                .isEqualTo("3 files, 2.0 KiB");
    }
}

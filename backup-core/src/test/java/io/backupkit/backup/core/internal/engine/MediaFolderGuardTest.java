package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T26: the backup folder and the media folder. A backup folder that is the media folder (also
 * through a link) or holds it is refused before anything runs; one inside the media folder (also
 * through a link) is left out of backups and kept in place, with all its backups, by a restore;
 * {@code /}, home and system folders need an explicit override.
 */
class MediaFolderGuardTest {
    @TempDir
    Path tmp;

    private static BackupConfigurationException refused(BackupManager.Builder builder) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(builder::build);
        assertThat(t).isInstanceOf(BackupConfigurationException.class);
        return (BackupConfigurationException) t;
    }

    @Test
    void theBackupFolderBeingTheMediaFolderIsRefusedNamingBoth() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        Map<String, String> before = f.mediaState();
        BackupConfigurationException e = refused(f.builder().storage("filesystem", f.media.toString(), Map.of()));
        assertThat(e.getMessage()).contains("backup folder " + f.media).contains("media folder " + f.media);
        assertThat(e.setting()).contains(Setting.STORAGE_LOCATION);
        assertThat(f.mediaState()).isEqualTo(before); // nothing ran
    }

    @Test
    void aLinkToTheMediaFolderIsTheMediaFolder() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        f.createMedia();
        Path link = Files.createSymbolicLink(tmp.resolve("backups-link"), f.media);
        BackupConfigurationException e = refused(f.builder().storage("filesystem", link.toString(), Map.of()));
        assertThat(e.getMessage())
                .contains(link.toString())
                .contains(f.media.toRealPath().toString());
        // and the other way round: the media folder given as a link to the backup folder
        Path mediaLink = Files.createSymbolicLink(tmp.resolve("media-link"), f.media);
        refused(f.builder().storage("filesystem", f.media.toString(), Map.of()).mediaDir(mediaLink));
    }

    @Test
    void theSpoolFolderBeingTheMediaFolderIsRefused() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        BackupConfigurationException e = refused(f.builder().spoolDir(f.media));
        assertThat(e.setting()).contains(Setting.SPOOL_DIR);
        assertThat(e.getMessage()).contains("spool folder " + f.media).contains("media folder " + f.media);
        // a spool folder inside the media folder is left out and kept, like the backup folder
        try (BackupManager inside =
                f.builder().spoolDir(f.media.resolve("spool")).build()) {
            assertThat(inside.settings().spoolDir()).isEqualTo(f.media.resolve("spool"));
        }
    }

    @Test
    void aMediaFolderInsideTheBackupFolderIsRefused() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path backups = Files.createDirectories(tmp.resolve("store"));
        Path media = Files.createDirectories(backups.resolve("app/media"));
        BackupConfigurationException e = refused(
                f.builder().storage("filesystem", backups.toString(), Map.of()).mediaDir(media));
        assertThat(e.getMessage()).contains(media.toString()).contains(backups.toString());
        assertThat(e.setting()).contains(Setting.MEDIA_DIR);
        // also when the backup folder does not exist yet and is reached through a link
        Path link = Files.createSymbolicLink(tmp.resolve("store-link"), backups);
        refused(f.builder()
                .storage("filesystem", link.resolve("new").toString(), Map.of())
                .mediaDir(backups.resolve("new/media")));
    }

    @Test
    void aBackupFolderInsideTheMediaFolderSurvivesARestoreWithAllItsBackups() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Path inside = f.media.resolve("data/backups");
        Map<String, String> media = f.mediaState();
        try (BackupManager backups =
                f.builder().storage("filesystem", inside.toString(), Map.of()).build()) {
            BackupInfo first = backups.create().backup();
            f.write("second.txt", 100, 2);
            backups.create();
            f.write("third.txt", 100, 3);
            backups.create();
            assertThat(first.media().fileCount()).isEqualTo(5); // the backups are not archived
            Map<String, String> stored = folderState(inside);
            List<BackupInfo> listed = backups.list();

            backups.restore(RestoreOptions.of(first.id().value()).withSafety(RestoreOptions.Safety.BACKUP));

            Map<String, String> after = folderState(inside);
            assertThat(after).containsAllEntriesOf(stored); // every backup, byte for byte
            assertThat(backups.list()).hasSize(listed.size() + 1).containsAll(listed); // + the safety backup
            Map<String, String> restoredMedia = f.mediaState();
            restoredMedia.keySet().removeIf(k -> k.startsWith("data/backups"));
            Map<String, String> expected = new TreeMap<>(media);
            expected.put("data", "dir x"); // the folder that holds the backups stays
            assertThat(restoredMedia).isEqualTo(expected);
        }
    }

    @Test
    void aBackupFolderReachedThroughALinkIntoTheMediaFolderIsLeftOutAndKept() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Path real = Files.createDirectories(f.media.resolve("kept"));
        Path link = Files.createSymbolicLink(tmp.resolve("backups-link"), real);
        try (BackupManager backups =
                f.builder().storage("filesystem", link.toString(), Map.of()).build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.media().fileCount()).isEqualTo(5);
            Map<String, String> stored = folderState(real);
            backups.restore(RestoreOptions.latest());
            assertThat(folderState(real)).containsAllEntriesOf(stored);
            assertThat(backups.list()).extracting(BackupInfo::id).contains(info.id());
        }
    }

    @Test
    void whenTheBackupHoldsACopyOfTheBackupFolderTheLiveOneIsKept() throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Path kept = f.media.resolve("kept");
        f.write("kept/stale.txt", 10, 9); // archived: this backup was made with the backups elsewhere
        BackupInfo made;
        try (BackupManager elsewhere = f.builder().build()) {
            made = elsewhere.create().backup();
        }
        Files.delete(kept.resolve("stale.txt"));
        try (Stream<Path> objects = Files.list(f.backups)) {
            for (Path o : (Iterable<Path>) objects::iterator) {
                Files.copy(o, kept.resolve(o.getFileName()));
            }
        }
        Map<String, String> stored = folderState(kept);
        try (BackupManager inside =
                f.builder().storage("filesystem", kept.toString(), Map.of()).build()) {
            inside.restore(RestoreOptions.of(made.id().value()));
            assertThat(inside.list()).extracting(BackupInfo::id).contains(made.id());
        }
        assertThat(folderState(kept)).containsAllEntriesOf(stored).doesNotContainKey("stale.txt");
    }

    @Test
    void rootHomeAndSystemFoldersNeedTheOverride() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        for (String dir : List.of(
                "/", "/etc", "/usr", "/var", "/bin", "/root", "/home/someone", System.getProperty("user.home"))) {
            BackupConfigurationException e = refused(f.builder().noDatabase().mediaDir(Path.of(dir)));
            assertThat(e.getMessage()).as(dir).contains(dir).contains("allowSensitiveMediaDir");
            assertThat(e.setting()).contains(Setting.MEDIA_DIR_ALLOW_SENSITIVE);
        }
        Path linkToEtc = Files.createSymbolicLink(tmp.resolve("etc-link"), Path.of("/etc"));
        refused(f.builder().noDatabase().mediaDir(linkToEtc));
        try (BackupManager allowed = f.builder()
                .noDatabase()
                .mediaDir(Path.of("/etc"))
                .allowSensitiveMediaDir()
                .build()) {
            assertThat(allowed.settings().allowSensitiveMediaDir()).isTrue();
        }
        // an ordinary folder below them is fine
        try (BackupManager fine = f.builder()
                .noDatabase()
                .mediaDir(tmp.resolve("var/lib/app/media"))
                .build()) {
            assertThat(fine.settings().mediaDir()).isNotNull();
        }
    }

    @Test
    void aFolderThatBecameALinkToTheBackupFolderAfterBuildIsRefusedAtCreate() throws Exception {
        EngineFixture f = new EngineFixture(tmp);
        Path media = tmp.resolve("media-later");
        try (BackupManager backups = f.builder().noDatabase().mediaDir(media).build()) {
            Files.createDirectories(f.backups);
            Files.createSymbolicLink(media, f.backups);
            assertThatThrownBy(backups::create).isInstanceOf(BackupConfigurationException.class);
            assertThat(backups.list()).isEmpty();
        }
    }

    /** Relative path -> SHA-256 of every regular file under {@code dir}. */
    static Map<String, String> folderState(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    try {
                        out.put(
                                dir.relativize(p).toString(),
                                HexFormat.of()
                                        .formatHex(MessageDigest.getInstance("SHA-256")
                                                .digest(Files.readAllBytes(p))));
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }
}

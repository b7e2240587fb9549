package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.InvalidMediaPathException;
import io.backupkit.backup.MediaPathNotFoundException;
import io.backupkit.backup.MediaRestoreResult;
import io.backupkit.backup.UnableToRestoreMediaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** diff and restoreMedia on both formats, filesystem storage and a real H2 database. */
class DiffAndMediaPathTest {
    @TempDir
    Path tmp;

    private static final String LONG_PNG = "images/" + "long-name-".repeat(15) + ".png";

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void diffListsMediaAddedChangedRemovedAndTheChangedDump(BackupFormat format) throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().format(format).build()) {
            BackupInfo first = backups.create().backup();

            f.write("attachments/new.bin", 5000, 11);
            Files.createDirectories(f.media.resolve("new-folder"));
            Files.delete(f.media.resolve(LONG_PNG));
            // same size and time, other bytes: only the content tells
            Path script = f.media.resolve("bin/run.sh");
            FileTime time = Files.getLastModifiedTime(script);
            f.write("bin/run.sh", 100, 99);
            Files.setLastModifiedTime(script, time);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
            Files.setPosixFilePermissions(f.media.resolve("empty.txt"), PosixFilePermissions.fromString("rw-------"));
            f.sql("INSERT INTO part (name, note, price) VALUES ('second', 'x', 2)");
            BackupInfo second = backups.create().backup();

            BackupDiff diff = backups.diff(first.id(), second.id());
            assertThat(diff.from().id()).isEqualTo(first.id());
            assertThat(diff.added()).containsExactly("attachments/new.bin", "new-folder/");
            assertThat(diff.changed()).containsExactly("bin/run.sh", "empty.txt");
            assertThat(diff.removed()).containsExactly(LONG_PNG);
            BackupDiff.Dump dump = diff.dump();
            assertThat(dump.differs()).isTrue();
            if (format == BackupFormat.DEDUP) {
                assertThat(dump.fromBytes()).isPositive();
                assertThat(dump.newBytes()).isPresent();
                // most of the dump is the 300 KB blob, unchanged
                assertThat(dump.newBytes().getAsLong())
                        .isPositive()
                        .isLessThan(dump.toBytes() / 2); // most of the dump is the 300 KB blob, unchanged
            } else {
                assertThat(dump.newBytes()).isEmpty();
                assertThat(dump.fromBytes())
                        .isEqualTo(first.artifact(ArtifactInfo.DATABASE)
                                .orElseThrow()
                                .size());
                assertThat(dump.toBytes())
                        .isEqualTo(second.artifact(ArtifactInfo.DATABASE)
                                .orElseThrow()
                                .size());
            }

            BackupDiff same = backups.diff(second.id(), second.id());
            assertThat(same.sameMedia()).isTrue();
            assertThat(same.dump().differs()).isFalse();
            if (format == BackupFormat.DEDUP) {
                assertThat(same.dump().newBytes()).hasValue(0);
            }

            BackupDiff backwards = backups.diff(second.id().value(), first.id().value());
            assertThat(backwards.added()).containsExactly(LONG_PNG);
            assertThat(backwards.removed()).containsExactly("attachments/new.bin", "new-folder/");

            assertThatThrownBy(() -> backups.diff(first.id().value(), "backup-20200101T000000Z-abcd"))
                    .isInstanceOf(BackupNotFoundException.class)
                    .hasMessageContaining("backup-20200101T000000Z-abcd");
        }
    }

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void aMediaFileOrFolderIsRestoredElsewhereByteExactWithModesAndTimes(BackupFormat format) throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        Files.createSymbolicLink(f.media.resolve("attachments/latest"), Path.of("2026/report.pdf"));
        Path folder = f.media.resolve("attachments/2026");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(folder, FileTime.fromMillis(1_500_000_000_000L));
        Map<String, String> attachments = state(f.media.resolve("attachments"));
        try (BackupManager backups = f.builder().format(format).build()) {
            BackupInfo info = backups.create().backup();
            Map<String, String> media = f.mediaState();
            String db = f.databaseState();

            Path one = tmp.resolve("one");
            MediaRestoreResult file = backups.restoreMedia(info.id(), "attachments/2026/report.pdf", one);
            assertThat(file.files()).isEqualTo(1);
            assertThat(file.bytes()).isEqualTo(200_000);
            assertThat(file.mediaPath()).isEqualTo("attachments/2026/report.pdf");
            assertThat(state(one)).isEqualTo(Map.of("report.pdf", attachments.get("2026/report.pdf")));

            Path all = tmp.resolve("all");
            Files.createDirectories(all); // an empty folder is fine too
            MediaRestoreResult tree = backups.restoreMedia(info.id().value(), "./attachments/", all);
            assertThat(tree.folders()).isEqualTo(3); // attachments, 2026, Übersicht
            assertThat(state(all.resolve("attachments"))).isEqualTo(attachments);
            assertThat(Files.readSymbolicLink(all.resolve("attachments/latest")))
                    .isEqualTo(Path.of("2026/report.pdf"));
            try (Stream<Path> s = Files.list(all)) {
                assertThat(s).containsExactly(all.resolve("attachments")); // no staging folder left
            }

            f.assertUnchanged(db, media);
        }
    }

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void badMediaPathsAndTargetsAreRefusedWithTypedErrors(BackupFormat format) throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().format(format).build()) {
            BackupInfo info = backups.create().backup();
            Path out = tmp.resolve("out");

            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "attachments/nothing-here", out))
                    .isInstanceOfSatisfying(MediaPathNotFoundException.class, e -> {
                        assertThat(e.path()).isEqualTo("attachments/nothing-here");
                        assertThat(e.backup()).isEqualTo(info.id().value());
                    })
                    .hasMessageContaining("holds no media at attachments/nothing-here");
            assertThat(out).doesNotExist();

            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "attachments/../../etc", out))
                    .isInstanceOf(InvalidMediaPathException.class)
                    .hasMessageContaining("'..'");
            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "/etc/passwd", out))
                    .isInstanceOf(InvalidMediaPathException.class)
                    .hasMessageContaining("absolute");
            assertThatThrownBy(() -> backups.restoreMedia(info.id(), ".", out))
                    .isInstanceOf(InvalidMediaPathException.class);

            Files.createDirectories(out);
            Files.writeString(out.resolve("mine.txt"), "keep");
            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "bin", out))
                    .isInstanceOf(UnableToRestoreMediaException.class)
                    .hasMessageContaining("not empty");
            try (Stream<Path> s = Files.list(out)) {
                assertThat(s).containsExactly(out.resolve("mine.txt"));
            }

            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "bin", f.media.resolve("restored")))
                    .isInstanceOf(UnableToRestoreMediaException.class)
                    .hasMessageContaining("inside the media folder");
            assertThat(f.media.resolve("restored")).doesNotExist();

            assertThatThrownBy(() -> backups.restoreMedia("backup-20200101T000000Z-abcd", "bin", tmp.resolve("x")))
                    .isInstanceOf(BackupNotFoundException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void aDamagedMediaPartIsRefusedAndLeavesNothingBehind(BackupFormat format) throws Exception {
        EngineFixture f = EngineFixture.withDatabaseAndMedia(tmp);
        try (BackupManager backups = f.builder().format(format).build()) {
            BackupInfo info = backups.create().backup();
            f.flipByte(info.artifact(ArtifactInfo.MEDIA).orElseThrow().name());
            Path out = tmp.resolve("out");
            assertThatThrownBy(() -> backups.restoreMedia(info.id(), "bin/run.sh", out))
                    .isInstanceOf(CorruptBackupException.class);
            assertThat(out).doesNotExist();
            assertThatThrownBy(() -> backups.diff(info.id(), info.id())).isInstanceOf(CorruptBackupException.class);
        }
    }

    /** Every path under {@code root}: type, size, digest or link target, mode bits and mtime in millis. */
    private static Map<String, String> state(Path root) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                String kind;
                if (Files.isSymbolicLink(p)) {
                    kind = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    kind = "dir";
                } else {
                    kind = "file " + Files.size(p) + " " + EngineFixture.sha(Files.readAllBytes(p));
                }
                String mode = Files.isSymbolicLink(p)
                        ? ""
                        : " "
                                + PosixFilePermissions.toString(
                                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                long mtime =
                        Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
                state.put(rel, kind + mode + " " + mtime);
            }
        }
        return state;
    }
}

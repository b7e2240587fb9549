package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.core.internal.manifest.ManifestCodec;
import io.backupkit.backup.core.internal.manifest.TestManifests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T7, T8, T9, T11: a flipped bit, a truncation, a swapped or broken manifest, a missing artifact
 * are reported by deep verify and refused by restore, with the database and media untouched.
 */
class CorruptionTest {
    @TempDir
    Path tmp;

    EngineFixture f;
    BackupManager backups;
    BackupInfo info;
    String db;
    Map<String, String> media;
    String dbAtBackup;
    Map<String, String> mediaAtBackup;

    @BeforeEach
    void setUp() throws Exception {
        f = new EngineFixture(tmp);
        f.createDatabase();
        f.createMedia();
        backups = f.builder().build();
        info = backups.create().backup();
        dbAtBackup = f.databaseState();
        mediaAtBackup = f.mediaState();
        // the state a failed restore must leave alone
        f.sql("INSERT INTO part (name, price) VALUES ('newer', 2)");
        f.write("newer.txt", 10, 3);
        db = f.databaseState();
        media = f.mediaState();
    }

    private ArtifactInfo artifact(String kind) {
        return info.artifact(kind).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"database", "media"})
    void t7_flippedByteIsReportedByDeepVerifyAndRefusedByRestore(String kind) throws Exception {
        f.flipByte(artifact(kind).name());
        assertThat(backups.verify(info.id().value(), VerifyMode.QUICK).ok())
                .as("quick verify only checks sizes")
                .isTrue();
        VerifyResult deep = backups.verify(info.id().value(), VerifyMode.DEEP);
        assertThat(deep.ok()).isFalse();
        assertThat(deep.problems()).anyMatch(p -> p.contains(artifact(kind).name()));
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining(artifact(kind).name())
                .hasMessageContaining("nothing was changed");
        f.assertUnchanged(db, media);
        assertThat(backups.list())
                .as("no safety backup was taken before verification failed")
                .hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"database", "media"})
    void t8_truncatedArtifactIsDetected(String kind) throws Exception {
        ArtifactInfo a = artifact(kind);
        f.truncate(a.name(), a.size() - 1);
        VerifyResult quick = backups.verify("latest", VerifyMode.QUICK);
        assertThat(quick.problems()).anyMatch(p -> p.contains(a.name()));
        assertThatThrownBy(() -> backups.restore(RestoreOptions.latest())).isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @Test
    void t8_truncatedAtABlockBoundaryAndManifestAdjustedIsStillDetected() throws Exception {
        // cut the media archive at a 64 KiB boundary and make size agree: the digest still catches it
        ArtifactInfo a = artifact("media");
        long cut = (a.size() / 65536) * 65536;
        f.truncate(a.name(), cut);
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"size\" : " + a.size(), "\"size\" : " + cut));
        TestManifests.reseal(manifest);
        assertThat(backups.verify("latest", VerifyMode.DEEP).ok()).isFalse();
        assertThatThrownBy(() -> backups.restore(RestoreOptions.latest())).isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "none"})
    void t7_damagedDumpCheckedAtTheCommitGateIsRefusedWithTheDatabaseUntouched(String compression) throws Exception {
        // without a safety backup the dump is not read in a pass of its own: its digest is checked
        // from the dumper's own read, at the commit gate
        try (BackupManager gated = f.builder()
                .compression(io.backupkit.backup.Compression.parse(compression))
                .build()) {
            BackupInfo b = gated.create().backup();
            ArtifactInfo dump = b.artifact("database").orElseThrow();
            f.flipByte(dump.name());
            f.sql("INSERT INTO part (name, price) VALUES ('after', 4)");
            String changed = f.databaseState();
            Map<String, String> mediaNow = f.mediaState();
            assertThatThrownBy(() ->
                            gated.restore(RestoreOptions.of(b.id().value()).withSafetyBackup(false)))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining(dump.name());
            f.assertUnchanged(changed, mediaNow);
        }
    }

    @Test
    void t7_mediaCorruptionFoundAfterTheDatabaseRestoreRanRollsTheDatabaseBack() throws Exception {
        // a large, uncompressed media archive with a flipped byte near its end: the database restore
        // runs concurrently and reaches its commit gate, where the media failure refuses it
        try (BackupManager plain =
                f.builder().compression(io.backupkit.backup.Compression.NONE).build()) {
            f.write("big/one.bin", 8 << 20, 5);
            String expectedDb = f.databaseState();
            Map<String, String> expectedMedia = f.mediaState();
            BackupInfo big = plain.create().backup();
            assertThat(EngineSettings.of(plain).dumper().gatesCommit()).isTrue();
            ArtifactInfo mediaArtifact = big.artifact("media").orElseThrow();
            Path file = f.backups.resolve(mediaArtifact.name());
            byte[] data = Files.readAllBytes(file);
            data[data.length - 8192] ^= 0x01;
            Files.write(file, data);
            f.sql("INSERT INTO part (name, price) VALUES ('after the backup', 3)");
            String changedDb = f.databaseState();
            assertThat(changedDb).isNotEqualTo(expectedDb);
            assertThatThrownBy(() ->
                            plain.restore(RestoreOptions.of(big.id().value()).withSafetyBackup(false)))
                    .isInstanceOf(CorruptBackupException.class)
                    .hasMessageContaining(mediaArtifact.name());
            f.assertUnchanged(changedDb, expectedMedia);
        }
    }

    @Test
    void t7_flippedByteInTheManifestMakesItUnusable() throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        String text = Files.readString(manifest);
        String sha = artifact("database").sha256();
        String flipped = (sha.charAt(0) == 'a' ? "b" : "a") + sha.substring(1);
        Files.writeString(manifest, text.replace(sha, flipped));
        assertThatThrownBy(() -> backups.verify(info.id().value(), VerifyMode.QUICK))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("does not match its own checksum");
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class);
        assertThat(backups.list())
                .as("a manifest failing its checksum is not listed")
                .isEmpty();
        // with a checksum that fits the edit, the artifact's digest still refuses it
        TestManifests.reseal(manifest);
        assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).ok()).isFalse();
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class);
        Files.write(manifest, "{ not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> backups.verify(info.id().value(), VerifyMode.DEEP))
                .isInstanceOf(CorruptBackupException.class);
        assertThat(backups.list()).as("an unreadable manifest is not listed").isEmpty();
        f.assertUnchanged(db, media);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"compression\" : \"none\"", "\"encryption\" : \"openpgp\""})
    void t25_manifestWhoseArtifactFieldsNoLongerMatchTheirNamesIsRefused(String edit) throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        String text = Files.readString(manifest);
        String field = edit.substring(0, edit.indexOf(':') + 1);
        String original = field.startsWith("\"compression\"") ? field + " \"zstd\"" : field + " null";
        assertThat(text).contains(original);
        Files.writeString(manifest, text.replaceFirst(java.util.regex.Pattern.quote(original), edit));
        assertThatThrownBy(() -> backups.verify(info.id().value(), VerifyMode.DEEP))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("does not match its kind, format, compression and encryption");
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"manua", "\"created\" : \"20", "\"total_bytes\" : ", "\"library_version\" : \""})
    void t7_anEditOfADescriptiveFieldFailsTheManifestsChecksum(String field) throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        String text = Files.readString(manifest);
        int at = text.indexOf(field);
        assertThat(at).as(field).isNotNegative();
        int digit = at + field.length();
        while (!Character.isLetterOrDigit(text.charAt(digit))) {
            digit++;
        }
        char c = text.charAt(digit);
        char other = Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : (c == 'a' ? 'b' : 'a');
        Files.writeString(manifest, text.substring(0, digit) + other + text.substring(digit + 1));
        assertThatThrownBy(() -> backups.get(info.id().value()))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("does not match its own checksum");
        assertThat(backups.list()).isEmpty();
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @Test
    void t11_aManifestOfTheOlderFormatWithoutASealIsStillRestored() throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        Files.write(manifest, TestManifests.asFormat1(Files.readAllBytes(manifest)));
        assertThat(Files.readString(manifest))
                .contains("\"format_version\" : 1")
                .doesNotContain("seal");
        BackupInfo old = backups.get(info.id().value());
        assertThat(old.formatVersion()).isEqualTo(1);
        assertThat(old.seal()).isNull();
        assertThat(backups.verify(info.id().value(), VerifyMode.DEEP).ok()).isTrue();
        backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
        assertThat(f.databaseState()).isEqualTo(dbAtBackup);
        assertThat(f.mediaState()).isEqualTo(mediaAtBackup);
    }

    @Test
    void t9_manifestSwappedBetweenBackupsIsRefused() throws Exception {
        BackupInfo second = backups.create().backup();
        Path first = f.backups.resolve(info.id() + ".manifest.json");
        Path other = f.backups.resolve(second.id() + ".manifest.json");
        Files.copy(first, other, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> backups.verify(second.id().value(), VerifyMode.QUICK))
                .isInstanceOf(CorruptBackupException.class)
                .hasMessageContaining("belongs to backup " + info.id());
    }

    @Test
    void t11_missingArtifactMakesTheBackupIncomplete() throws Exception {
        Files.delete(f.backups.resolve(artifact("media").name()));
        VerifyResult quick = backups.verify("latest", VerifyMode.QUICK);
        assertThat(quick.problems()).anyMatch(p -> p.contains("missing"));
        assertThatThrownBy(() -> backups.restore(RestoreOptions.latest())).isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @Test
    void t11_aShortArtifactIsCorruptNotIncompleteWhateverTheBackupIsNamed() throws Exception {
        // the kind of problem must not be guessed from its text, which holds the backup's name
        try (BackupManager named = f.builder().name("nightly-missing").build()) {
            BackupInfo b = named.create().backup();
            ArtifactInfo media = b.artifact("media").orElseThrow();
            f.truncate(media.name(), media.size() - 1);
            assertThatThrownBy(() -> named.restore(RestoreOptions.of(b.id().value())))
                    .isInstanceOf(CorruptBackupException.class)
                    .isNotInstanceOf(io.backupkit.backup.IncompleteBackupException.class)
                    .hasMessageContaining("bytes stored");
        }
    }

    @Test
    void t11_zeroLengthArtifactIsReported() throws Exception {
        f.truncate(artifact("database").name(), 0);
        assertThat(backups.verify("latest", VerifyMode.QUICK).ok()).isFalse();
        assertThatThrownBy(() -> backups.restore(RestoreOptions.latest())).isInstanceOf(CorruptBackupException.class);
        f.assertUnchanged(db, media);
    }

    @Test
    void t11_manifestOfANewerFormatIsRefusedClearly() throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace("\"format_version\" : " + ManifestCodec.FORMAT_VERSION, "\"format_version\" : 99"));
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of(info.id().value())))
                .isInstanceOf(IncompatibleBackupException.class)
                .hasMessageContaining("newer version");
        f.assertUnchanged(db, media);
    }

    /** Found by fuzzing: the version was cast to int before its range check, so 2^32 + 1 read as 1. */
    @Test
    void t25_aFormatVersionBeyondIntIsNotReadAsAnotherVersion() throws Exception {
        Path manifest = f.backups.resolve(info.id() + ".manifest.json");
        byte[] format1 = TestManifests.asFormat1(Files.readAllBytes(manifest));
        assertThat(ManifestCodec.read(manifest.getFileName().toString(), format1)
                        .formatVersion())
                .isEqualTo(1);
        String text = new String(format1, StandardCharsets.UTF_8);
        for (long version : new long[] {(1L << 32) + 1, -(1L << 32) + 1, (1L << 32) + 2, Long.MIN_VALUE + 1}) {
            byte[] edited = text.replace("\"format_version\" : 1", "\"format_version\" : " + version)
                    .getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> ManifestCodec.read(manifest.getFileName().toString(), edited))
                    .as("version %d", version)
                    .isInstanceOfAny(CorruptBackupException.class, IncompatibleBackupException.class);
        }
    }

    @Test
    void unknownIdIsATypedErrorThatSaysWhatToDo() {
        assertThatThrownBy(() -> backups.restore(RestoreOptions.of("backup-20200101T000000Z-abcd")))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("list the backups");
        assertThatThrownBy(() -> backups.verify("nonsense", VerifyMode.QUICK))
                .isInstanceOf(BackupNotFoundException.class);
    }

    @Test
    void backupOfANewerHostVersionIsRefusedUnlessForced() throws Exception {
        try (BackupManager older =
                f.builder().hostApplication("test-app", "0.9.0").build()) {
            assertThatThrownBy(() -> older.restore(RestoreOptions.latest()))
                    .isInstanceOf(IncompatibleBackupException.class)
                    .hasMessageContaining("1.0.0");
            f.assertUnchanged(db, media);
            older.restore(RestoreOptions.latest().forcing().withSafetyBackup(false));
            assertThat(f.databaseState()).isNotEqualTo(db);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        backups.close();
    }
}

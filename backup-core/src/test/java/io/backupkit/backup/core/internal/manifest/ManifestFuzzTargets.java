package io.backupkit.backup.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.core.fuzz.Bounded;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Matrix T25 (and T7/T9), coverage-guided with Jazzer: hostile bytes to {@link
 * ManifestCodec#read(String, byte[])} under the name of a real backup's manifest. Whatever the
 * bytes, it returns a result or throws {@link CorruptBackupException} or {@link
 * IncompatibleBackupException} naming the object, within 2 s and 32 MiB allocated. A result belongs
 * to the name it was read under: its id is the name's, at most 16 artifacts, each named {@code
 * <id>.} plus characters of the storage alphabet and not a manifest; its format version is 1 or 2; a
 * format 2 one without encryption carries the checksum of its canonical form, a format 1 one no seal.
 * Written again and read back, it is the same backup.
 *
 * <p>The seal (a checksum) is out of reach of byte mutations, so an input ending with a newline is
 * resealed first ({@link TestManifests#resealed}, what anyone who can write the storage can do): the
 * mutation then reaches the checks behind the seal. Other inputs are read as they are.
 *
 * <p>Regression inputs (a real format 2 manifest, the same as format 1, and findings) are in {@code
 * src/test/resources/io/backupkit/backup/core/internal/manifest/ManifestFuzzTargetsInputs/readHostileManifest/};
 * how CI fuzzes, how to fuzz longer and where findings land: see {@code ArchiveFuzzTargets}.
 */
class ManifestFuzzTargets {
    /** The object name of the backup whose manifest is the seed input. */
    static final String NAME = "backup-20261127T052301Z-cbc6.manifest.json";

    private static final String ID = NAME.substring(0, NAME.length() - ObjectNames.MANIFEST_SUFFIX.length());
    private static final Bounded BOUNDS = new Bounded(Duration.ofSeconds(2), 32L << 20);

    @FuzzTest(maxDuration = "50s")
    void readHostileManifest(byte[] input) throws Exception {
        byte[] bytes =
                input.length > 0 && input[input.length - 1] == '\n' ? TestManifests.resealed(NAME, input) : input;
        Bounded.Outcome<BackupInfo> outcome = BOUNDS.check(() -> ManifestCodec.read(NAME, bytes), () -> {});
        Throwable t = outcome.thrown();
        if (t != null) {
            if (!(t instanceof CorruptBackupException) && !(t instanceof IncompatibleBackupException)) {
                throw new AssertionError(
                        "threw " + t.getClass().getName()
                                + " instead of CorruptBackupException/IncompatibleBackupException: " + t,
                        t);
            }
            assertThat(t.getMessage()).contains(NAME);
            return;
        }
        BackupInfo info = outcome.value();
        assertThat(info.id().value()).isEqualTo(ID);
        assertThat(ObjectNames.manifest(info.id())).isEqualTo(NAME);
        assertThat(info.formatVersion()).isBetween(1, ManifestCodec.FORMAT_VERSION);
        assertThat(info.artifacts()).hasSizeLessThanOrEqualTo(16);
        for (ArtifactInfo a : info.artifacts()) {
            assertThat(a.name())
                    .startsWith(ID + ".")
                    .matches("[A-Za-z0-9._-]{1,200}")
                    .doesNotEndWith(ObjectNames.MANIFEST_SUFFIX);
            assertThat(a.kind()).isIn(ArtifactInfo.DATABASE, ArtifactInfo.MEDIA);
            assertThat(a.size()).isNotNegative();
        }
        if (info.formatVersion() == 1) {
            assertThat(info.seal()).as("format 1 has no seal").isNull();
            assertThat(info.encrypted())
                    .as("format 1 cannot authenticate encryption")
                    .isFalse();
        } else if (!info.encrypted()) {
            String checksum = "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(ManifestCodec.canonical(info)));
            assertThat(info.seal()).as("the checksum of what was read").isEqualTo(checksum);
        } else {
            assertThat(info.seal()).matches("hmac-sha256:[0-9a-f]{64}");
        }
        assertThat(ManifestCodec.read(NAME, ManifestCodec.write(info)))
                .as("written again and read back")
                .isEqualTo(info);
    }
}

package io.backupkit.backup.core.internal.engine;

import static io.backupkit.backup.core.internal.archive.RawNameListing.listing;
import static io.backupkit.backup.core.internal.archive.RawNameListing.makeRawNames;
import static io.backupkit.backup.core.internal.archive.RawNameListing.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.MediaRestoreResult;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.UnsafeArchiveException;
import io.backupkit.backup.core.internal.archive.ExtractLimits;
import io.backupkit.backup.core.internal.archive.MediaExtractor;
import io.backupkit.backup.core.internal.dedup.DedupReader;
import io.backupkit.backup.core.storage.FilesystemStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names as their bytes in a dedup backup, as {@code RawFileNamesTest} checks them for the archive format: files,
 * folders, hard links and link targets whose names are not UTF-8 (made by bash) survive create and restore byte
 * for byte, show in a diff, and come back with a media path; a raw name with a '..' segment is still refused.
 */
class DedupRawFileNamesTest {
    @TempDir
    Path tmp;

    EngineFixture f;

    @BeforeEach
    void mediaWithRawNames() throws Exception {
        f = new EngineFixture(tmp);
        f.createDatabase();
        makeRawNames(f.media);
        sh(
                "cd \"$0\" && mkdir -p $'plain/sub\\xe4' && printf 'deep' > $'plain/sub\\xe4/f\\xe5'"
                        + " && ln -s $'sub\\xe4/f\\xe5' $'plain/to\\xe6'",
                f.media);
    }

    @Test
    void namesThatAreNotUtf8RoundTripAsTheirBytes() throws Exception {
        String before = listing(f.media, true);
        assertThat(before)
                .contains("caf\u00e9.txt", "dir\u00ff\u00fe/in\u00fdner", "-> ../dir\u00ff\u00fe/in\u00fdner");
        try (BackupManager backups = f.builder().format(BackupFormat.DEDUP).build()) {
            BackupInfo info = backups.create().backup();
            assertThat(info.media().skipped()).isEmpty();

            // (a new name that is not UTF-8 would stay: a restore keeps those the backups of older versions lacked)
            sh("cd \"$0\" && rm -r $'dir\\xff\\xfe' && printf 'other' > $'caf\\xe9.txt' && touch new.txt", f.media);
            backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
        }
        assertThat(listing(f.media, true)).isEqualTo(before);
    }

    @Test
    void aDiffShowsRawNamesAndAMediaPathBringsThemBack() throws Exception {
        try (BackupManager backups = f.builder().format(BackupFormat.DEDUP).build()) {
            BackupInfo first = backups.create().backup();
            sh(
                    "cd \"$0\" && printf 'LATIN-1' > $'caf\\xe9.txt' && printf 'n' > $'new\\xe7' && rm $'link\\xe1'",
                    f.media);
            BackupInfo second = backups.create().backup();

            BackupDiff diff = backups.diff(first.id(), second.id());
            // as a tar listing shows them: bytes that are not UTF-8 as U+FFFD
            assertThat(diff.changed()).containsExactlyInAnyOrder("caf\uFFFD.txt", "hard\uFFFD");
            assertThat(diff.added()).containsExactly("new\uFFFD");
            assertThat(diff.removed()).containsExactly("link\uFFFD");

            Path target = tmp.resolve("one");
            MediaRestoreResult plain = backups.restoreMedia(first.id(), "plain", target);
            assertThat(plain.files()).isEqualTo(2);
            assertThat(listing(target.resolve("plain"), true)).isEqualTo(listing(f.media.resolve("plain"), true));
        }
    }

    @Test
    void aRawNameWithADotDotSegmentIsStillRefused() throws Exception {
        try (BackupManager backups = f.builder().format(BackupFormat.DEDUP).build()) {
            backups.create().backup(); // the location's repository
        }
        DedupReader reader = new DedupReader(new FilesystemStorage(f.backups), null);
        byte[] utf8 = "\u00dcbersicht/\u00e4.txt".getBytes(StandardCharsets.UTF_8);
        byte[] evil = {'.', '.', '/', (byte) 0xff};

        // a tree as every version writes it: a name is its length and its bytes (UTF-8 before raw names)
        Path old = tmp.resolve("old");
        extract(tar(reader, tree(utf8)), old);
        assertThat(old.resolve("\u00dcbersicht/\u00e4.txt")).isRegularFile();

        byte[] tar = tar(reader, tree(evil));
        assertThat(new String(tar, StandardCharsets.ISO_8859_1)).contains("hdrcharset=BINARY");
        Path target = tmp.resolve("target");
        assertThatThrownBy(() -> extract(tar, target))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("'..'");
        assertThat(tmp.resolve("\u00ff")).doesNotExist();
        assertThat(target).doesNotExist();
    }

    /** A media tree of one empty file of that name. */
    private static byte[] tree(byte[] name) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x424b4d54); // BKMT
        out.writeByte(2); // a file
        out.writeInt(name.length);
        out.write(name);
        out.writeInt(0644);
        out.writeLong(1_700_000_000L);
        out.writeInt(0);
        out.writeLong(0); // size
        out.writeLong(0); // inode
        out.writeLong(0); // device
        out.writeLong(0); // ctime
        out.writeInt(0); // chunks
        out.writeByte(0); // end
        return bytes.toByteArray();
    }

    private static byte[] tar(DedupReader reader, byte[] tree) throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        reader.writeMediaTar(new ByteArrayInputStream(tree), "test.media.tree", "test", tar);
        return tar.toByteArray();
    }

    private static void extract(byte[] tar, Path target) {
        new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                .extract(new ByteArrayInputStream(tar), target, "test.media.tree");
    }
}

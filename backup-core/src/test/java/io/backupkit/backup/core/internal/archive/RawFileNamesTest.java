package io.backupkit.backup.core.internal.archive;

import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.archive;
import static io.backupkit.backup.core.internal.archive.ArchiveTestSupport.extract;
import static io.backupkit.backup.core.internal.archive.RawNameListing.listing;
import static io.backupkit.backup.core.internal.archive.RawNameListing.makeRawNames;
import static io.backupkit.backup.core.internal.archive.RawNameListing.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.MediaInfo;
import io.backupkit.backup.UnsafeArchiveException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names as their bytes: files, folders, hard links and link targets whose names are not UTF-8 (made by bash,
 * as another program would make them) and names with a backslash survive a round trip byte for byte,
 * through this library and through GNU tar in both directions. Compared by listings that GNU find and md5sum
 * print as bytes.
 */
class RawFileNamesTest {
    @TempDir
    Path tmp;

    Path media;

    @BeforeEach
    void mediaWithRawNames() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        makeRawNames(media);
        sh("cd \"$0\" && mkfifo $'fifo\\xe4'", media);
    }

    @Test
    void namesThatAreNotUtf8RoundTripAsTheirBytes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MediaInfo info = new MediaArchiver(media, List.of(), List.of(), BackupListener.NONE).write(out);
        assertThat(info.skipped()).isEmpty();
        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).contains("hdrcharset=BINARY");

        Path restored = tmp.resolve("restored");
        extract(out.toByteArray(), restored);
        assertThat(listing(restored, true)).isEqualTo(listing(media, true)).contains("caf\u00e9.txt");
    }

    @Test
    void gnuTarReadsTheNamesAsBytesAndTheExtractorReadsGnuTarsArchives() throws Exception {
        Path ours = tmp.resolve("ours.tar");
        Files.write(ours, archive(media));
        Path byGnu = Files.createDirectories(tmp.resolve("by-gnu"));
        sh("tar -xf \"$0\" -C \"$1\"", ours, byGnu);
        assertThat(listing(byGnu, true)).isEqualTo(listing(media, true));

        for (String format : List.of("posix", "gnu")) {
            Path theirs = tmp.resolve(format + ".tar");
            sh("cd \"$0\" && tar --format=" + format + " -cf \"$1\" .", media, theirs);
            Path restored = tmp.resolve("from-" + format);
            new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                    .extract(new ByteArrayInputStream(Files.readAllBytes(theirs)), restored, format + ".tar");
            // GNU's own format holds whole seconds only
            boolean nanos = format.equals("posix");
            assertThat(listing(restored, nanos)).as(format).isEqualTo(listing(media, nanos));
        }
    }

    @Test
    void aRawNameWithADotDotSegmentIsStillRefused() throws Exception {
        Path evil = Files.createDirectories(tmp.resolve("evil"));
        sh("cd \"$0\" && mkdir -p a && printf x > $'a/\\xff' ", evil);
        Path tar = tmp.resolve("evil.tar");
        // GNU tar keeps the '..' when asked to; the name's bytes are not UTF-8, so the raw path is read
        sh("cd \"$0\" && tar -P --format=posix --transform $'s,^a/\\xff$,../\\xff,' -cf \"$1\" $'a/\\xff'", evil, tar);
        Path target = tmp.resolve("target");
        assertThatThrownBy(() -> new MediaExtractor(ExtractLimits.defaults(), BackupListener.NONE)
                        .extract(new ByteArrayInputStream(Files.readAllBytes(tar)), target, "evil.tar"))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("'..'");
        assertThat(tmp.resolve("\u00ff")).doesNotExist();
        assertThat(target).doesNotExist();
    }
}

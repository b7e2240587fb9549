package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.core.internal.manifest.ManifestCodec;
import io.backupkit.backup.core.internal.manifest.ManifestSeal;
import io.backupkit.backup.tck.fixtures.Warnings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Entries of the live media folder whose names or link targets are not UTF-8 and that the backup does
 * not have: a backup that holds such names as bytes removes them like any other entry (the restored
 * folder is the backup's), one made before (its manifest without the marker) leaves them in place. In
 * both formats: the archive and the dedup tree hold such names as bytes alike.
 */
class RawNamesInPlaceTest {
    @TempDir
    Path tmp;

    Path media;
    final Warnings warnings = new Warnings();

    @BeforeEach
    void mediaFolder() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("plain.txt"), "plain");
        Files.writeString(raw(media, "held-%FF.txt"), "a name that is not UTF-8, in the backup");
    }

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void aBackupThatHoldsRawNamesRemovesTheRawNamedEntriesItDoesNotHave(BackupFormat format) throws Exception {
        try (BackupManager backups = manager(format)) {
            BackupInfo backup = backups.create().backup();
            assertThat(backup.attributes()).containsEntry("media_names", "bytes");
            Map<String, String> before = listing(media);
            addRawEntries();
            warnings.clear();

            backups.restore(RestoreOptions.of(backup.id().value()).withSafetyBackup(false));

            assertThat(listing(media)).as("the backup's folder, byte for byte").isEqualTo(before);
            assertThat(warnings.list()).noneMatch(w -> w.contains("Left in place"));
        }
    }

    @ParameterizedTest
    @EnumSource(BackupFormat.class)
    void aBackupMadeBeforeRawNamesLeavesThemInPlace(BackupFormat format) throws Exception {
        String id;
        try (BackupManager backups = manager(format)) {
            id = backups.create().backup().id().value();
        }
        asMadeBeforeRawNames(id);
        Map<String, String> before = listing(media);
        addRawEntries();
        Map<String, String> expected = new TreeMap<>(before);
        expected.putAll(listing(media)); // the raw entries stay

        try (BackupManager backups = manager(format)) {
            warnings.clear();
            backups.restore(RestoreOptions.of(id).withSafetyBackup(false));
        }

        assertThat(listing(media)).isEqualTo(expected).hasSize(before.size() + 5);
        assertThat(warnings.list()).anyMatch(w -> w.contains("Left in place"));
    }

    /** A file, a folder (with a file) and a link named in bytes that are not UTF-8; a link to such a name. */
    private void addRawEntries() throws Exception {
        Files.writeString(raw(media, "new-%E9.txt"), "new since the backup");
        Files.createDirectories(raw(media, "dir-%E0"));
        Files.writeString(raw(media, "dir-%E0").resolve("inside.txt"), "in a folder whose name is not UTF-8");
        Files.createSymbolicLink(raw(media, "link-%FE"), Path.of("plain.txt"));
        Files.createSymbolicLink(media.resolve("to-raw"), relativeRaw("held-%FF.txt"));
    }

    /** Rewrites the manifest as the version before raw names wrote it: without the attribute. */
    private void asMadeBeforeRawNames(String id) throws Exception {
        Path manifest = tmp.resolve("backups").resolve(id + ".manifest.json");
        BackupInfo read = ManifestCodec.read(manifest.getFileName().toString(), Files.readAllBytes(manifest));
        Map<String, String> attributes = new HashMap<>(read.attributes());
        assertThat(attributes.remove(MediaNames.ATTRIBUTE)).isEqualTo(MediaNames.AS_BYTES);
        BackupInfo old = new BackupInfo(
                read.formatVersion(),
                read.id(),
                read.created(),
                read.labels(),
                attributes,
                read.host(),
                read.libraryVersion(),
                read.database(),
                read.media(),
                read.artifacts(),
                read.duration());
        Files.write(manifest, ManifestCodec.write(ManifestSeal.seal(old, null)));
    }

    /** Every entry below {@code root} by its name's bytes (URI-escaped): type and content or link target. */
    private static Map<String, String> listing(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.equals(root)).toList()) {
                String rel = root.toUri().relativize(p.toUri()).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p).toUri());
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else {
                    out.put(rel, "file " + Files.readString(p));
                }
            }
        }
        return out;
    }

    private BackupManager manager(BackupFormat format) {
        return BackupManager.builder()
                .storage("filesystem", tmp.resolve("backups").toString(), Map.of())
                .format(format)
                .mediaDir(media)
                .spoolDir(tmp.resolve("spool"))
                .hostApplication("test-app", "1.0.0")
                .listener(warnings)
                .build();
    }

    /** A path whose last name is given as percent-escaped bytes (may be other than UTF-8). */
    private static Path raw(Path dir, String escapedName) {
        return Path.of(URI.create(dir.toUri() + escapedName));
    }

    /** A relative path given as percent-escaped bytes. */
    private static Path relativeRaw(String escaped) {
        Path anchored = Path.of(URI.create("file:///" + escaped));
        return anchored.subpath(0, anchored.getNameCount());
    }
}

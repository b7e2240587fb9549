package io.backupkit.backup.core.internal.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.BackupInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manifest edits for tests: what someone who can write the storage but holds no secret can do. */
public final class TestManifests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestManifests() {}

    /**
     * The manifest as the 0.1 pre-release wrote it: format 1, no seal.
     *
     * @throws IOException when the text is not a JSON object
     */
    public static byte[] asFormat1(byte[] manifest) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(manifest);
        root.remove("seal");
        root.put("format_version", 1);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * An edited manifest of an unencrypted backup with a checksum that fits the edit (anyone can
     * compute it): the edit then reaches the checks behind the seal. Returns the input unchanged
     * when it cannot be read as an unsealed manifest.
     */
    public static byte[] resealed(String objectName, byte[] edited) {
        BackupInfo info;
        try {
            info = ManifestCodec.read(objectName, asFormat1(edited));
        } catch (RuntimeException | IOException e) {
            return edited;
        }
        return sealed(info, info.created());
    }

    /**
     * The manifest of {@code info} (unencrypted) in the current format with a fitting checksum, with
     * {@code created} in place of its created time.
     */
    public static byte[] sealed(BackupInfo info, java.time.Instant created) {
        return ManifestCodec.write(ManifestSeal.seal(
                new BackupInfo(
                        ManifestCodec.FORMAT_VERSION,
                        info.id(),
                        created,
                        info.labels(),
                        info.attributes(),
                        info.host(),
                        info.libraryVersion(),
                        info.database(),
                        info.media(),
                        info.artifacts(),
                        info.duration()),
                null));
    }

    /** Applies {@link #resealed} to a manifest file. */
    public static void reseal(Path manifest) throws IOException {
        Files.write(manifest, resealed(manifest.getFileName().toString(), Files.readAllBytes(manifest)));
    }
}

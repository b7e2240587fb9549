package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.UnableToDecryptException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.manifest.ManifestSeal;
import io.backupkit.backup.core.internal.pipeline.Compressors;
import io.backupkit.backup.core.internal.pipeline.FileStreams;
import io.backupkit.backup.core.internal.pipeline.HashingInputStream;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DecryptedStream;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.StoredObject;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Opens stored artifacts: raw (for digests) and decoded (decrypted, decompressed). */
final class ArtifactReader {
    private ArtifactReader() {}

    /** The artifact's file when the storage keeps it on this machine, to verify and read in place. */
    static Optional<Path> localFile(BackupStorage storage, ArtifactInfo artifact) {
        return storage.localFolder()
                .map(folder -> folder.resolve(artifact.name()))
                .filter(Files::isRegularFile);
    }

    static InputStream openRaw(BackupStorage storage, ArtifactInfo artifact) throws IOException {
        Optional<Path> local = localFile(storage, artifact);
        InputStream in = local.isPresent() ? FileStreams.open(local.get()) : storage.openRead(artifact.name());
        return new BufferedInputStream(in, Compressors.BUFFER);
    }

    /**
     * The decoded content of {@code raw}; closing it closes {@code raw}. An encrypted artifact is
     * first matched to the manifest of {@code backup} by its seal key.
     */
    static InputStream decode(EngineSettings settings, BackupInfo backup, ArtifactInfo artifact, InputStream raw)
            throws IOException {
        InputStream plain = raw;
        InputStream decoded;
        try {
            if (artifact.encrypted()) {
                Encryption enc = requireDecryption(settings, artifact);
                DecryptedStream decrypted = enc.decrypt(raw, artifact.name());
                ManifestSeal.verify(backup, artifact, decrypted.sealKey());
                plain = decrypted;
            }
            decoded = Compressors.decompress(artifact.compression(), plain);
        } catch (IOException | RuntimeException e) {
            raw.close(); // the caller gets no stream to close
            throw e;
        }
        InputStream encrypted = plain;
        return new FilterInputStream(decoded) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    try {
                        if (encrypted != raw) {
                            encrypted.close();
                        }
                    } finally {
                        raw.close();
                    }
                }
            }
        };
    }

    /**
     * Matches an encrypted artifact to its manifest without reading its content (only the
     * encryption header), so that a restore refuses an edited manifest before it changes anything.
     */
    static void authenticate(EngineSettings settings, BackupInfo backup, ArtifactInfo artifact) {
        try (InputStream raw = settings.storage().openRead(artifact.name());
                InputStream ignored = decode(settings, backup, artifact, raw)) {
            // opening it checked the seal
        } catch (IOException e) {
            throw unreadable(settings.storage(), artifact, e);
        }
    }

    /** The storage failed to give back {@code artifact} before a restore changed anything. */
    static UnableToStoreException unreadable(BackupStorage storage, ArtifactInfo artifact, IOException e) {
        return new UnableToStoreException(
                storage.describe(),
                artifact.name(),
                "cannot read " + artifact.name() + " from " + storage.describe() + ": " + e.getMessage()
                        + "; nothing was changed",
                e);
    }

    static Encryption requireDecryption(EngineSettings settings, ArtifactInfo artifact) {
        Encryption enc = settings.encryption();
        if (enc == null || !enc.canDecrypt() || !enc.id().equals(artifact.encryption())) {
            throw new UnableToDecryptException(
                    artifact.keyId(),
                    artifact.name() + " is encrypted (" + artifact.encryption()
                            + ", key " + artifact.keyId()
                            + "); configure the matching secret key or passphrase",
                    null);
        }
        return enc;
    }

    /**
     * What a quick check found wrong with an artifact.
     *
     * @param text what is wrong, for a person
     * @param missing whether the artifact is not there at all (else: it has another size)
     */
    record Problem(String text, boolean missing) {}

    /**
     * Quick check of one artifact: present, and of the size the manifest says.
     *
     * @return the problem, or empty when the artifact looks right
     */
    static Optional<Problem> presence(BackupStorage storage, ArtifactInfo artifact) {
        Optional<StoredObject> stored;
        try {
            stored = storage.stat(artifact.name());
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    artifact.name(),
                    "cannot read " + artifact.name() + " in " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
        if (stored.isEmpty()) {
            return Optional.of(new Problem(artifact.name() + ": missing (the backup is incomplete)", true));
        }
        if (stored.get().size() != artifact.size()) {
            return Optional.of(new Problem(
                    artifact.name() + ": " + stored.get().size() + " bytes stored, the manifest says "
                            + artifact.size(),
                    false));
        }
        return Optional.empty();
    }

    /** Compares what was read with the manifest. */
    static void check(ArtifactInfo artifact, HashingInputStream hashed) {
        if (hashed.count() != artifact.size()) {
            throw new CorruptBackupException(
                    artifact.name(),
                    artifact.size() + " bytes",
                    hashed.count() + " bytes",
                    artifact.name() + " has " + hashed.count() + " bytes but the manifest says " + artifact.size()
                            + " (truncated or altered); the backup is corrupt, nothing was changed");
        }
        String sha = hashed.sha256();
        if (!sha.equals(artifact.sha256())) {
            throw new CorruptBackupException(
                    artifact.name(),
                    artifact.sha256(),
                    sha,
                    artifact.name() + " does not match its SHA-256 in the manifest (expected " + artifact.sha256()
                            + ", got " + sha + "); the backup is corrupt, nothing was changed");
        }
    }
}

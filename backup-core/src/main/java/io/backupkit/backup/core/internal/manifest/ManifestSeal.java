package io.backupkit.backup.core.internal.manifest;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.spi.SealKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The manifest's own integrity (format 2). Its seal covers the canonical form of everything the
 * library reads from it ({@link ManifestCodec#canonical}):
 *
 * <ul>
 *   <li>{@code sha256:<hex>} for a backup without encryption: a checksum, checked whenever the
 *       manifest is read, so a damaged manifest is never trusted (it does not stop someone who can
 *       write the storage: without a secret nothing can);
 *   <li>{@code hmac-sha256:<hex>} for an encrypted backup, keyed by the backup's {@link SealKey},
 *       which lives only inside its encrypted artifacts. It is checked each time an artifact is
 *       decrypted (restore checks every artifact it restores before changing anything; deep verify
 *       checks all), so a manifest edited by someone who cannot decrypt the artifacts, or another
 *       backup's manifest, is refused.
 * </ul>
 */
public final class ManifestSeal {
    static final String CHECKSUM = "sha256:";
    static final String MAC = "hmac-sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private ManifestSeal() {}

    /** {@code info} with its seal: a MAC under {@code key} when encrypted, a checksum otherwise. */
    public static BackupInfo seal(BackupInfo info, SealKey key) {
        byte[] canonical = ManifestCodec.canonical(info);
        if (info.encrypted()) {
            if (key == null) {
                throw new IllegalArgumentException("an encrypted backup needs a seal key");
            }
            return info.withSeal(MAC + HexFormat.of().formatHex(key.mac(canonical)));
        }
        return info.withSeal(CHECKSUM + HexFormat.of().formatHex(sha256(canonical)));
    }

    /** What {@link ManifestCodec#read} checks: the seal's form, and the checksum of an unencrypted manifest. */
    static void checkOnRead(String objectName, BackupInfo info) {
        String seal = info.seal();
        if (info.formatVersion() < 2) {
            if (seal != null) {
                throw ManifestCodec.corrupt(objectName, "of format 1 has a seal, which format 1 does not have");
            }
            if (info.encrypted()) {
                throw ManifestCodec.corrupt(
                        objectName,
                        "(format 1) belongs to an encrypted backup but carries no seal, so it cannot be"
                                + " authenticated");
            }
            return;
        }
        String prefix = info.encrypted() ? MAC : CHECKSUM;
        if (seal == null
                || !seal.startsWith(prefix)
                || !HEX64.matcher(seal.substring(prefix.length())).matches()) {
            throw ManifestCodec.corrupt(
                    objectName,
                    "has no valid seal (expected " + prefix + "<64 hex digits> for "
                            + (info.encrypted() ? "an encrypted" : "an unencrypted") + " backup)");
        }
        if (!info.encrypted()) {
            byte[] expected = HexFormat.of().parseHex(seal.substring(prefix.length()));
            if (!MessageDigest.isEqual(expected, sha256(ManifestCodec.canonical(info)))) {
                throw new CorruptBackupException(
                        objectName,
                        seal,
                        null,
                        "manifest " + objectName + " does not match its own checksum (it was altered or damaged);"
                                + " the backup cannot be used, nothing was changed");
            }
        }
    }

    /**
     * Checks an encrypted backup's manifest against the seal key found inside one of its artifacts.
     *
     * @throws CorruptBackupException when the artifact carries no key or the manifest does not match it
     */
    public static void verify(BackupInfo info, ArtifactInfo artifact, Optional<SealKey> key) {
        String seal = info.seal();
        if (seal == null || !seal.startsWith(MAC)) {
            throw new CorruptBackupException(
                    artifact.name(),
                    null,
                    null,
                    "manifest of backup " + info.id() + " is not sealed with a key, so its encrypted artifacts"
                            + " cannot be matched to it; refusing it, nothing was changed");
        }
        if (key.isEmpty()) {
            throw new CorruptBackupException(
                    artifact.name(),
                    seal,
                    null,
                    artifact.name() + " carries no seal key: it was not encrypted by this library for backup "
                            + info.id() + " (replaced, or re-encrypted without keeping its embedded file name);"
                            + " refusing it, nothing was changed");
        }
        byte[] expected = HexFormat.of().parseHex(seal.substring(MAC.length()));
        if (!MessageDigest.isEqual(expected, key.get().mac(ManifestCodec.canonical(info)))) {
            throw new CorruptBackupException(
                    artifact.name(),
                    seal,
                    null,
                    "the manifest of backup " + info.id() + " does not match the seal inside " + artifact.name()
                            + ": the manifest was edited or the artifact belongs to another backup;"
                            + " refusing it, nothing was changed");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

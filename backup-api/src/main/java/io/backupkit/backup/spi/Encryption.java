package io.backupkit.backup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streaming encryption of artifacts (unknown length). Decryption must authenticate: reading a
 * decrypted stream to its end throws {@link io.backupkit.backup.CorruptBackupException} when the
 * ciphertext was altered or truncated, and opening it throws {@link
 * io.backupkit.backup.UnableToDecryptException} when the key does not fit.
 */
public interface Encryption {
    /** The provider id recorded in the manifest. */
    String id();

    /** The object-name suffix without the dot, e.g. {@code gpg}. */
    String extension();

    /** The recipient key id (hex) or {@code passphrase}, recorded in the manifest. */
    String keyId();

    /**
     * Wraps {@code target}; closing the returned stream finishes the encryption but does not close
     * {@code target}. {@code objectName} and {@code sealKey} are bound into the ciphertext
     * (confidential and integrity-protected): the name so a swapped artifact is detected, the seal
     * key so {@link #decrypt} can give it back to authenticate the manifest.
     */
    OutputStream encrypt(OutputStream target, String objectName, SealKey sealKey) throws IOException;

    /**
     * Opens the plaintext of {@code source}; checks that it was encrypted for {@code objectName} and
     * returns the seal key bound into it. Reading the result to its end checks the integrity.
     */
    DecryptedStream decrypt(InputStream source, String objectName) throws IOException;

    /** Whether a secret key or passphrase is configured, so {@link #decrypt} can work. */
    boolean canDecrypt();
}

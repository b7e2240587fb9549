package io.backupkit.backup.spi;

/** Creates an {@link Encryption}. Found by {@link java.util.ServiceLoader}. */
public interface EncryptionProvider extends Provider {
    Encryption create(EncryptionConfig config);
}

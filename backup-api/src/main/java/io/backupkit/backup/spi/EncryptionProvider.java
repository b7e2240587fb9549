package io.backupkit.backup.spi;

/** Creates an {@link Encryption}. Found by {@link java.util.ServiceLoader}. */
public interface EncryptionProvider extends Provider {
    /**
     * Creates the encryption; a configuration it cannot use is a {@link
     * io.backupkit.backup.BackupConfigurationException}.
     */
    Encryption create(EncryptionConfig config);
}

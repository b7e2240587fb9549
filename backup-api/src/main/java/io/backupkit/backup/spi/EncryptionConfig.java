package io.backupkit.backup.spi;

import io.backupkit.backup.PassphraseCallback;
import io.backupkit.backup.Secret;
import java.nio.file.Path;

/**
 * What an encryption provider is created from. Any component may be {@code null}.
 *
 * @param recipientKey public key file to encrypt to ({@code BACKUP_ENCRYPTION_RECIPIENT_KEY})
 * @param secretKey secret key file to decrypt with ({@code BACKUP_ENCRYPTION_SECRET_KEY})
 * @param passphrase passphrase for symmetric encryption or for the secret key
 * @param options provider options
 * @param passphraseCallback asked for a passphrase that is not configured (see {@link
 *     PassphraseCallback}); {@code null} when the host gives none
 */
public record EncryptionConfig(
        Path recipientKey,
        Path secretKey,
        Secret passphrase,
        ProviderOptions options,
        PassphraseCallback passphraseCallback) {
    /** Missing options become empty ones. */
    public EncryptionConfig {
        options = options == null ? new ProviderOptions("encryption.options", java.util.Map.of()) : options;
    }

    /** Without a callback. */
    public EncryptionConfig(Path recipientKey, Path secretKey, Secret passphrase, ProviderOptions options) {
        this(recipientKey, secretKey, passphrase, options, null);
    }

    /** The same with {@code callback}. */
    public EncryptionConfig withPassphraseCallback(PassphraseCallback callback) {
        return new EncryptionConfig(recipientKey, secretKey, passphrase, options, callback);
    }
}

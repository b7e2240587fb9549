package io.backupkit.backup.spi;

import io.backupkit.backup.PassphraseCallback;

/**
 * What an encryption provider is created from.
 *
 * @param options the provider's options (keys, passphrase; each provider documents its own)
 * @param passphraseCallback asked for a passphrase that is not configured (see {@link
 *     PassphraseCallback}); {@code null} when the host gives none
 */
public record EncryptionConfig(ProviderOptions options, PassphraseCallback passphraseCallback) {
    /** Missing options become empty ones. */
    public EncryptionConfig {
        options = options == null ? ProviderOptions.empty() : options;
    }
}

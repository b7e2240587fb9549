package io.backupkit.backup.encryption.openpgp;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code openpgp} options: {@code recipient_key} (public key file to encrypt to), {@code
 * secret_key} (secret key file to decrypt with) and {@code passphrase} (symmetric encryption, or the
 * secret key's passphrase). Any may be missing.
 */
record OpenPgpKeys(Path recipientKey, Path secretKey, Secret passphrase) {
    static OpenPgpKeys of(ProviderOptions options) {
        options.requireOnly(Set.of("recipient_key", "secret_key", "passphrase"));
        return new OpenPgpKeys(
                options.string("recipient_key").map(Path::of).orElse(null),
                options.string("secret_key").map(Path::of).orElse(null),
                options.secret("passphrase").orElse(null));
    }
}

package io.backupkit.backup.encryption.openpgp;

import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.EncryptionConfig;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code openpgp} options as a host passes them to {@code encryption("openpgp", options)}. */
final class OpenPgpTestKeys {
    private OpenPgpTestKeys() {}

    static Map<String, Object> keys(Path recipientKey, Path secretKey, Secret passphrase) {
        Map<String, Object> keys = new LinkedHashMap<>();
        if (recipientKey != null) {
            keys.put("recipient_key", recipientKey);
        }
        if (secretKey != null) {
            keys.put("secret_key", secretKey);
        }
        if (passphrase != null) {
            keys.put("passphrase", passphrase);
        }
        return keys;
    }

    static EncryptionConfig config(Path recipientKey, Path secretKey, Secret passphrase) {
        return new EncryptionConfig(
                new ProviderOptions("encryption.options", keys(recipientKey, secretKey, passphrase)), null);
    }
}

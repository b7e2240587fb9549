package io.backupkit.backup.encryption.openpgp;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.EncryptionConfig;
import io.backupkit.backup.spi.EncryptionProvider;
import io.backupkit.backup.spi.SpiVersion;

/**
 * {@code openpgp}: encrypts to the public key in {@code BACKUP_ENCRYPTION_RECIPIENT_KEY} (the
 * machine that backs up needs no secret), or, without a recipient, to the passphrase in {@code
 * BACKUP_ENCRYPTION_PASSPHRASE_FILE}. Restoring needs the secret key ({@code
 * BACKUP_ENCRYPTION_SECRET_KEY}, its passphrase in the passphrase file if it has one) or the
 * passphrase; a passphrase not configured is asked of the host's {@link
 * io.backupkit.backup.PassphraseCallback}.
 */
public final class OpenPgpEncryptionProvider implements EncryptionProvider {
    @Override
    public String id() {
        return "openpgp";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public Encryption create(EncryptionConfig config) {
        OpenPgpKeys keys = OpenPgpKeys.of(config.options());
        if (keys.recipientKey() == null
                && keys.secretKey() == null
                && keys.passphrase() == null
                && config.passphraseCallback() == null) {
            throw new BackupConfigurationException(
                    Setting.ENCRYPTION,
                    "encryption is on but no key is given: give a recipient key (the public key to encrypt to)"
                            + " or a passphrase");
        }
        return new OpenPgpEncryption(keys, config.passphraseCallback());
    }
}

package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.Secret;
import io.backupkit.backup.core.config.BackupConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Builds the {@link BackupManager} from {@code backupkit.*}: the same settings path as the command
 * line ({@link BackupConfig}), with the database taken from the application's {@link DataSource}.
 */
final class BackupManagerFactory {
    private BackupManagerFactory() {}

    static BackupManager create(
            BackupProperties p,
            DataSource dataSource,
            String hostName,
            String hostVersion,
            List<BackupListener> listeners,
            ClassLoader classLoader) {
        if (p.getDir() == null || p.getDir().isBlank()) {
            throw new BackupConfigurationException(
                    "backupkit.dir",
                    "backupkit.dir is not set: set it to the backup location (an absolute folder for the "
                            + p.getStorage()
                            + " storage, else a key prefix or remote folder), e.g. BACKUPKIT_DIR=/var/backups/app");
        }
        if ("filesystem".equals(p.getStorage().trim()) && !p.getDir().trim().startsWith("/")) {
            throw new BackupConfigurationException(
                    "backupkit.dir",
                    "backupkit.dir must be an absolute folder for the filesystem storage, not '" + p.getDir()
                            + "' (a relative one would follow the working folder the application was started in)");
        }
        BackupProperties.Encryption e = p.getEncryption();
        Secret passphrase = null;
        if (e.getPassphraseFile() != null) {
            try {
                passphrase = Secret.fromFile(e.getPassphraseFile());
            } catch (BackupConfigurationException unreadable) {
                throw new BackupConfigurationException(
                        "backupkit.encryption.passphrase-file", unreadable.getMessage(), unreadable);
            }
        }
        BackupConfig config = new BackupConfig(
                p.getStorage().trim(),
                p.getDir().trim(),
                options(p.getOptions()),
                p.getName(),
                null,
                null,
                null,
                null,
                Map.of(),
                p.getMediaDir(),
                p.getMediaExclude(),
                p.getCompression(),
                p.getSpoolDir(),
                e.getRecipientKey(),
                e.getSecretKey(),
                passphrase,
                hostName,
                hostVersion,
                Map.of(),
                Map.of(),
                "",
                Map.of(),
                false);
        BackupManager.Builder builder = config.applyTo(BackupManager.builder());
        if (dataSource == null) {
            builder.noDatabase();
        } else {
            builder.dataSource(dataSource);
        }
        listeners.forEach(builder::listener);
        return builder.classLoader(classLoader).build();
    }

    /**
     * Option keys as the providers spell them ({@code path_style}): relaxed binding turns
     * {@code BACKUPKIT_OPTIONS_PATH_STYLE} into {@code path.style} and YAML may say {@code path-style}.
     */
    static Map<String, Object> options(Map<String, String> bound) {
        Map<String, Object> out = new LinkedHashMap<>();
        bound.forEach(
                (k, v) -> out.put(k.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
        return out;
    }
}

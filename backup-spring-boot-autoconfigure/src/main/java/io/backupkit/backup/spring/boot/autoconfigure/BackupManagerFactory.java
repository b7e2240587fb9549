package io.backupkit.backup.spring.boot.autoconfigure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.core.config.BackupConfig;
import io.backupkit.backup.core.config.BackupConfigLoader;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        // the command line's settings path (same checks, same messages), fed the properties under
        // the variable names it knows; the failure analyzer names the properties again
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "BACKUP_STORAGE", p.getStorage());
        put(env, "BACKUP_DIR", p.getDir());
        put(env, "BACKUP_OPTIONS", json(options(p.getOptions())));
        put(env, "BACKUP_NAME", p.getName());
        put(env, "BACKUP_MEDIA_DIR", p.getMediaDir());
        put(env, "BACKUP_MEDIA_EXCLUDE", p.getMediaExclude().isEmpty() ? null : String.join(",", p.getMediaExclude()));
        put(env, "BACKUP_COMPRESSION", p.getCompression().id());
        put(env, "BACKUP_FORMAT", p.getFormat().name().toLowerCase(java.util.Locale.ROOT));
        put(env, "BACKUP_KEEP_ASIDE_DAYS", Integer.toString(p.getKeepAsideDays()));
        put(env, "BACKUP_SPOOL_DIR", p.getSpoolDir());
        put(env, "BACKUP_ENCRYPTION_RECIPIENT_KEY", p.getEncryption().getRecipientKey());
        put(env, "BACKUP_ENCRYPTION_SECRET_KEY", p.getEncryption().getSecretKey());
        put(env, "BACKUP_ENCRYPTION_PASSPHRASE_FILE", p.getEncryption().getPassphraseFile());
        put(env, "BACKUP_HOST_APP", hostName);
        put(env, "BACKUP_HOST_VERSION", hostVersion);
        BackupConfig config = BackupConfigLoader.create().env(env).load();
        BackupManager.Builder builder =
                config.applyTo(BackupManager.builder()).settingNames(SpringSettingNames.INSTANCE);
        if (dataSource == null) {
            builder.noDatabase();
        } else {
            builder.dataSource(dataSource);
        }
        listeners.forEach(builder::listener);
        return builder.classLoader(classLoader).build();
    }

    private static void put(Map<String, String> env, String name, Object value) {
        if (value != null) {
            env.put(name, value.toString().trim());
        }
    }

    private static String json(Map<String, Object> options) {
        try {
            return JSON.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
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

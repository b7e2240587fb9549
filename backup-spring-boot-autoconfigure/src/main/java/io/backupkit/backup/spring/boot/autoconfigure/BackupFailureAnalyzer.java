package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupConfigurationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link BackupConfigurationException} at start-up into Spring Boot's failure report,
 * naming the property to set ({@code backupkit.dir}) rather than the command line's variable.
 */
public final class BackupFailureAnalyzer extends AbstractFailureAnalyzer<BackupConfigurationException> {
    /** The library's setting names, as the command line knows them, and the properties they are here. */
    private static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

    static {
        PROPERTIES.put("backup_storage", "backupkit.storage");
        PROPERTIES.put("backup_dir", "backupkit.dir");
        PROPERTIES.put("backup_options", "backupkit.options");
        PROPERTIES.put("backup_name", "backupkit.name");
        PROPERTIES.put("backup_media_dir", "backupkit.media-dir");
        PROPERTIES.put("media_dir", "backupkit.media-dir");
        PROPERTIES.put("backup_media_exclude", "backupkit.media-exclude");
        PROPERTIES.put("backup_compression", "backupkit.compression");
        PROPERTIES.put("backup_format", "backupkit.format");
        PROPERTIES.put("backup_spool_dir", "backupkit.spool-dir");
        PROPERTIES.put("backup_keep_aside_days", "backupkit.keep-aside-days");
        PROPERTIES.put("spool_dir", "backupkit.spool-dir");
        PROPERTIES.put("encryption", "backupkit.encryption");
        PROPERTIES.put("backup_encryption_recipient_key", "backupkit.encryption.recipient-key");
        PROPERTIES.put("backup_encryption_secret_key", "backupkit.encryption.secret-key");
        PROPERTIES.put("backup_encryption_passphrase_file", "backupkit.encryption.passphrase-file");
        PROPERTIES.put("backup_host_app", "backupkit.host-application.name");
        PROPERTIES.put("backup_host_version", "backupkit.host-application.version");
        PROPERTIES.put("backup_database_url", "spring.datasource.url");
        PROPERTIES.put("datasource", "spring.datasource.*");
        PROPERTIES.put("database.dumper", "spring.datasource.url");
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BackupConfigurationException cause) {
        String property = cause.setting().map(SpringSettingNames::property).orElseGet(() -> cause.key()
                .map(BackupFailureAnalyzer::property)
                .orElse("backupkit.*"));
        String message = cause.getMessage();
        if (cause.key().isPresent() && !cause.key().get().equals(property)) {
            message = message.replace(cause.key().get(), property); // the library's setting name, as set here
        }
        String description = "backupkit could not be configured: " + message
                + (property.startsWith("backupkit.") || property.startsWith("spring.")
                        ? " [property: " + property + "]"
                        : "");
        String action =
                "Update " + property + " in your application's configuration (application.yml, or the environment"
                        + " variable " + envName(property) + ").";
        if (property.equals("spring.datasource.url")) {
            action += " A database needs its dumper module beside the starter: backup-db-postgres for PostgreSQL,"
                    + " backup-db-mysql for MariaDB/MySQL (H2 is built in).";
        }
        return new FailureAnalysis(description, action, cause);
    }

    /** The property for a setting name the library used: its own property names pass unchanged. */
    static String property(String key) {
        if (key.startsWith("backupkit.") || key.startsWith("spring.")) {
            return key;
        }
        String k = key.toLowerCase(Locale.ROOT);
        int dot = k.indexOf('.');
        String head = dot < 0 ? k : k.substring(0, dot);
        String tail = dot < 0 ? "" : k.substring(dot);
        if (PROPERTIES.containsKey(k)) {
            return PROPERTIES.get(k);
        }
        if (PROPERTIES.containsKey(head)) {
            return PROPERTIES.get(head) + tail.replace('_', '-');
        }
        return "backupkit." + k.replace('_', '-');
    }

    private static String envName(String property) {
        return property.replace("*", "").replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
    }
}

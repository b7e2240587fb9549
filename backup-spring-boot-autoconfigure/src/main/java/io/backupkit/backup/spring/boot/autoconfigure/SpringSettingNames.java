package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.Setting;
import io.backupkit.backup.SettingNames;

/** Errors name the Spring property that sets what is wrong, e.g. {@code backupkit.media-dir}. */
final class SpringSettingNames implements SettingNames {
    static final SpringSettingNames INSTANCE = new SpringSettingNames();

    private SpringSettingNames() {}

    @Override
    public String howToSet(Setting setting) {
        return property(setting);
    }

    static String property(Setting setting) {
        return switch (setting) {
            case STORAGE -> "backupkit.storage";
            case STORAGE_LOCATION -> "backupkit.dir";
            case STORAGE_OPTIONS -> "backupkit.options";
            case DATABASE_URL, DATABASE_DUMPER, DATABASE_OPTIONS -> "spring.datasource.url";
            case DATABASE_USER -> "spring.datasource.username";
            case DATABASE_PASSWORD -> "spring.datasource.password";
            case MEDIA_DIR, MEDIA_DIR_ALLOW_SENSITIVE -> "backupkit.media-dir";
            case MEDIA_EXCLUDE -> "backupkit.media-exclude";
            case SPOOL_DIR -> "backupkit.spool-dir";
            case HOST_VERSION -> "backupkit.host-application.version";
            case ENCRYPTION -> "backupkit.encryption";
            case FORMAT -> "backupkit.format";
            case KEEP_ASIDE_FOR -> "backupkit.keep-aside-days";
        };
    }
}

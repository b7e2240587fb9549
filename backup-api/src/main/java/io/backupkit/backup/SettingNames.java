package io.backupkit.backup;

/**
 * How a surface names its settings in messages: a {@link BackupConfigurationException} that blames a
 * {@link Setting} ends with the name this gives it. The builder's own is {@link #BUILDER}; the config
 * loader and the command line give environment variables, config keys and flags.
 */
@FunctionalInterface
public interface SettingNames {
    /** The builder methods, e.g. {@code mediaDir(...)}. */
    SettingNames BUILDER = Setting::builderMethod;

    /** How {@code setting} is set on this surface, e.g. {@code BACKUP_MEDIA_DIR}. */
    String howToSet(Setting setting);
}

package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.CheckResult;
import io.backupkit.backup.Setting;
import io.backupkit.backup.SettingNames;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Checks every part a backup needs, collecting all problems instead of stopping at the first. */
final class ConfigurationCheck {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineSettings settings;
    private final List<String> checked = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final SettingNames names;

    ConfigurationCheck(EngineSettings settings, SettingNames names) {
        this.settings = settings;
        this.names = names;
    }

    private String messageOf(BackupException e) {
        return e instanceof BackupConfigurationException c
                ? c.describedBy(names).getMessage()
                : e.getMessage();
    }

    CheckResult run() {
        database();
        media();
        storage();
        if (settings.encryption() != null) {
            checked.add("encryption: " + settings.encryption().id() + ", key read");
        }
        if (!problems.isEmpty()) {
            throw new BackupConfigurationException(problems);
        }
        return new CheckResult(checked, warnings);
    }

    private void database() {
        if (settings.dumper() == null) {
            return;
        }
        try {
            DatabaseDescription d = settings.dumper().describe();
            checked.add("database: " + d.product() + " " + d.serverVersion() + ", dumped with " + d.tool() + " "
                    + d.toolVersion());
        } catch (BackupException e) {
            problems.add("database: " + messageOf(e));
        }
    }

    private void media() {
        Path dir = settings.mediaDir();
        if (dir == null) {
            return;
        }
        if (!Files.exists(dir)) {
            warnings.add("media folder: " + dir + " does not exist yet; a backup before an upgrade treats it as"
                    + " empty, any other backup fails until it exists");
        } else if (!Files.isDirectory(dir)) {
            problems.add("media folder: " + dir + " is not a folder; point " + names.howToSet(Setting.MEDIA_DIR)
                    + " at a folder");
        } else if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            problems.add("media folder: " + dir + " cannot be read by this process; check its permissions");
        } else {
            checked.add("media folder: " + dir + " readable");
        }
    }

    private void storage() {
        BackupStorage storage = settings.storage();
        String probe = "backup-check-" + HexFormat.of().formatHex(RANDOM.generateSeed(4)) + ".probe";
        try {
            try (ObjectWrite w = storage.openWrite(probe)) {
                w.stream().write("backupkit storage check\n".getBytes(StandardCharsets.US_ASCII));
                w.commit();
            }
            storage.delete(probe);
            checked.add("storage: " + storage.describe() + " writable");
        } catch (IOException | BackupException e) {
            problems.add("storage: " + storage.describe() + " cannot be written (" + e.getMessage()
                    + "); check the storage location and its permissions or credentials");
        }
    }
}

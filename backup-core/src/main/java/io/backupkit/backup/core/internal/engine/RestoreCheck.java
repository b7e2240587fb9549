package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.IncompleteBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.Setting;
import java.util.Optional;

/**
 * Refuses, before anything changes, a restore that cannot be done here: a backup newer than the
 * running host (unless forced), a part with nowhere to go, a missing or short artifact, a dump the
 * dumper cannot read, an encrypted backup without its key or with an edited manifest.
 */
final class RestoreCheck {

    private final EngineSettings settings;
    private final BackupListener listener;

    RestoreCheck(EngineSettings settings, BackupListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** Throws what keeps {@code backup} from being restored here; warns about what is restored unchecked. */
    void require(BackupInfo backup, RestoreOptions options, Optional<ArtifactInfo> db, Optional<ArtifactInfo> media) {
        if (!options.force()
                && Versions.isNewer(backup.host().version(), settings.host().version())) {
            throw new IncompatibleBackupException("backup " + backup.id() + " was made by " + name(backup) + " "
                    + backup.host().version()
                    + ", newer than the running " + settings.host().version()
                    + ": its database schema may not fit this version. "
                    + "Upgrade first, or force the restore");
        }
        warnIfVersionUnchecked(backup, options);
        if (db.isEmpty() && media.isEmpty()) {
            throw new BackupConfigurationException("nothing to restore: backup " + backup.id() + " has no "
                    + (options.database() && options.media()
                            ? "parts"
                            : options.database() ? "database part" : "media part"));
        }
        if (db.isPresent()) {
            if (settings.dumper() == null) {
                throw new BackupConfigurationException(
                        Setting.DATABASE_URL,
                        "backup " + backup.id()
                                + " holds a database dump but no database is configured: configure the database (or restore media only)");
            }
            settings.dumper().checkRestorable(backup.database());
        }
        if (media.isPresent() && settings.mediaDir() == null) {
            throw new BackupConfigurationException(
                    Setting.MEDIA_DIR,
                    "backup " + backup.id()
                            + " holds a media archive but no media folder is configured: configure the media folder (or restore the database only)");
        }
        for (ArtifactInfo a : backup.artifacts()) {
            if (db.filter(a::equals).isEmpty() && media.filter(a::equals).isEmpty()) {
                continue;
            }
            ArtifactReader.presence(settings.storage(), a).ifPresent(problem -> {
                throw problem.missing()
                        ? new IncompleteBackupException(
                                a.name(),
                                "backup " + backup.id() + " is incomplete: " + problem.text() + "; nothing was changed")
                        : new CorruptBackupException(
                                a.name(),
                                String.valueOf(a.size()),
                                null,
                                "backup " + backup.id() + " is corrupt: " + problem.text() + "; nothing was changed");
            });
            if (a.encrypted()) {
                ArtifactReader.requireDecryption(settings, a);
                ArtifactReader.authenticate(settings, backup, a); // an edited manifest is refused here
            }
        }
    }

    /** A backup whose host version cannot be compared with the running one restores, but not silently. */
    private void warnIfVersionUnchecked(BackupInfo backup, RestoreOptions options) {
        String made = backup.host().version();
        String running = settings.host().version();
        if (options.force()
                || made == null
                || made.isBlank()
                || Versions.compare(made, running).isPresent()) {
            return;
        }
        String warning = running == null || running.isBlank()
                ? "backup " + backup.id() + " was made by " + name(backup) + " " + made
                        + ", but the running application's version is not configured ("
                        + settings.settingNames().howToSet(Setting.HOST_VERSION)
                        + "), so nothing checks that the backup is not newer than it"
                : "backup " + backup.id() + " was made by " + name(backup) + " " + made
                        + ", which cannot be compared with the running version " + running
                        + "; restoring it without that check";
        listener.warning(warning);
    }

    private static String name(BackupInfo b) {
        return b.host().application() == null
                ? "the host application"
                : b.host().application();
    }
}

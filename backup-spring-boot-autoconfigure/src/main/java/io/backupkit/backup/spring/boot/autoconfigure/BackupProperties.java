package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code backupkit.*} properties. Relaxed binding applies, so the environment variables
 * {@code BACKUPKIT_DIR}, {@code BACKUPKIT_STORAGE}, {@code BACKUPKIT_OPTIONS_BUCKET} set them too.
 */
@ConfigurationProperties("backupkit")
public class BackupProperties {
    /** Whether backupkit is configured at all. */
    private boolean enabled = true;

    /** Storage provider id ({@code filesystem}, {@code s3}, {@code sftp}, {@code azure}, {@code dropbox}) or class name. */
    private String storage = "filesystem";

    /** Backup location: an absolute folder, a key prefix, a folder on the SFTP server or a Dropbox path. */
    private String dir;

    /** Storage provider options, e.g. {@code bucket}, {@code region} for {@code s3}. */
    private Map<String, String> options = new LinkedHashMap<>();

    /** The first part of backup ids. */
    private String name = "backup";

    /** The media folder; none for database-only backups. */
    private Path mediaDir;

    /** Globs relative to the media folder to leave out, e.g. {@code cache/**}. */
    private List<String> mediaExclude = new ArrayList<>();

    /** How artifacts are compressed. */
    private Compression compression = Compression.ZSTD;

    /** How the storage location keeps backups: archive (self-contained sets) or dedup (shared chunks). */
    private BackupFormat format = BackupFormat.ARCHIVE;

    /** Days prune leaves the database and media folder a restore kept aside for a rollback. */
    private int keepAsideDays = 7;

    /** Local folder for verified downloads during a restore; the temp folder when unset. */
    private Path spoolDir;

    /** Take a {@code pre-upgrade} backup before Flyway runs pending migrations (never on a fresh install). */
    private boolean preUpgradeBackup = true;

    private final Encryption encryption = new Encryption();
    private final Schedule schedule = new Schedule();
    private final Retention retention = new Retention();
    private final HostApplication hostApplication = new HostApplication();
    private final Health health = new Health();
    private final Endpoint endpoint = new Endpoint();

    /** OpenPGP encryption; any key or passphrase file switches it on. */
    public static class Encryption {
        /** Public key file to encrypt to. */
        private Path recipientKey;

        /** Secret key file to restore and deep-verify with. */
        private Path secretKey;

        /** File holding the passphrase (symmetric encryption, or the secret key's). */
        private Path passphraseFile;

        public Path getRecipientKey() {
            return recipientKey;
        }

        public void setRecipientKey(Path recipientKey) {
            this.recipientKey = recipientKey;
        }

        public Path getSecretKey() {
            return secretKey;
        }

        public void setSecretKey(Path secretKey) {
            this.secretKey = secretKey;
        }

        public Path getPassphraseFile() {
            return passphraseFile;
        }

        public void setPassphraseFile(Path passphraseFile) {
            this.passphraseFile = passphraseFile;
        }
    }

    /** The daily backup. */
    public static class Schedule {
        /** Whether the scheduler runs with the application context. */
        private boolean enabled = false;

        /** Local times backups may start in, e.g. {@code 01:00-05:00}; any time when unset. */
        private String window;

        /** The zone of the window. */
        private String zone = "UTC";

        /** Days between backups. */
        private int intervalDays = 1;

        /** How often the scheduler looks whether a backup is due. */
        private Duration checkEvery = Duration.ofMinutes(1);

        /** After a failed attempt, how long to wait before the next. */
        private Duration retryAfter = Duration.ofHours(1);

        /**
         * On shutdown, how long a running scheduled backup may take to finish; then it is cancelled
         * (nothing of it is kept).
         */
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getWindow() {
            return window;
        }

        public void setWindow(String window) {
            this.window = window;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public int getIntervalDays() {
            return intervalDays;
        }

        public void setIntervalDays(int intervalDays) {
            this.intervalDays = intervalDays;
        }

        public Duration getCheckEvery() {
            return checkEvery;
        }

        public void setCheckEvery(Duration checkEvery) {
            this.checkEvery = checkEvery;
        }

        public Duration getRetryAfter() {
            return retryAfter;
        }

        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /** What the scheduler keeps after each scheduled backup; nothing is deleted when no rule is set. */
    public static class Retention {
        /** Keep the newest N backups. */
        private int keepLast;

        /** Keep the newest backup of each of the last N days. */
        private int keepDaily;

        /** Keep the newest backup of each of the last N ISO weeks. */
        private int keepWeekly;

        /** Keep the newest backup of each of the last N months. */
        private int keepMonthly;

        /** Keep the newest N pre-upgrade backups whatever the other rules say. */
        private int keepPreUpgrade;

        /** Keep backups younger than this (alone, or as a limit on the count rules). */
        private Duration maxAge;

        public int getKeepLast() {
            return keepLast;
        }

        public void setKeepLast(int keepLast) {
            this.keepLast = keepLast;
        }

        public int getKeepDaily() {
            return keepDaily;
        }

        public void setKeepDaily(int keepDaily) {
            this.keepDaily = keepDaily;
        }

        public int getKeepWeekly() {
            return keepWeekly;
        }

        public void setKeepWeekly(int keepWeekly) {
            this.keepWeekly = keepWeekly;
        }

        public int getKeepMonthly() {
            return keepMonthly;
        }

        public void setKeepMonthly(int keepMonthly) {
            this.keepMonthly = keepMonthly;
        }

        public int getKeepPreUpgrade() {
            return keepPreUpgrade;
        }

        public void setKeepPreUpgrade(int keepPreUpgrade) {
            this.keepPreUpgrade = keepPreUpgrade;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }

    /** Recorded in each manifest; a restore refuses a backup of a newer version unless forced. */
    public static class HostApplication {
        /** The application's name; {@code spring.application.name} when unset. */
        private String name;

        /** The application's version; the build info's version when unset. */
        private String version;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getVersion() {
            return version;
        }

        public void setVersion(String version) {
            this.version = version;
        }
    }

    /** The {@code backup} health indicator. */
    public static class Health {
        /**
         * The oldest the newest complete backup may be while the indicator is UP; 26 hours when the
         * schedule is on, otherwise unset (the indicator reports UNKNOWN with the newest backup's age).
         */
        private Duration maxAge;

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }

    /** The {@code backups} Actuator endpoint. */
    public static class Endpoint {
        /** Whether {@code POST /actuator/backups/{id}/restore} may restore (off: restores only from code). */
        private boolean restoreEnabled = false;

        public boolean isRestoreEnabled() {
            return restoreEnabled;
        }

        public void setRestoreEnabled(boolean restoreEnabled) {
            this.restoreEnabled = restoreEnabled;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }

    public String getDir() {
        return dir;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public Map<String, String> getOptions() {
        return options;
    }

    public void setOptions(Map<String, String> options) {
        this.options = options;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Path getMediaDir() {
        return mediaDir;
    }

    public void setMediaDir(Path mediaDir) {
        this.mediaDir = mediaDir;
    }

    public List<String> getMediaExclude() {
        return mediaExclude;
    }

    public void setMediaExclude(List<String> mediaExclude) {
        this.mediaExclude = mediaExclude;
    }

    public int getKeepAsideDays() {
        return keepAsideDays;
    }

    public void setKeepAsideDays(int keepAsideDays) {
        this.keepAsideDays = keepAsideDays;
    }

    public BackupFormat getFormat() {
        return format;
    }

    public void setFormat(BackupFormat format) {
        this.format = format;
    }

    public Compression getCompression() {
        return compression;
    }

    public void setCompression(Compression compression) {
        this.compression = compression;
    }

    public Path getSpoolDir() {
        return spoolDir;
    }

    public void setSpoolDir(Path spoolDir) {
        this.spoolDir = spoolDir;
    }

    public boolean isPreUpgradeBackup() {
        return preUpgradeBackup;
    }

    public void setPreUpgradeBackup(boolean preUpgradeBackup) {
        this.preUpgradeBackup = preUpgradeBackup;
    }

    public Encryption getEncryption() {
        return encryption;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Retention getRetention() {
        return retention;
    }

    public HostApplication getHostApplication() {
        return hostApplication;
    }

    public Health getHealth() {
        return health;
    }

    public Endpoint getEndpoint() {
        return endpoint;
    }
}

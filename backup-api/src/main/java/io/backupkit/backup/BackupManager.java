package io.backupkit.backup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Backs up and restores a host application's database and media folder.
 *
 * <pre>{@code
 * BackupManager backups = BackupManager.builder()
 *         .storage("filesystem", "/var/backups/myapp", Map.of())
 *         .database("jdbc:postgresql://localhost/myapp", "myapp", Secret.of(password))
 *         .mediaDir(Path.of("/var/lib/myapp/media"))
 *         .hostApplication("myapp", "2.4.0")
 *         .build();
 * CreateResult r = backups.create(CreateOptions.labelled("manual"));
 * backups.restore(RestoreOptions.latest());
 * }</pre>
 *
 * <p>A manager is immutable and thread-safe; operations that change the storage (create, restore,
 * prune, delete) take a lease in the storage so that only one runs at a time, across processes.
 * Close it to release the storage's clients.
 *
 * <p>Cancelling: interrupt the thread that runs an operation; it stops within seconds, removes what
 * it had started (partial objects, uploads, dump tools, spool files), releases the lease and
 * throws {@link BackupCancelledException}. {@link #close()} does that for every running operation
 * (bounded wait), so a host can call it from its shutdown hook.
 */
public interface BackupManager extends AutoCloseable {
    /** A new builder. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Writes one backup set: dump and media archive concurrently, then the manifest. Throws on
     * failure, in which case no new backup is listed.
     */
    CreateResult create(CreateOptions options);

    /** {@link #create(CreateOptions)} with the {@code manual} label. */
    default CreateResult create() {
        return create(CreateOptions.labelled(CreateOptions.MANUAL));
    }

    /** A {@code pre-upgrade} backup for a host's upgrade routine, recording both versions. */
    default CreateResult createBeforeUpgrade(String fromVersion, String toVersion) {
        return create(CreateOptions.preUpgrade(fromVersion, toVersion));
    }

    /**
     * Restores a backup: verifies it first, then replaces media and database, all or nothing, keeping
     * the replaced state aside (or taking a safety backup, as {@link RestoreOptions#safety()} says).
     */
    RestoreResult restore(RestoreOptions options);

    /** The state the last restore kept aside, which {@link #rollback} can put back, if any. */
    Optional<KeptAside> keptAside();

    /**
     * Puts back the database and media folder the last restore kept aside, all or nothing; the state
     * it replaces (the restored one) is deleted.
     *
     * @throws BackupNotFoundException when nothing is kept aside
     * @throws DatabaseInUseException while other sessions use the database, unless asked to end them
     */
    RollbackResult rollback(RollbackOptions options);

    /** Complete backups, newest first (by manifest time). */
    List<BackupInfo> list();

    /** The newest complete backup. */
    Optional<BackupInfo> latest();

    /**
     * A complete backup by id or {@code latest}.
     *
     * @throws BackupNotFoundException when there is none
     */
    BackupInfo get(String idOrLatest);

    /** A complete backup by id; {@link BackupNotFoundException} when there is none. */
    default BackupInfo get(BackupId id) {
        return get(id.value());
    }

    /** Checks a backup (id or {@code latest}): quick (objects present, sizes) or deep (download, digests, decryption). */
    VerifyResult verify(String idOrLatest, VerifyMode mode);

    /** Checks a backup by id; see {@link #verify(String, VerifyMode)}. */
    default VerifyResult verify(BackupId id, VerifyMode mode) {
        return verify(id.value(), mode);
    }

    /**
     * What changed from backup {@code from} to backup {@code to} (ids or {@code latest}): media paths
     * added, changed and removed, and how the dumps compare. Reads both backups' media parts (each
     * checked against its manifest, as a deep verify does), never their dumps' content; changes nothing.
     *
     * @throws BackupNotFoundException when either backup does not exist
     */
    BackupDiff diff(String from, String to);

    /** {@link #diff(String, String)} by id. */
    default BackupDiff diff(BackupId from, BackupId to) {
        return diff(from.value(), to.value());
    }

    /**
     * Writes one media file or folder of a backup (id or {@code latest}) into {@code target}, under
     * its own name ({@code attachments/x} becomes {@code target/x}), with the checks, modes and times
     * of a full restore; the database and the media folder are not touched.
     *
     * @param mediaPath a path relative to the media folder, e.g. {@code attachments/2026}
     * @param target a folder that does not exist or is empty, outside the media folder
     * @throws MediaPathNotFoundException when the backup holds nothing at {@code mediaPath}
     * @throws InvalidMediaPathException when {@code mediaPath} is empty, absolute or leaves the folder
     * @throws UnableToRestoreMediaException when {@code target} is not empty or cannot be written
     */
    MediaRestoreResult restoreMedia(String idOrLatest, String mediaPath, Path target);

    /** {@link #restoreMedia(String, String, Path)} by id. */
    default MediaRestoreResult restoreMedia(BackupId id, String mediaPath, Path target) {
        return restoreMedia(id.value(), mediaPath, target);
    }

    /** Deletes one backup set, manifest first. */
    DeleteResult delete(String id);

    /** Deletes one backup set by id, manifest first. */
    default DeleteResult delete(BackupId id) {
        return delete(id.value());
    }

    /** Applies a retention policy (or only reports, {@link PruneMode#DRY_RUN}); see {@link RetentionPolicy} for what is never deleted. */
    PruneResult prune(RetentionPolicy policy, PruneMode mode);

    /**
     * Checks within seconds, without writing a backup, that a backup could run now: connects to the
     * database and finds a dump tool fit for its server, reads the media folder, writes and deletes
     * a probe object in the storage. Call it at start-up to fail fast instead of at night.
     *
     * @throws BackupConfigurationException listing every problem found ({@link
     *     BackupConfigurationException#problems()})
     */
    CheckResult check();

    /** A scheduler that backs up this manager's data on {@code schedule}; call {@link BackupScheduler#start()}. */
    BackupScheduler scheduler(Schedule schedule);

    /**
     * Removes the storage lease left by an operation that did not end cleanly: with {@link
     * UnlockMode#IF_STALE} only a lease whose holder is known to be gone (it expired, or its process
     * ended on this host; the next operation also takes such a lease over by itself), with {@link
     * UnlockMode#FORCE} whoever holds it: be sure that operation is no longer running.
     */
    UnlockResult unlock(UnlockMode mode);

    /** What this manager was built with. */
    BackupSettings settings();

    /**
     * Cancels the running operations (interrupts their threads and waits, bounded, for their
     * clean-up), then releases the storage's clients. Later calls of any operation throw {@link
     * IllegalStateException}.
     */
    @Override
    void close();

    /**
     * Builds a {@link BackupManager}. Not thread-safe; {@link #build()} resolves the providers by id
     * through {@link java.util.ServiceLoader}.
     */
    final class Builder {
        private String name = "backup";
        private String storageId = "filesystem";
        private String storageLocation;
        private Map<String, ?> storageOptions = Map.of();
        private String jdbcUrl;
        private String dbUser;
        private Secret dbPassword;
        private String dumperId;
        private Map<String, ?> dumperOptions = Map.of();
        private Duration dumpTimeout;
        private DataSource dataSource;
        private Path mediaDir;
        private final List<String> mediaExcludes = new ArrayList<>();
        private Compression compression = Compression.ZSTD;
        private BackupFormat format = BackupFormat.ARCHIVE;
        private int compressionLevel;
        private int compressionWorkers;
        private String encryptionId;
        private Map<String, ?> encryptionOptions = Map.of();
        private PassphraseCallback passphraseCallback;
        private final Map<Class<?>, Object> components = new LinkedHashMap<>();
        private HostInfo host = HostInfo.UNKNOWN;
        private Path spoolDir;
        private Duration leaseTtl = Duration.ofMinutes(10);
        private Duration keepAsideFor = BackupSettings.DEFAULT_KEEP_ASIDE;
        private final List<BackupListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private ClassLoader classLoader;
        private boolean allowSensitiveMediaDir;
        private SettingNames settingNames = SettingNames.BUILDER;

        Builder() {}

        /** The first part of backup ids, default {@code backup}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** A storage by provider id (or provider class name), location and options. */
        public Builder storage(String idOrClassName, String location, Map<String, ?> options) {
            this.storageId = Objects.requireNonNull(idOrClassName, "idOrClassName");
            this.storageLocation = Objects.requireNonNull(location, "location");
            this.storageOptions = options == null ? Map.of() : options;
            return this;
        }

        /**
         * A provider instance created by the caller, by its SPI type: {@code component(BackupStorage.class,
         * storage)} (the manager closes it), {@code component(DatabaseDumper.class, dumper)} or {@code
         * component(Encryption.class, encryption)}. It takes the place of the provider chosen by id.
         */
        public <T> Builder component(Class<T> type, T instance) {
            components.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /** The database; its dumper is chosen from the URL. */
        public Builder database(String jdbcUrl, String user, Secret password) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.dbUser = user;
            this.dbPassword = password;
            this.dataSource = null;
            return this;
        }

        /**
         * The database the host already connects to: {@link #build()} reads its URL and user from a
         * connection, and its password from the data source's {@code getPassword()} where it has one
         * (else give {@link #databasePassword}). The dumper is chosen from the URL.
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.jdbcUrl = null;
            return this;
        }

        /** The password the native dump tools use, when the {@link #dataSource} does not reveal it. */
        public Builder databasePassword(Secret password) {
            this.dbPassword = password;
            return this;
        }

        /** Chooses the dumper by id when more than one handles the URL, and passes it options. */
        public Builder dumper(String id, Map<String, ?> options) {
            this.dumperId = id;
            this.dumperOptions = options == null ? Map.of() : options;
            return this;
        }

        /** The longest a dump or restore tool may run (default 12 hours). */
        public Builder dumpTimeout(Duration timeout) {
            this.dumpTimeout = timeout;
            return this;
        }

        /** No database part: media-only backups. */
        public Builder noDatabase() {
            this.jdbcUrl = null;
            this.dataSource = null;
            return this;
        }

        /**
         * The media folder. A restore replaces it whole, so it may be neither the backup folder nor
         * inside it, and {@code /}, a home folder or a system folder is refused unless {@link
         * #allowSensitiveMediaDir() allowed}; a backup folder inside it is left out of backups
         * and kept in place by restores.
         */
        public Builder mediaDir(Path mediaDir) {
            this.mediaDir = mediaDir;
            return this;
        }

        /**
         * Accepts a media folder of {@code /}, a home folder ({@code /root}, {@code /home/x}, the
         * user's home) or a system folder ({@code /etc}, {@code /usr}, {@code /var}, ...), which a
         * restore would replace whole. Off by default.
         */
        public Builder allowSensitiveMediaDir() {
            this.allowSensitiveMediaDir = true;
            return this;
        }

        /** Glob patterns relative to the media folder to leave out, e.g. {@code cache/**}. */
        public Builder excludeMedia(String... globs) {
            this.mediaExcludes.addAll(List.of(globs));
            return this;
        }

        /** How artifacts are compressed (default {@link Compression#ZSTD}). */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** How the storage location keeps backups (default {@link BackupFormat#ARCHIVE}); a location holds one. */
        public Builder format(BackupFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The compressor's level; 0 (the default) for the compressor's own default (zstd 3, gzip 6). */
        public Builder compressionLevel(int level) {
            this.compressionLevel = level;
            return this;
        }

        /** Threads zstd compresses with; 0 (the default) for the number of processors. */
        public Builder compressionWorkers(int workers) {
            this.compressionWorkers = workers;
            return this;
        }

        /**
         * Encryption by provider id and its options, e.g. {@code openpgp} with {@code recipient_key}
         * (a public key file), {@code secret_key} and {@code passphrase} (a {@link Secret}).
         */
        public Builder encryption(String id, Map<String, ?> options) {
            this.encryptionId = Objects.requireNonNull(id, "id");
            this.encryptionOptions = options == null ? Map.of() : options;
            return this;
        }

        /**
         * Asked for a passphrase the configuration does not hold, when a restore or deep verify
         * needs one (see {@link PassphraseCallback}); applies to encryption by provider id.
         */
        public Builder passphraseCallback(PassphraseCallback callback) {
            this.passphraseCallback = callback;
            return this;
        }

        /**
         * The host application's name and version, recorded in each manifest; a restore refuses a
         * backup made by a newer version unless forced.
         */
        public Builder hostApplication(String application, String version) {
            this.host = new HostInfo(application, version, host.schemaVersion());
            return this;
        }

        /** Where temporary files of create and restore go (default {@code java.io.tmpdir}). */
        public Builder spoolDir(Path dir) {
            this.spoolDir = dir;
            return this;
        }

        /**
         * How long the storage lease of a running operation lasts without renewal before another process may
         * take it over (default 10 minutes).
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * How long {@code prune} leaves the database and media folder a restore kept aside for a
         * rollback (default 7 days); the next restore or a rollback drops them anyway.
         */
        public Builder keepAsideFor(Duration duration) {
            this.keepAsideFor = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** Adds a listener; each one added gets every event, in the order they were added. */
        public Builder listener(BackupListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The clock for backup ids, manifest times and leases (default UTC system clock); for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How error messages name the settings (default: these builder methods); a surface that reads
         * settings elsewhere, like a config loader, names its variables and keys.
         */
        public Builder settingNames(SettingNames names) {
            this.settingNames = Objects.requireNonNull(names, "names");
            return this;
        }

        /** Where providers are looked up (default: the thread context class loader). */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * Resolves the providers and creates the manager.
         *
         * @throws BackupConfigurationException when something is missing or no provider matches
         */
        public BackupManager build() {
            Path spool = spoolDir != null ? spoolDir : Path.of(System.getProperty("java.io.tmpdir"));
            BackupSettings settings = new BackupSettings(
                    name,
                    storageId,
                    storageLocation,
                    storageOptions,
                    jdbcUrl,
                    dbUser,
                    dbPassword,
                    dataSource,
                    dumperId,
                    dumperOptions,
                    dumpTimeout,
                    mediaDir,
                    mediaExcludes,
                    compression,
                    compressionLevel,
                    compressionWorkers,
                    encryptionId,
                    encryptionOptions,
                    passphraseCallback,
                    host,
                    spool,
                    leaseTtl,
                    BackupListener.all(listeners),
                    clock,
                    classLoader,
                    allowSensitiveMediaDir,
                    components,
                    settingNames,
                    format,
                    keepAsideFor);
            return BackupManagerFactory.find(classLoader).create(settings);
        }
    }
}

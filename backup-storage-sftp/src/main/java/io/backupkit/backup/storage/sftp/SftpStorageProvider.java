package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code sftp} storage provider. {@code BACKUP_OPTIONS}:
 *
 * <ul>
 *   <li>{@code host}, {@code port} (a number, default 22), {@code user};
 *   <li>{@code private_key_file} (OpenSSH format: ed25519, ECDSA or RSA, unencrypted) or {@code
 *       password_file};
 *   <li>{@code known_hosts_file}: must list the server's host key; an unknown or changed key is
 *       refused;
 *   <li>{@code path}: the remote folder, instead of {@code BACKUP_DIR};
 *   <li>{@code connect_timeout} (default 15 s), {@code max_attempts} (default 5).
 * </ul>
 *
 * Unknown options are refused, naming the key. Creating the storage does not connect.
 */
public final class SftpStorageProvider implements BackupStorageProvider {
    /** The provider id. */
    public static final String ID = "sftp";

    static final Set<String> OPTIONS = Set.of(
            "host",
            "port",
            "user",
            "private_key_file",
            "password_file",
            "known_hosts_file",
            "path",
            "connect_timeout",
            "max_attempts");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        return new SftpStorage(settings(config));
    }

    /** Reads and checks the settings, without connecting. */
    public static SftpSettings settings(StorageConfig config) {
        ProviderOptions options = config.options().requireOnly(OPTIONS);
        String host = options.requireString("host").trim();
        String user = options.requireString("user").trim();
        if (options.has("port") && !(options.asMap().get("port") instanceof Number)) {
            throw new BackupConfigurationException(
                    options.keyName("port"),
                    options.keyName("port") + " must be a JSON number such as 22, not a string");
        }
        int port = options.integer("port", SftpSettings.DEFAULT_PORT);
        if (port < 1 || port > 65535) {
            throw new BackupConfigurationException(
                    options.keyName("port"), options.keyName("port") + " must be between 1 and 65535");
        }
        Path key = file(options, "private_key_file");
        Path password = file(options, "password_file");
        if (key == null && password == null) {
            throw new BackupConfigurationException(
                    options.keyName("private_key_file"),
                    "no SSH credentials: set " + options.keyName("private_key_file") + " (an OpenSSH private key) or "
                            + options.keyName("password_file"));
        }
        if (key != null && password != null) {
            throw new BackupConfigurationException(
                    options.keyName("password_file"),
                    "set either " + options.keyName("private_key_file") + " or " + options.keyName("password_file")
                            + ", not both");
        }
        Path knownHosts = file(options, "known_hosts_file");
        if (knownHosts == null) {
            throw new BackupConfigurationException(
                    options.keyName("known_hosts_file"),
                    "missing option " + options.keyName("known_hosts_file") + ": a known_hosts file that lists the"
                            + " server's host key (e.g. from ssh-keyscan -p PORT HOST, checked against the server's"
                            + " fingerprint)");
        }
        int attempts = options.integer("max_attempts", SftpSettings.DEFAULT_MAX_ATTEMPTS);
        if (attempts < 1 || attempts > 100) {
            throw new BackupConfigurationException(
                    options.keyName("max_attempts"), options.keyName("max_attempts") + " must be between 1 and 100");
        }
        Duration timeout = options.duration("connect_timeout", SftpSettings.DEFAULT_CONNECT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new BackupConfigurationException(
                    options.keyName("connect_timeout"), options.keyName("connect_timeout") + " must be positive");
        }
        return new SftpSettings(
                host,
                port,
                user,
                key,
                password,
                knownHosts,
                folder(config, options),
                timeout,
                attempts,
                Duration.ofMillis(500));
    }

    private static Path file(ProviderOptions options, String key) {
        String value = options.string(key).map(String::trim).orElse("");
        if (value.isEmpty()) {
            return null;
        }
        Path file = Path.of(value);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BackupConfigurationException(
                    options.keyName(key), options.keyName(key) + ": cannot read the file " + file);
        }
        return file;
    }

    private static String folder(StorageConfig config, ProviderOptions options) {
        String path = options.string("path").map(String::trim).orElse("");
        String location = config.location().trim();
        if (!path.isEmpty() && !location.isEmpty() && !strip(path).equals(strip(location))) {
            throw new BackupConfigurationException(
                    options.keyName("path"),
                    options.keyName("path") + " and the storage location name different folders; set only one of them");
        }
        String folder = strip(path.isEmpty() ? location : path);
        if (folder.isEmpty()) {
            throw new BackupConfigurationException(
                    Setting.STORAGE_LOCATION,
                    "no remote folder: set the storage location (or " + options.keyName("path")
                            + ") to a folder on the SSH" + " server, e.g. /srv/backups");
        }
        if (folder.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new BackupConfigurationException(
                    options.keyName("path"), "the remote folder must not contain control characters");
        }
        return folder;
    }

    /** Drops trailing slashes (but keeps a lone "/"). */
    private static String strip(String folder) {
        String s = folder;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}

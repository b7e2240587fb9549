package io.backupkit.backup.db.sqlite;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sqlite} dumper's options: {@code busy_timeout} (how long to wait for another
 * connection's lock before failing, default 30s) and {@code spool_dir} (where the snapshot is copied
 * before it is streamed; default the database's own folder, which has the room for it).
 */
record SqliteOptions(Duration busyTimeout, Optional<Path> spoolDir, String busyTimeoutKey) {
    static final String BUSY_TIMEOUT = "busy_timeout";
    static final String SPOOL_DIR = "spool_dir";
    static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

    static SqliteOptions of(ProviderOptions options) {
        options.requireOnly(Set.of(BUSY_TIMEOUT, SPOOL_DIR));
        Duration busy = options.duration(BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT);
        if (busy.isNegative() || busy.toMillis() > Integer.MAX_VALUE) {
            throw new BackupConfigurationException(
                    options.keyName(BUSY_TIMEOUT),
                    "option " + options.keyName(BUSY_TIMEOUT) + " must be between 0s and 24d");
        }
        Optional<Path> spool =
                options.string(SPOOL_DIR).filter(s -> !s.isBlank()).map(Path::of);
        if (spool.isPresent() && !spool.get().isAbsolute()) {
            throw new BackupConfigurationException(
                    options.keyName(SPOOL_DIR), "option " + options.keyName(SPOOL_DIR) + " must be an absolute path");
        }
        return new SqliteOptions(busy, spool, options.keyName(BUSY_TIMEOUT));
    }
}

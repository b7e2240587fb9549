package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code mysql} dumper's options ({@code database.options}), checked when the dumper is created.
 *
 * @param binDir folder holding the tools, or {@code null} for the PATH
 * @param socket unix socket (option or URL), or {@code null} for TCP
 * @param dumpArgs extra long options for the dump tool
 * @param restoreArgs extra long options for the client
 * @param lockWaitSeconds the restore's {@code lock_wait_timeout}, at least 1
 */
record MysqlOptions(Path binDir, String socket, List<String> dumpArgs, List<String> restoreArgs, long lockWaitSeconds) {
    /** Options this dumper reads. */
    static final Set<String> KEYS = Set.of("bin_dir", "socket", "dump_args", "restore_args", "lock_wait_timeout");

    /** Options that {@code dump_args} / {@code restore_args} may not set: this dumper owns them. */
    private static final List<String> RESERVED = List.of(
            "--password",
            "--defaults",
            "--no-defaults",
            "--print-defaults",
            "--user",
            "--host",
            "--port",
            "--socket",
            "--protocol",
            "--databases",
            "--all-databases",
            "--result-file",
            "--tab",
            "--xml",
            "--compact",
            "--skip-comments",
            "--init-command");

    /** Reads {@code options} (already limited to {@link #KEYS}); the URL's socket is the default. */
    static MysqlOptions of(ProviderOptions options, MysqlUrl url) {
        Path binDir = options.string("bin_dir")
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(null);
        if (binDir != null && !Files.isDirectory(binDir)) {
            throw new BackupConfigurationException(
                    options.keyName("bin_dir"),
                    options.keyName("bin_dir") + " is not a folder: " + binDir
                            + "; point it at the folder holding mariadb-dump/mysqldump, or remove it to use the PATH");
        }
        return new MysqlOptions(
                binDir,
                options.string("socket").filter(s -> !s.isBlank()).orElse(url.socket()),
                extraArgs(options, "dump_args"),
                extraArgs(options, "restore_args"),
                Math.max(
                        1,
                        options.duration("lock_wait_timeout", Duration.ofSeconds(60))
                                .toSeconds()));
    }

    /**
     * Extra long options for a tool (a list, or one string split at blanks), e.g. TLS settings; the
     * options this dumper sets itself and anything that could carry a password are refused.
     */
    static List<String> extraArgs(ProviderOptions options, String key) {
        Object value = options.asMap().get(key);
        if (value == null) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        if (value instanceof Iterable<?> list) {
            list.forEach(a -> args.add(String.valueOf(a).trim()));
        } else if (value instanceof String text) {
            for (String a : text.trim().split("\\s+")) {
                if (!a.isEmpty()) {
                    args.add(a);
                }
            }
        } else {
            throw new BackupConfigurationException(
                    options.keyName(key), options.keyName(key) + " must be a list of options or a string of them");
        }
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean reserved = RESERVED.stream().anyMatch(r -> name.equals(r) || name.startsWith(r + "-"));
            if (!a.startsWith("--") || a.length() < 3 || reserved) {
                // the value is not shown: a misplaced password must not end up in a log
                throw new BackupConfigurationException(
                        options.keyName(key),
                        options.keyName(key) + " may hold only long options (--name or --name=value) that the"
                                + " dumper does not set itself; refused: "
                                + (a.startsWith("--") ? name : "an argument not starting with --")
                                + ". Credentials belong in the database user and password, host and"
                                + " port in the URL");
            }
        }
        return List.copyOf(args);
    }
}

package io.backupkit.backup.cli;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import io.backupkit.backup.core.config.BackupConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backup restore}: verify, then replace media and database, all or nothing, keeping the old state as asked. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restores a backup: verifies it first, then replaces the media folder and the database, all or nothing, keeping the replaced state aside for 'backup rollback' (or, with --safety=backup, taking a pre-restore backup first).",
            "Asks for confirmation on a terminal; elsewhere --yes is required."
        })
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "ID|latest",
            defaultValue = "latest",
            description = "the backup (default: latest)")
    String backup;

    @Option(
            names = {"-y", "--yes"},
            description = "do not ask for confirmation")
    boolean yes;

    @Option(names = "--no-safety-backup", description = "keep nothing of the current state (same as --safety=none)")
    boolean noSafetyBackup;

    @Option(
            names = "--safety",
            paramLabel = "keep-aside|backup|none",
            description = "what to keep of the current state: keep-aside (default: renamed aside until the next"
                    + " restore or prune; 'backup rollback' puts it back), backup (a pre-restore backup first),"
                    + " none")
    String safety;

    @Option(names = "--force", description = "restore a backup made by a newer version of the host application")
    boolean force;

    @Option(
            names = "--terminate-sessions",
            description = "end the other sessions on the database first (the application's connection pool);"
                    + " without it the restore refuses while there are any, naming them")
    boolean terminateSessions;

    @Option(
            names = "--lock-timeout",
            paramLabel = "SECONDS",
            description = "the longest to wait for a lock another session holds, then roll back (default 30)")
    Integer lockTimeoutSeconds;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Option(
            names = "--media-path",
            paramLabel = "PATH",
            description = "restore only this media file or folder (relative to the media folder), with --to;"
                    + " the database and the media folder are not touched")
    String mediaPath;

    @Option(
            names = "--to",
            paramLabel = "DIR",
            description = "with --media-path: a new or empty folder to write it into, under its own name")
    String to;

    @Override
    public Integer call() {
        if (mediaPath != null || to != null) {
            if (safety != null || noSafetyBackup || force || terminateSessions || lockTimeoutSeconds != null) {
                throw new UsageException("--media-path restores into --to only, touching neither database nor media"
                        + " folder: --safety, --no-safety-backup, --force, --terminate-sessions and --lock-timeout"
                        + " do not apply");
            }
            return RestoreMediaPath.run(root, backup, mediaPath, to, json);
        }
        Terminal t = root.terminal;
        if (!yes) {
            // --json asks too: the question goes to stderr, the result to stdout
            t.requireConfirmable(false, "restore replaces the current database and media folder: add --yes to confirm");
        }
        RestoreOptions.Safety mode = safetyMode();
        BackupConfig config = root.config();
        RestoreResult result;
        java.util.Optional<io.backupkit.backup.KeptAside> kept;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager =
                        BackupCli.builder(config).listener(listener).build()) {
            String target = backup;
            if (!yes) {
                BackupInfo b = manager.get(backup);
                String question = "Restore backup " + b.id() + " (" + Format.time(b) + ", " + Format.labels(b) + ")"
                        + config.safeDatabaseUrl()
                                .map(u -> " over the database " + u)
                                .orElse("")
                        + (config.mediaDir() == null ? "" : " and the media folder " + config.mediaDir())
                        + "? Current data is replaced"
                        + switch (mode) {
                            case NONE -> " and NOTHING of it is kept.";
                            case BACKUP -> "; a pre-restore backup is taken first.";
                            case KEEP_ASIDE -> "; it is kept aside ('backup rollback' puts it back).";
                        };
                if (!t.confirm(question)) {
                    t.err().println("backup: restore cancelled, nothing changed");
                    return ExitCodes.FAILED;
                }
                target = b.id().value();
            }
            RestoreOptions options = RestoreOptions.of(target).withSafety(mode).withForce(force);
            if (terminateSessions) {
                options = options.terminatingSessions();
            }
            if (lockTimeoutSeconds != null) {
                if (lockTimeoutSeconds < 1) {
                    throw new UsageException("--lock-timeout must be at least 1 second");
                }
                options = options.lockTimeout(java.time.Duration.ofSeconds(lockTimeoutSeconds));
            }
            result = manager.restore(options);
            kept = manager.keptAside()
                    .filter(k -> k.restored().equals(result.restored().id().value()));
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("restored", result.restored().id().value());
            m.put("safetyBackup", result.safetyBackup().map(b -> b.id().value()).orElse(null));
            m.put("keptAside", kept.isPresent());
            m.put("database", result.databaseRestored());
            m.put("media", result.mediaRestored());
            m.put("durationMillis", result.duration().toMillis());
            Json.print(t.out(), m);
        } else {
            t.out().println("restored " + result.restored().id());
            result.safetyBackup().ifPresent(b -> t.out().println("safety backup " + b.id()));
            kept.ifPresent(k -> t.out().println("kept aside: the state before it ('backup rollback' puts it back)"));
        }
        if (result.mediaRestored()) {
            MediaWarnings.print(t.err(), result.restored().media(), "were restored");
        }
        return ExitCodes.OK;
    }

    private RestoreOptions.Safety safetyMode() {
        if (safety == null) {
            return noSafetyBackup ? RestoreOptions.Safety.NONE : RestoreOptions.Safety.KEEP_ASIDE;
        }
        RestoreOptions.Safety mode =
                switch (safety) {
                    case "keep-aside" -> RestoreOptions.Safety.KEEP_ASIDE;
                    case "backup" -> RestoreOptions.Safety.BACKUP;
                    case "none" -> RestoreOptions.Safety.NONE;
                    default -> throw new UsageException(
                            "--safety must be keep-aside, backup or none, not '" + safety + "'");
                };
        if (noSafetyBackup && mode != RestoreOptions.Safety.NONE) {
            throw new UsageException("--no-safety-backup contradicts --safety=" + safety);
        }
        return mode;
    }
}

package io.backupkit.backup.cli;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.core.config.BackupConfig;
import io.backupkit.backup.core.config.BackupConfigLoader;
import io.backupkit.backup.core.config.ConfigKey;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code backup} command: global options and the subcommands. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {
            "Backs up and restores an application's database and media folder.",
            "Configuration: flags > environment (BACKUP_*, or <PREFIX>BACKUP_* first) > --config file > defaults."
        },
        subcommands = {
            CreateCommand.class,
            ListCommand.class,
            VerifyCommand.class,
            RestoreCommand.class,
            PruneCommand.class,
            ScheduleCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:the operation failed",
            "2:usage or configuration error",
            "3:backup corrupt or incomplete"
        })
public final class BackupCli implements Callable<Integer> {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "YAML configuration file (default: $BACKUP_CONFIG)")
    Path configFile;

    @Option(
            names = "--env-prefix",
            paramLabel = "PREFIX",
            scope = ScopeType.INHERIT,
            description = "read <PREFIX>BACKUP_* variables first, e.g. INVENTREE_ (default: $BACKUP_ENV_PREFIX)")
    String envPrefix;

    @Option(
            names = "--storage",
            paramLabel = "ID",
            scope = ScopeType.INHERIT,
            description = "storage provider id or class name (BACKUP_STORAGE, default filesystem)")
    String storage;

    @Option(
            names = "--dir",
            paramLabel = "LOCATION",
            scope = ScopeType.INHERIT,
            description = "backup folder, key prefix or Dropbox path (BACKUP_DIR)")
    String dir;

    @Option(
            names = "--media-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "the media folder (BACKUP_MEDIA_DIR)")
    String mediaDir;

    @Option(
            names = "--database-url",
            paramLabel = "JDBC_URL",
            scope = ScopeType.INHERIT,
            description = "the database (BACKUP_DATABASE_URL); give the password in BACKUP_DATABASE_PASSWORD_FILE")
    String databaseUrl;

    @Option(
            names = {"-q", "--quiet"},
            scope = ScopeType.INHERIT,
            description = "no progress, no warnings; results and errors only")
    boolean quiet;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "more logging, and stack traces with errors")
    boolean verbose;

    @Option(
            names = "--progress",
            scope = ScopeType.INHERIT,
            description = "draw the progress bar on stderr even when it is not a terminal")
    boolean progress;

    final Terminal terminal;

    BackupCli(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        terminal.err()
                .println(
                        "backup: error: missing command (create, list, verify, restore, prune, schedule); see 'backup --help'");
        return ExitCodes.USAGE;
    }

    /**
     * Runs the tool.
     *
     * @return the exit code
     */
    public static int run(
            String[] args,
            Map<String, String> env,
            PrintWriter out,
            PrintWriter err,
            boolean interactive,
            BufferedReader in) {
        Terminal terminal = new Terminal(env, out, err, interactive, in);
        BackupCli root = new BackupCli(terminal);
        CommandLine cmd = new CommandLine(root);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            err.println("backup: error: " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
            err.flush();
            return ExitCodes.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> root.report(ex));
        try {
            return cmd.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Prints one line for a failure (a stack trace too with --verbose) and returns its exit code. */
    int report(Exception e) {
        PrintWriter err = terminal.err();
        err.println("backup: error: " + message(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(e);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof BackupException || e instanceof UsageException) {
            return m == null ? e.getClass().getSimpleName() : oneLine(m);
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
    }

    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    /** The configuration from flags, environment and file. */
    BackupConfig config() {
        BackupConfigLoader loader = BackupConfigLoader.create()
                .env(terminal.env())
                .configFile(configFile)
                .envPrefix(envPrefix)
                .override(ConfigKey.STORAGE, storage, "--storage")
                .override(ConfigKey.DIR, dir, "--dir")
                .override(ConfigKey.MEDIA_DIR, mediaDir, "--media-dir")
                .override(ConfigKey.DATABASE_URL, databaseUrl, "--database-url");
        BackupConfig config = loader.load();
        String passwordOrigin = config.origin(ConfigKey.DATABASE_PASSWORD).orElse("");
        if (passwordOrigin.startsWith("file ") && !quiet) {
            terminal.err()
                    .println("backup: warning: " + passwordOrigin.substring("file ".length())
                            + " holds the database password inline; prefer database.password_file (a 0600 file)");
        }
        return config;
    }

    /** A manager built from the configuration, reporting to {@code listener}. */
    BackupManager manager(BackupListener listener) {
        return config().toBuilder().listener(listener).build();
    }

    /** Whether a progress bar is drawn: on a terminal unless --quiet or --json, or when --progress asks. */
    boolean showProgress(boolean json) {
        return !quiet && (progress || (terminal.interactive() && !json));
    }

    /** The listener for an operation: a progress bar on a terminal, warnings on stderr unless quiet. */
    ProgressListener listener(boolean json) {
        return new ProgressListener(terminal.err(), showProgress(json), quiet);
    }
}

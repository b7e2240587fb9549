package io.backupkit.backup.cli;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.core.config.BackupConfig;
import io.backupkit.backup.core.config.BackupConfigLoader;
import io.backupkit.backup.core.config.ConfigKey;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:the operation failed",
            "2:usage or configuration error",
            "3:backup corrupt or incomplete",
            "130:cancelled by SIGINT (Ctrl-C); nothing of it was kept",
            "143:cancelled by SIGTERM; nothing of it was kept"
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
            names = "--allow-sensitive-media-dir",
            scope = ScopeType.INHERIT,
            description = "accept a media folder of /, a home or a system folder, which a restore replaces whole "
                    + "(BACKUP_MEDIA_DIR_ALLOW_SENSITIVE)")
    boolean allowSensitiveMediaDir;

    @Option(
            names = "--database-url",
            paramLabel = "JDBC_URL",
            scope = ScopeType.INHERIT,
            description = "the database (BACKUP_DATABASE_URL); give the password in BACKUP_DATABASE_PASSWORD_FILE")
    String databaseUrl;

    @Option(
            names = {"-q", "--quiet"},
            scope = ScopeType.INHERIT,
            description = "no progress, no warnings but what a backup could not hold; results and errors only")
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
                        "backup: error: missing command (create, list, verify, diff, restore, prune, schedule, check, delete, unlock); see 'backup --help'");
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
        addSubcommands(cmd, args);
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

    /** The subcommands, in the order {@code --help} lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("create", CreateCommand::new);
        m.put("list", ListCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("diff", DiffCommand::new);
        m.put("restore", RestoreCommand::new);
        m.put("rollback", RollbackCommand::new);
        m.put("prune", PruneCommand::new);
        m.put("schedule", ScheduleCommand::new);
        m.put("check", CheckCommand::new);
        m.put("delete", DeleteCommand::new);
        m.put("unlock", UnlockCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Registers the subcommand the arguments name, or all of them when they name none (help, usage
     * errors, {@code --version}). picocli builds each command's model by reflection when it is
     * registered, which was most of the CPU of a short run before the real work.
     */
    static void addSubcommands(CommandLine cmd, String[] args) {
        String word = commandWord(cmd.getCommandSpec(), args);
        for (Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
            if (word == null || word.equals(e.getKey())) {
                cmd.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
    }

    /**
     * The first word of {@code args} that is not an option of {@code root} or an option's value, if it
     * names a command other than help. Which options take a value comes from picocli's model of the
     * root command, so a new global option needs no second list here.
     */
    static String commandWord(CommandSpec root, String[] args) {
        boolean valueNext = false;
        for (String a : args) {
            if (valueNext) {
                valueNext = false;
                if (SUBCOMMANDS.containsKey(a)) {
                    return null; // picocli refuses a command name as an option's value: all, for its error
                }
            } else if ("--".equals(a)) {
                return null;
            } else if (a.startsWith("-")) {
                OptionSpec option = root.findOption(a);
                valueNext = option != null && option.arity().max() > 0;
            } else {
                return SUBCOMMANDS.containsKey(a) && !"help".equals(a) ? a : null;
            }
        }
        return null;
    }

    /** Prints one line for a failure (a stack trace too with --verbose) and returns its exit code. */
    int report(Exception e) {
        PrintWriter err = terminal.err();
        String signal = Signals.received();
        if (signal != null || e instanceof BackupCancelledException) {
            // one line: what was cancelled and what became of it (a restore's says which state)
            err.println("backup: cancelled" + (signal == null ? "" : " (SIG" + signal + ")") + ": " + message(e));
        } else if (e instanceof BackupConfigurationException c && c.problems().size() > 1) {
            c.problems().forEach(p -> err.println("backup: error: " + oneLine(p)));
        } else {
            err.println("backup: error: " + message(e));
        }
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
                .override(ConfigKey.DATABASE_URL, databaseUrl, "--database-url")
                .override(
                        ConfigKey.MEDIA_DIR_ALLOW_SENSITIVE,
                        allowSensitiveMediaDir ? "true" : null,
                        "--allow-sensitive-media-dir");
        BackupConfig config = loader.load();
        // shown even with --quiet: a misspelled setting silently ignored is how backups go unencrypted
        loader.warnings().forEach(w -> terminal.err().println("backup: warning: " + w));
        String passwordOrigin = config.origin(ConfigKey.DATABASE_PASSWORD).orElse("");
        if (passwordOrigin.startsWith("file ") && !quiet) {
            terminal.err()
                    .println("backup: warning: " + passwordOrigin.substring("file ".length())
                            + " holds the database password inline; prefer database.password_file (a 0600 file)");
        }
        if (config.relativeDir() && !quiet) {
            terminal.err()
                    .println("backup: note: the backup folder '" + config.dir() + "' ("
                            + config.origin(ConfigKey.DIR).orElse("BACKUP_DIR")
                            + ") is relative to the working folder: using " + config.storageLocation());
        }
        return config;
    }

    /** A manager built from the configuration, reporting to {@code listener}. */
    BackupManager manager(ProgressListener listener) {
        return builder(config()).listener(listener.forEngine()).build();
    }

    /** Whether a progress bar is drawn: on a terminal unless --quiet or --json, or when --progress asks. */
    boolean showProgress(boolean json) {
        return !quiet && (progress || (terminal.interactive() && !json));
    }

    /** The listener for an operation: a progress bar on a terminal, warnings on stderr unless quiet. */
    ProgressListener listener(boolean json) {
        return new ProgressListener(terminal.err(), showProgress(json), quiet);
    }

    /** A builder from {@code config} whose errors name this command's flags too. */
    static BackupManager.Builder builder(BackupConfig config) {
        return config.toBuilder().settingNames(setting -> {
            String flag =
                    switch (setting) {
                        case STORAGE -> "--storage";
                        case STORAGE_LOCATION -> "--dir";
                        case MEDIA_DIR -> "--media-dir";
                        case MEDIA_DIR_ALLOW_SENSITIVE -> "--allow-sensitive-media-dir";
                        case DATABASE_URL -> "--database-url";
                        default -> null;
                    };
            return (flag == null ? "" : flag + ", ") + config.howToSet(setting);
        });
    }
}

package io.backupkit.backup.cli;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup list}: complete backups, newest first. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "Lists complete backups, newest first (incomplete ones are not shown).")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--json", description = "print a JSON array of backups")
    boolean json;

    @Override
    public Integer call() {
        List<BackupInfo> backups;
        java.util.Optional<io.backupkit.backup.KeptAside> kept;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            backups = manager.list();
            kept = manager.keptAside();
        }
        PrintWriter out = root.terminal.out();
        kept.ifPresent(k -> root.terminal.err().println("rollback available: " + Format.keptAside(k)));
        if (json) {
            Json.print(out, Json.backups(backups, kept));
            return ExitCodes.OK;
        }
        if (backups.isEmpty()) {
            if (!root.quiet) {
                root.terminal.err().println("no backups yet");
            }
            return ExitCodes.OK;
        }
        int idWidth = Math.max(
                2, backups.stream().mapToInt(b -> b.id().value().length()).max().orElse(2));
        String row = "%-" + idWidth + "s  %-20s  %10s  %-8s  %-22s  %s%n";
        out.printf(row, "ID", "CREATED", "SIZE", "DATABASE", "MEDIA", "LABELS");
        for (BackupInfo b : backups) {
            out.printf(
                    row,
                    b.id(),
                    Format.time(b),
                    Format.bytes(b.size()),
                    Format.database(b),
                    Format.media(b),
                    Format.labels(b));
        }
        return ExitCodes.OK;
    }
}

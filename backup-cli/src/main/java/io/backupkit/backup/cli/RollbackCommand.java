package io.backupkit.backup.cli;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.KeptAside;
import io.backupkit.backup.RollbackOptions;
import io.backupkit.backup.RollbackResult;
import io.backupkit.backup.RollbackWouldLoseDataException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup rollback}: puts back the database and media folder the last restore kept aside. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Puts back the database and media folder that the last restore (safety keep-aside) kept aside;"
                    + " what that restore put in place is deleted.",
            "Asks for confirmation on a terminal; elsewhere --yes is required."
        })
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(
            names = {"-y", "--yes"},
            description = "do not ask for confirmation")
    boolean yes;

    @Option(
            names = "--terminate-sessions",
            description = "end the other sessions on the database first; without it the rollback refuses while"
                    + " there are any, naming them")
    boolean terminateSessions;

    @Option(
            names = "--force",
            description = "roll back even when that loses what the application wrote since the restore (or when"
                    + " that cannot be told); without it such a rollback is refused, naming what would be lost")
    boolean force;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        Terminal t = root.terminal;
        if (!yes) {
            t.requireConfirmable(
                    false, "rollback replaces the current database and media folder: add --yes to confirm");
        }
        RollbackResult result;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            if (!yes) {
                Optional<KeptAside> kept = manager.keptAside();
                if (kept.isEmpty()) {
                    t.err().println("backup: nothing is kept aside to roll back to");
                    return ExitCodes.FAILED;
                }
                if (!t.confirm("Put back the state kept aside " + Format.since(kept.get())
                        + "? The restored state is deleted" + (force ? ", with what was written since." : "."))) {
                    t.err().println("backup: rollback cancelled, nothing changed");
                    return ExitCodes.FAILED;
                }
            }
            RollbackOptions options = RollbackOptions.defaults();
            if (terminateSessions) {
                options = options.terminatingSessions();
            }
            if (force) {
                options = options.forcing();
            }
            try {
                result = manager.rollback(options);
            } catch (RollbackWouldLoseDataException e) {
                throw e.forcedWith("'backup rollback --force'");
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rolledBackRestoreOf", result.putBack().restored());
            m.put("keptSince", result.putBack().since().toString());
            m.put("database", result.putBack().database());
            m.put("media", result.putBack().media());
            m.put("durationMillis", result.duration().toMillis());
            m.put("lost", result.warnings());
            Json.print(t.out(), m);
        } else {
            t.out().println("rolled back to the state kept aside " + Format.since(result.putBack()));
        }
        return ExitCodes.OK;
    }
}

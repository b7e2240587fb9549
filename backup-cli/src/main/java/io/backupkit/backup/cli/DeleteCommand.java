package io.backupkit.backup.cli;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.DeleteResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backup delete ID...}: removes backup sets, each manifest first. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes the given backups (manifest first, so each stops being listed at once, then its artifacts).",
            "Asks for confirmation on a terminal; elsewhere needs --yes."
        })
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "the backups to delete (ids as 'backup list' shows)")
    List<String> ids = new ArrayList<>();

    @Option(
            names = {"-y", "--yes"},
            description = "delete without asking (required when there is no terminal)")
    boolean yes;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        Terminal t = root.terminal;
        if (!yes) {
            t.requireConfirmable(json, "delete removes backups for good: add --yes to confirm");
        }
        List<DeleteResult> deleted = new ArrayList<>();
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            List<BackupInfo> backups = new ArrayList<>();
            for (String id : ids) {
                if ("latest".equals(id)) {
                    throw new UsageException("delete takes backup ids, not 'latest': see 'backup list'");
                }
                backups.add(manager.get(id)); // all found before any is deleted
            }
            if (!yes) {
                backups.forEach(b -> t.out().println("to delete: " + Format.summary(b)));
                if (!t.confirm("Delete " + backups.size() + " backup(s)?")) {
                    t.err().println("backup: delete cancelled, nothing deleted");
                    return ExitCodes.FAILED;
                }
            }
            for (BackupInfo b : backups) {
                deleted.add(manager.delete(b.id().value()));
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deleted", deleted.stream().map(d -> d.id().value()).toList());
            m.put("objects", deleted.stream().flatMap(d -> d.objects().stream()).toList());
            Json.print(t.out(), m);
        } else {
            deleted.forEach(d -> t.out().println("deleted " + d.id()));
        }
        return ExitCodes.OK;
    }
}

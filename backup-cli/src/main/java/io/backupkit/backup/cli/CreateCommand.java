package io.backupkit.backup.cli;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup create}: one backup set; prints its id. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Writes one backup set (database dump, media archive, manifest last) and prints its id.")
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--label", paramLabel = "LABEL", description = "a label to record; repeatable (default: manual)")
    List<String> labels = new ArrayList<>();

    @Option(names = "--json", description = "print the backup as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        CreateOptions options = labels.isEmpty()
                ? CreateOptions.labelled(CreateOptions.MANUAL)
                : new CreateOptions(labels, Map.of(), null);
        Terminal t = root.terminal;
        CreateResult result;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            result = manager.create(options);
        }
        if (json) {
            Json.print(t.out(), Json.backup(result.backup()));
        } else {
            t.out().println(result.id());
            if (t.interactive() && !root.quiet) {
                t.err()
                        .println("created " + result.id() + ": "
                                + Format.bytes(result.backup().size()) + " in "
                                + Format.duration(result.backup().duration()));
            }
        }
        MediaWarnings.print(t.err(), result.backup().media(), "are kept");
        return ExitCodes.OK;
    }
}

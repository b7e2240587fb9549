package io.backupkit.backup.cli;

import io.backupkit.backup.BackupDiff;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.core.report.BackupJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backup diff}: what changed from one backup to another; changes nothing. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what changed from backup ID1 to backup ID2: media paths added (+), changed (~: size, time, mode"
                    + " or content) and removed (-), and how the database dumps compare.",
            "Reads both media parts (checked against their manifests); changes nothing."
        })
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Parameters(index = "0", paramLabel = "ID1", description = "the older backup (an id or latest)")
    String from;

    @Parameters(index = "1", paramLabel = "ID2", description = "the newer backup (an id or latest)")
    String to;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        BackupDiff diff;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            diff = manager.diff(from, to);
        }
        PrintWriter out = root.terminal.out();
        if (json) {
            Json.print(out, BackupJson.diff(diff));
            return ExitCodes.OK;
        }
        print(out, "+ ", diff.added());
        print(out, "~ ", diff.changed());
        print(out, "- ", diff.removed());
        out.println("media: " + diff.added().size() + " added, "
                + diff.changed().size() + " changed, " + diff.removed().size() + " removed");
        out.println(dump(diff.dump()));
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, String mark, List<String> paths) {
        paths.forEach(p -> out.println(mark + p));
    }

    private static String dump(BackupDiff.Dump d) {
        if (d == null) {
            return "database: neither backup has a dump";
        }
        String sizes = Format.bytes(d.fromBytes()) + " -> " + Format.bytes(d.toBytes());
        if (!d.differs()) {
            return "database: the dumps are the same (" + sizes + ")";
        }
        if (d.newBytes().isPresent()) {
            return "database: the dumps differ (" + sizes + "; "
                    + Format.bytes(d.newBytes().getAsLong()) + " in chunks the first does not have)";
        }
        return "database: the dumps differ (stored " + sizes + ")";
    }
}

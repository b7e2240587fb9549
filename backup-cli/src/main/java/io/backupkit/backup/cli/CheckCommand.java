package io.backupkit.backup.cli;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.CheckResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup check}: the fail-fast check of database, tools, media folder, storage and keys. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks within seconds, without writing a backup, that a backup could run now: database and dump"
                    + " tool, media folder, storage (a probe object is written and deleted), encryption key.",
            "Exits 2 and lists every problem when one is found."
        })
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        CheckResult result;
        List<String> problems = List.of();
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            result = manager.check();
        } catch (BackupConfigurationException e) {
            if (!json) {
                throw e;
            }
            result = new CheckResult(List.of(), List.of());
            problems = e.problems();
        }
        Terminal t = root.terminal;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", problems.isEmpty());
            m.put("checked", result.checked());
            m.put("warnings", result.warnings());
            m.put("problems", problems);
            Json.print(t.out(), m);
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.USAGE;
        }
        PrintWriter out = t.out();
        result.checked().forEach(line -> out.println("ok " + line));
        if (!root.quiet) {
            result.warnings().forEach(line -> t.err().println("backup: warning: " + line));
        }
        return ExitCodes.OK;
    }
}

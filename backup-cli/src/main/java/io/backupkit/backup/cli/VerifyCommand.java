package io.backupkit.backup.cli;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backup verify}: quick or deep check of one backup; exit 3 when it has problems. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a backup: quick (objects present, sizes) or --deep (downloads and checks SHA-256 and decryption).",
            "Exits 3 when the backup is corrupt or incomplete."
        })
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "ID|latest",
            defaultValue = "latest",
            description = "the backup (default: latest)")
    String backup;

    @Option(names = "--deep", description = "download every artifact and check its digest and decryption")
    boolean deep;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        VerifyResult result;
        try (ProgressListener listener = root.listener(json);
                BackupManager manager = root.manager(listener)) {
            result = manager.verify(backup, deep ? VerifyMode.DEEP : VerifyMode.QUICK);
        }
        Terminal t = root.terminal;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", result.backup().id().value());
            m.put("deep", result.deep());
            m.put("ok", result.ok());
            m.put("problems", result.problems());
            Json.print(t.out(), m);
        } else if (result.ok()) {
            t.out()
                    .println("ok " + result.backup().id()
                            + (result.deep()
                                    ? " (deep: every artifact read, digests match)"
                                    : " (quick: objects present, sizes match)"));
        } else {
            result.problems().forEach(p -> t.out().println("problem: " + BackupCli.oneLine(p)));
        }
        MediaWarnings.print(t.err(), result.backup().media(), "are kept");
        if (!result.ok()) {
            t.err()
                    .println("backup: error: backup " + result.backup().id() + " did not verify ("
                            + result.problems().size() + " problem(s), listed on stdout): it is corrupt or incomplete,"
                            + " or the key or passphrase is wrong");
            return ExitCodes.CORRUPT;
        }
        return ExitCodes.OK;
    }
}

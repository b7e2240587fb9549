package io.backupkit.backup.cli;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.UnlockMode;
import io.backupkit.backup.UnlockResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code backup unlock}: removes the storage lease of an operation that did not end cleanly. */
@Command(
        name = "unlock",
        mixinStandardHelpOptions = true,
        description = {
            "Shows who holds the storage lease and removes it when its holder is known to be gone",
            "(expired, or its process ended on this host). --force removes a lease that may still be held:",
            "only when you are sure that create, restore or prune no longer runs."
        })
final class UnlockCommand implements Callable<Integer> {
    @ParentCommand
    BackupCli root;

    @Option(names = "--force", description = "also remove a lease whose holder may still be running")
    boolean force;

    @Option(names = "--json", description = "print the result as a JSON object")
    boolean json;

    @Override
    public Integer call() {
        UnlockResult result;
        try (ProgressListener listener = root.listener(true);
                BackupManager manager = root.manager(listener)) {
            result = manager.unlock(force ? UnlockMode.FORCE : UnlockMode.IF_STALE);
        }
        Terminal t = root.terminal;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("held", result.held());
            m.put("holder", result.holder());
            m.put("expires", result.expires() == null ? null : result.expires().toString());
            m.put("stale", result.staleReason());
            m.put("removed", result.removed());
            Json.print(t.out(), m);
        } else if (!result.held()) {
            t.out().println("no lease is held");
        } else {
            t.out()
                    .println("lease held by " + result.holder() + " until " + result.expires()
                            + result.stale().map(r -> " (stale: " + r + ")").orElse(""));
            t.out().println(result.removed() ? "removed" : "not removed");
        }
        if (result.held() && !result.removed()) {
            t.err()
                    .println(
                            "backup: error: the lease may still be held by a running create, restore or prune"
                                    + " (not known to be stale); wait for it, or when you are sure it no longer runs: 'backup unlock --force'");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }
}

package io.backupkit.backup.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/** One run of the command line in this JVM: its exit code and what it printed. */
record CliRun(int code, String out, String err) {
    /** Runs {@code backup args} with {@code env}, on a terminal or not, reading {@code input} as what is typed. */
    static CliRun of(Map<String, String> env, boolean interactive, String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BackupCli.run(
                args,
                env,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                interactive,
                new BufferedReader(new StringReader(input)));
        return new CliRun(code, out.toString(), err.toString());
    }
}

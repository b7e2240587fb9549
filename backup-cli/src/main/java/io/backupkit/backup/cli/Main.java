package io.backupkit.backup.cli;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        System.setErr(new PrintStream(
                new RedactingOutputStream(new FileOutputStream(FileDescriptor.err), charset), true, charset));
        configureLogging(args);
        PrintWriter out = new PrintWriter(System.out, true, charset);
        PrintWriter err = new PrintWriter(System.err, true, charset);
        boolean interactive = System.console() != null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, charset));
        Signals.install(Thread.currentThread(), System.err);
        int code = BackupCli.run(args, System.getenv(), out, err, interactive, in);
        System.exit(Signals.exitCode(code));
    }

    /**
     * slf4j-simple to stderr: off by default (failures are reported once, as {@code backup: error:}
     * lines, and warnings through the listener), debug with --verbose, except for loggers that dump
     * requests with their credentials. {@code JAVA_OPTS} can set {@code
     * -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}; stderr masks credentials whatever the levels.
     */
    static void configureLogging(String[] args) {
        boolean verbose =
                Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        String level = verbose ? "debug" : "off";
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", verbose ? "true" : "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        // loggers that dump whole requests (headers with credentials, signatures, bodies) at DEBUG
        for (String dumper : REQUEST_DUMPERS) {
            setIfAbsent("org.slf4j.simpleLogger.log." + dumper, "info");
        }
    }

    /** Loggers of dependencies that log HTTP requests whole at DEBUG; stderr is redacted as well. */
    static final List<String> REQUEST_DUMPERS = List.of(
            "org.apache.hc.client5.http.wire",
            "org.apache.hc.client5.http.headers",
            "org.apache.http.wire",
            "org.apache.http.headers",
            "software.amazon.awssdk.http.auth.aws.internal.signer",
            "software.amazon.awssdk.auth.signer");

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

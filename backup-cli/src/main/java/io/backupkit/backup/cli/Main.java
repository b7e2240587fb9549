package io.backupkit.backup.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        configureLogging(args);
        Charset charset = Charset.defaultCharset();
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
     * lines, and warnings through the listener), debug with --verbose. {@code JAVA_OPTS} can set
     * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}.
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
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

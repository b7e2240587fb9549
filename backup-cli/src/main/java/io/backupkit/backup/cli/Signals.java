package io.backupkit.backup.cli;

import java.io.PrintStream;
import java.time.Duration;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM cancel the running command: the first interrupts the thread that runs it (the
 * library's way to cancel) and lets it clean up, at most {@link #CLEAN_UP}; a second one, or that
 * limit, stops the process at once (a later prune removes what is left). The exit code is then
 * 130 (SIGINT) or 143 (SIGTERM).
 */
final class Signals {
    /** How long a cancelled command may clean up before the process stops anyway. */
    static final Duration CLEAN_UP = Duration.ofSeconds(60);

    private static volatile Thread command;
    private static volatile String received;
    private static volatile PrintStream err = System.err;

    private Signals() {}

    /** Cancels {@code commandThread} on SIGINT and SIGTERM from now on. */
    static void install(Thread commandThread, PrintStream errStream) {
        command = commandThread;
        err = errStream;
        reinstall();
    }

    /**
     * Installs the handlers again: a terminal library (JLine, under the progress bar) may set the
     * default action back when it opens the terminal.
     */
    static void reinstall() {
        if (command == null) {
            return;
        }
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), Signals::handle);
            } catch (IllegalArgumentException e) {
                // ignored by the parent (a background job without job control): the OS default stays
            }
        }
    }

    /** The signal that cancelled the command (INT or TERM), or null. */
    static String received() {
        return received;
    }

    /** 128 + the signal's number, for the signal received; {@code code} when none was. */
    static int exitCode(int code) {
        String signal = received;
        if (signal == null || code == ExitCodes.OK) {
            return code;
        }
        return "INT".equals(signal) ? 130 : 143;
    }

    private static void handle(Signal signal) {
        String name = signal.getName();
        int code = "INT".equals(name) ? 130 : 143;
        if (received != null) {
            err.println("backup: stopped at once (SIG" + name + " again); 'backup prune' removes what is left");
            err.flush();
            Runtime.getRuntime().halt(code);
        }
        received = name;
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(CLEAN_UP.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    err.println("backup: stopped: cleaning up took longer than " + CLEAN_UP.toSeconds()
                            + " s; 'backup prune' removes what is left");
                    err.flush();
                    Runtime.getRuntime().halt(code);
                },
                "backup-cancel-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread t = command;
        if (t != null) {
            t.interrupt();
        }
    }
}

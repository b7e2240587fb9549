package io.backupkit.backup.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a command talks to: the environment, standard output and error, and, when there is one, the
 * user's terminal to ask on.
 *
 * @param env the environment variables
 * @param out standard output (results: ids, tables, JSON)
 * @param err standard error (progress, warnings, errors)
 * @param interactive whether a user sits at a terminal ({@code System.console() != null})
 * @param in where answers are read from when interactive
 */
record Terminal(Map<String, String> env, PrintWriter out, PrintWriter err, boolean interactive, BufferedReader in) {
    Terminal {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /**
     * Refuses a command that changes things for good and was not given {@code --yes} when it cannot
     * ask: under {@code --json}, or with no terminal. {@code refusal} says what it would do and to add
     * {@code --yes}; the reason is appended.
     */
    void requireConfirmable(boolean json, String refusal) {
        if (json || !interactive) {
            throw new UsageException(
                    refusal + " (" + (json ? "--json does not ask" : "there is no terminal to ask on") + ")");
        }
    }

    /** Asks a yes/no question on the terminal; anything but y/yes is no. */
    boolean confirm(String question) {
        if (!interactive || in == null) {
            return false;
        }
        err.print(question + " [y/N] ");
        err.flush();
        try {
            String answer = in.readLine();
            return answer != null
                    && switch (answer.trim().toLowerCase(Locale.ROOT)) {
                        case "y", "yes" -> true;
                        default -> false;
                    };
        } catch (IOException e) {
            return false;
        }
    }
}

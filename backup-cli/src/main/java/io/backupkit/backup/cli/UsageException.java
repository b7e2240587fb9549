package io.backupkit.backup.cli;

/** The command line asks for something the tool refuses to do as given (exit 2). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

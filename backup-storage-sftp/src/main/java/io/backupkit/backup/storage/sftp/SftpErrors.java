package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.UnableToStoreException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Turns SSH and SFTP failures into {@link UnableToStoreException}s whose message names the cause
 * and the option to fix, never a secret. Internal.
 */
final class SftpErrors {
    static final String HOST = "backup_options.host";
    static final String KNOWN_HOSTS = "backup_options.known_hosts_file";
    static final String PATH = "backup_options.path";

    private final SftpSettings settings;
    private final String storage;

    SftpErrors(SftpSettings settings) {
        this.settings = settings;
        this.storage = settings.describe();
    }

    String storage() {
        return storage;
    }

    private String server() {
        return settings.host() + ":" + settings.port();
    }

    private String credentialOption() {
        return settings.privateKeyFile() != null ? "backup_options.private_key_file" : "backup_options.password_file";
    }

    UnableToStoreException hostKeyRefused(String reason, Throwable cause) {
        return new SftpHostKeyException(
                storage,
                null,
                KNOWN_HOSTS,
                "refused the SSH server " + server() + ": " + reason + ". The host key was not accepted and no"
                        + " credentials were sent. Check the key's fingerprint with the server's administrator, then fix the"
                        + " known_hosts file " + settings.knownHostsFile() + " (" + KNOWN_HOSTS + ")",
                cause);
    }

    UnableToStoreException loginRefused(Throwable cause) {
        String option = credentialOption();
        return new SftpAuthenticationException(
                storage,
                null,
                option,
                "the SSH server " + server() + " refused the login of user " + settings.user() + " with the "
                        + (settings.privateKeyFile() != null
                                ? "private key " + settings.privateKeyFile()
                                : "password from " + settings.passwordFile())
                        + ": check " + option + " and backup_options.user (the server must accept that key or"
                        + " password for that user)",
                cause);
    }

    UnableToStoreException badKeyFile(String reason, Throwable cause) {
        return new SftpAuthenticationException(
                storage,
                null,
                "backup_options.private_key_file",
                "cannot use the private key " + settings.privateKeyFile() + " (backup_options.private_key_file): "
                        + reason,
                cause);
    }

    UnableToStoreException cannotConnect(String operation, String object, Throwable cause, boolean unreachable) {
        String why = unreachable
                ? "it cannot be reached (" + cause.getClass().getSimpleName() + ")"
                : "the connection failed (" + safe(cause) + ")";
        return new UnableToStoreException(
                storage,
                object,
                !unreachable,
                "cannot " + operation + (object == null ? "" : " " + object) + " on " + storage + ": the SSH server "
                        + server() + " " + why + "; check " + HOST + " and backup_options.port, and that sshd"
                        + " runs there",
                cause);
    }

    UnableToStoreException connectionLost(String operation, String object, int attempts, Throwable cause) {
        return new UnableToStoreException(
                storage,
                object,
                true,
                "cannot " + operation + (object == null ? "" : " " + object) + " on " + storage + ": the connection"
                        + " to " + server() + " broke " + attempts + " times (" + safe(cause) + "); nothing was"
                        + " published, try again later",
                cause);
    }

    /** A status answer of the server about {@code remotePath}. */
    UnableToStoreException status(String operation, String object, String remotePath, SftpException e) {
        String what = "cannot " + operation + (object == null ? "" : " " + object) + " on " + storage;
        return switch (e.getStatus()) {
            case SftpConstants.SSH_FX_PERMISSION_DENIED -> new SftpPathException(
                    storage,
                    object,
                    PATH,
                    what + ": permission denied on " + remotePath + " for user " + settings.user()
                            + "; give the user write access to the folder, or choose another storage location ("
                            + PATH + ")",
                    e);
            case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH -> new SftpPathException(
                    storage,
                    object,
                    PATH,
                    what + ": " + remotePath + " does not exist on the server; check the storage location (" + PATH
                            + ")",
                    e);
            case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM,
                    SftpConstants.SSH_FX_QUOTA_EXCEEDED -> new UnableToStoreException(
                    storage, object, false, what + ": no space left on the server (" + safe(e) + ")", e);
            default -> new UnableToStoreException(
                    storage,
                    object,
                    false,
                    what + ": the server answered " + safe(e)
                            + " (a full disk, a name that is not a regular file, or a server-side limit)",
                    e);
        };
    }

    UnableToStoreException notAFolder(String remotePath) {
        return new SftpPathException(
                storage,
                null,
                PATH,
                "cannot use " + remotePath + " on " + server() + " as the backup folder: it is not a folder; fix"
                        + " the storage location (" + PATH + ")",
                null);
    }

    private static String safe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}

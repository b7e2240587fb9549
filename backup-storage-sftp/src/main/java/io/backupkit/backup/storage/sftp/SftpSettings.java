package io.backupkit.backup.storage.sftp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SftpStorage} reaches its folder. Credentials are files, read when a connection is
 * made: a private key in OpenSSH format (ed25519, ECDSA or RSA, unencrypted) or a password.
 *
 * @param host the SSH server's host name or address
 * @param port its port
 * @param user the login
 * @param privateKeyFile the user's private key, or {@code null} when a password file is given
 * @param passwordFile a file holding the password, or {@code null}
 * @param knownHostsFile the {@code known_hosts} file that must list the server's host key
 * @param folder the remote folder holding the objects (absolute, or relative to the login folder)
 * @param connectTimeout bound on connecting and logging in
 * @param maxAttempts attempts per operation when the connection breaks (reconnecting in between)
 * @param initialBackoff first wait before reconnecting (doubled each time up to 5 s)
 */
public record SftpSettings(
        String host,
        int port,
        String user,
        Path privateKeyFile,
        Path passwordFile,
        Path knownHostsFile,
        String folder,
        Duration connectTimeout,
        int maxAttempts,
        Duration initialBackoff) {

    /** SSH's port. */
    public static final int DEFAULT_PORT = 22;
    /** Default attempts per operation. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default bound on connecting and logging in. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public SftpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(knownHostsFile, "knownHostsFile");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (privateKeyFile == null && passwordFile == null) {
            throw new IllegalArgumentException("a private key file or a password file is needed");
        }
        if (port < 1 || port > 65535 || maxAttempts < 1) {
            throw new IllegalArgumentException("port must be 1..65535 and maxAttempts positive");
        }
    }

    /** {@code sftp://user@host:port/folder}: no secrets. */
    public String describe() {
        return "sftp://" + user + "@" + host + (port == DEFAULT_PORT ? "" : ":" + port)
                + (folder.startsWith("/") ? "" : "/~/") + folder;
    }

    /** A copy with other retry settings. */
    public SftpSettings withRetries(int newMaxAttempts, Duration newInitialBackoff) {
        return new SftpSettings(
                host,
                port,
                user,
                privateKeyFile,
                passwordFile,
                knownHostsFile,
                folder,
                connectTimeout,
                newMaxAttempts,
                newInitialBackoff);
    }
}

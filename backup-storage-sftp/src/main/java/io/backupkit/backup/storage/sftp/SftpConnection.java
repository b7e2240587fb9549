package io.backupkit.backup.storage.sftp;

import io.backupkit.backup.Secret;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.support.Causes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection with its SFTP channel, shared by the storage's threads (MINA's SFTP client
 * matches answers to requests), made on first use and made again when it breaks. {@link #call}
 * runs an operation and, when the connection broke under it, reconnects and runs it again, a
 * bounded number of times with growing waits. SFTP status errors (no such file, permission denied)
 * are the server's answer and are not retried. Internal.
 */
final class SftpConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpConnection.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final SftpSettings settings;
    private final SftpErrors errors;
    private final SshClient client;
    private ClientSession session;
    private SftpClient sftp;
    private boolean everConnected;
    private boolean closed;

    SftpConnection(SftpSettings settings, SftpErrors errors) {
        this.settings = settings;
        this.errors = errors;
        this.client = SshClient.setUpDefaultClient();
        // only what the settings say: no ~/.ssh/config, no default identities, no prompts
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setFilePasswordProvider(FilePasswordProvider.EMPTY);
        client.setUserAuthFactories(List.of(
                settings.privateKeyFile() != null
                        ? UserAuthPublicKeyFactory.INSTANCE
                        : UserAuthPasswordFactory.INSTANCE));
        client.setServerKeyVerifier(new HostKeyCheck(settings.knownHostsFile()));
        // a connection that went silent is noticed instead of hanging a backup
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(15));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 4);
        client.start();
    }

    /**
     * Runs {@code call} on the connection; reconnects and runs it again when the connection broke,
     * up to {@link SftpSettings#maxAttempts()} attempts. SFTP status errors go to the caller as
     * they are; a connection that cannot be made, or keeps breaking, becomes an {@link
     * UnableToStoreException}.
     */
    <T> T call(String operation, String object, SftpCall<T> call) throws SftpException {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            SftpClient current = connected(operation, object);
            try {
                return call.run(current, attempt);
            } catch (SftpException e) {
                throw e;
            } catch (InterruptedIOException e) {
                drop(current); // an abandoned request's late answer would confuse the next caller
                throw new UnableToStoreException(
                        errors.storage(), object, true, "cannot " + operation + ": interrupted", e);
            } catch (IOException e) {
                drop(current);
                if (attempt >= settings.maxAttempts()) {
                    throw errors.connectionLost(operation, object, attempt, e);
                }
                LOG.debug(
                        "SFTP connection to {} broke during {} {} ({}); reconnecting, attempt {}",
                        errors.storage(),
                        operation,
                        object == null ? "" : object,
                        e.toString(),
                        attempt + 1);
                backoff = pause(backoff, operation, object);
            }
        }
    }

    /** The live SFTP client, connecting first when there is none. */
    private synchronized SftpClient connected(String operation, String object) {
        if (closed) {
            throw new IllegalStateException("the storage " + errors.storage() + " is closed");
        }
        if (sftp != null && sftp.isOpen() && session.isOpen()) {
            return sftp;
        }
        dropQuietly();
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                connect();
                everConnected = true;
                return sftp;
            } catch (UnableToStoreException e) {
                dropQuietly();
                throw e; // host key, login: the answer will not change
            } catch (IOException e) {
                dropQuietly();
                // a host that never answered fails at once; one that answered before may be restarting
                boolean unreachable = Causes.unreachable(e).isPresent();
                if ((unreachable && !everConnected) || attempt >= settings.maxAttempts()) {
                    throw errors.cannotConnect(operation, object, e, unreachable);
                }
                backoff = pause(backoff, operation, object);
            }
        }
    }

    private void connect() throws IOException {
        Duration timeout = settings.connectTimeout();
        LOG.debug("SFTP connecting to {}", errors.storage());
        ClientSession s = client.connect(settings.user(), settings.host(), settings.port())
                .verify(timeout)
                .getSession();
        session = s;
        try {
            if (settings.privateKeyFile() != null) {
                for (KeyPair key : loadKeys()) {
                    s.addPublicKeyIdentity(key);
                }
            } else {
                Secret password = Secret.fromFile(settings.passwordFile());
                s.addPasswordIdentity(password.reveal());
            }
            LOG.debug("SFTP session to {} open, logging in", errors.storage());
            s.auth().verify(timeout);
        } catch (IOException e) {
            String refused = s.getAttribute(HostKeyCheck.REFUSED);
            if (refused != null) {
                throw errors.hostKeyRefused(refused, e);
            }
            if (Causes.unreachable(e).isPresent() || !isAuthFailure(s, e)) {
                throw e;
            }
            throw errors.loginRefused(e);
        }
        sftp = SftpClientFactory.instance().createSftpClient(s);
        LOG.debug("SFTP connected to {} (SFTP version {})", errors.storage(), sftp.getVersion());
    }

    private Iterable<KeyPair> loadKeys() {
        try (InputStream in = Files.newInputStream(settings.privateKeyFile())) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(settings.privateKeyFile().toString()), in, FilePasswordProvider.EMPTY);
            if (keys == null || !keys.iterator().hasNext()) {
                throw errors.badKeyFile(
                        "it holds no private key; give an OpenSSH private key (ed25519, ECDSA or RSA, unencrypted)",
                        null);
            }
            return keys;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof UnableToStoreException u) {
                throw u;
            }
            throw errors.badKeyFile(
                    "it is not an unencrypted OpenSSH private key (ed25519, ECDSA or RSA): "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /** A login refused by the server, as opposed to a connection that broke during it. */
    private static boolean isAuthFailure(ClientSession s, IOException e) {
        String message = String.valueOf(e.getMessage());
        return s.isOpen() || message.contains("authentication") || message.contains("Authentication");
    }

    private Duration pause(Duration backoff, String operation, String object) {
        long millis = backoff.toMillis() / 2 + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnableToStoreException(
                    errors.storage(), object, true, "cannot " + operation + ": interrupted", e);
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /** Forgets {@code broken} (if it is still the current client) so the next call reconnects. */
    private synchronized void drop(SftpClient broken) {
        if (sftp == broken) {
            dropQuietly();
        }
    }

    private void dropQuietly() {
        try {
            if (sftp != null) {
                sftp.close();
            }
        } catch (IOException | RuntimeException e) {
            // closing a broken connection
        }
        try {
            if (session != null) {
                session.close(true);
            }
        } catch (RuntimeException e) {
            // closing a broken connection
        }
        sftp = null;
        session = null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        dropQuietly();
        client.stop();
    }
}

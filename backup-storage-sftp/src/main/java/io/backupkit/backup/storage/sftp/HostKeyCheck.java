package io.backupkit.backup.storage.sftp;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Accepts only a host key that the known_hosts file lists for the server; an unknown or changed key
 * is refused (never added to the file) and the reason kept on the session for the error message.
 * Internal.
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
    /** Why a host key was refused, on the session that refused it. */
    static final AttributeKey<String> REFUSED = new AttributeKey<>();

    HostKeyCheck(Path knownHosts) {
        super(RejectAllServerKeyVerifier.INSTANCE, knownHosts);
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        session.setAttribute(
                REFUSED,
                "the server offered a host key (" + describe(key) + ") that the known_hosts file " + getPath()
                        + " does not list for it");
        return false;
    }

    @Override
    public boolean acceptModifiedServerKey(
            ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected, PublicKey actual) {
        session.setAttribute(
                REFUSED,
                "the server's host key CHANGED: it offered " + describe(actual) + " but the known_hosts file "
                        + getPath() + " lists " + describe(expected) + " (a reinstalled server, or someone"
                        + " in between)");
        return false;
    }

    private static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }
}

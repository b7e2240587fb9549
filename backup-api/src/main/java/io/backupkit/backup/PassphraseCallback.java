package io.backupkit.backup;

import java.util.Optional;

/**
 * How a host supplies a passphrase that is not configured, when a restore or deep verify needs
 * it: the passphrase of a symmetrically encrypted backup (key id {@code passphrase}) or the one
 * that unlocks the secret key with the given id (16 hex digits, as the manifest records it). A host
 * can read it from a vault or ask an administrator in an interactive session. In a scheduled or
 * unattended run it must not block: return empty, and the operation fails with {@link
 * UnableToDecryptException} naming the key id before anything is changed. Each key id is asked at
 * most once per manager; the answer is kept in memory only.
 */
@FunctionalInterface
public interface PassphraseCallback {
    /**
     * @param keyId {@code passphrase}, or the id of the secret key to unlock
     * @return the passphrase, or empty when there is none to give
     */
    Optional<Secret> passphrase(String keyId);
}

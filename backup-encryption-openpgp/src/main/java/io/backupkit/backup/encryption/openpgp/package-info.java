/**
 * Provider: {@code openpgp} encryption of backup artifacts with BouncyCastle, to a recipient's
 * public key or to a passphrase; AES-256 with the integrity packet; readable by {@code gpg
 * --decrypt}.
 */
package io.backupkit.backup.encryption.openpgp;

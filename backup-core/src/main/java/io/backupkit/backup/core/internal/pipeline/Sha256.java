package io.backupkit.backup.core.internal.pipeline;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A SHA-256 digest that is finished once. */
final class Sha256 {
    private final MessageDigest digest;
    private String hex;

    Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    void update(byte b) {
        digest.update(b);
    }

    void update(byte[] b, int off, int len) {
        digest.update(b, off, len);
    }

    synchronized String hex() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(digest.digest());
        }
        return hex;
    }
}

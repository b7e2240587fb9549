package io.backupkit.backup.spi;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A backup's seal key: 32 random bytes made for each encrypted backup. The {@link Encryption}
 * provider stores it inside every encrypted artifact, where only the holder of the secret key or
 * passphrase can read it and the cipher's integrity check protects it; the core keys the
 * manifest's HMAC-SHA256 with it. So a manifest edited or written by someone who cannot decrypt
 * the artifacts is refused before a restore changes anything.
 */
public final class SealKey {
    /** Key length in bytes. */
    public static final int LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;

    private SealKey(byte[] key) {
        this.key = key;
    }

    /** A new random key. */
    public static SealKey random() {
        byte[] key = new byte[LENGTH];
        RANDOM.nextBytes(key);
        return new SealKey(key);
    }

    /**
     * The key from its {@link #encoded()} text.
     *
     * @throws IllegalArgumentException when the text is not a key
     */
    public static SealKey decode(String text) {
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a seal key");
        }
        if (key.length != LENGTH || !ENCODER.encodeToString(key).equals(text)) {
            throw new IllegalArgumentException("not a seal key");
        }
        return new SealKey(key);
    }

    /** The key as 43 characters of unpadded base64url, for a provider to embed. */
    public String encoded() {
        return ENCODER.encodeToString(key);
    }

    /** HMAC-SHA256 of {@code data} under this key. */
    public byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SealKey[***]";
    }
}

package io.backupkit.backup.core.internal.dedup;

import io.backupkit.backup.CorruptBackupException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of an encrypted dedup location: chunk ids are HMAC-SHA256 of the plaintext under a MAC
 * key (storage access does not confirm which content you have), and chunks and index objects are
 * AES-256-GCM under a data key. Both are random, made with the location, and kept in its config
 * object encrypted by the configured OpenPGP key or passphrase. {@link #NONE}: plain SHA-256 ids,
 * nothing encrypted.
 */
final class Keys {
    static final Keys NONE = new Keys(null, null);
    static final int LENGTH = 64;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec data;
    private final SecretKeySpec mac;
    private final ThreadLocal<Mac> macs;

    private Keys(SecretKeySpec data, SecretKeySpec mac) {
        this.data = data;
        this.mac = mac;
        this.macs = mac == null
                ? null
                : ThreadLocal.withInitial(() -> {
                    try {
                        Mac m = Mac.getInstance("HmacSHA256");
                        m.init(mac);
                        return m;
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** New random keys, as {@link #LENGTH} bytes to wrap. */
    static byte[] generate() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return b;
    }

    static Keys of(byte[] material) {
        if (material.length != LENGTH) {
            throw new IllegalArgumentException("dedup key material has " + LENGTH + " bytes");
        }
        return new Keys(
                new SecretKeySpec(Arrays.copyOfRange(material, 0, 32), "AES"),
                new SecretKeySpec(Arrays.copyOfRange(material, 32, 64), "HmacSHA256"));
    }

    boolean encrypted() {
        return data != null;
    }

    /** The id of {@code buf[off, off + len)}. */
    ChunkId id(byte[] buf, int off, int len) {
        if (mac == null) {
            return ChunkId.of(buf, off, len);
        }
        Mac m = macs.get();
        m.update(buf, off, len);
        return new ChunkId(m.doFinal());
    }

    /** Nonce, ciphertext and tag of {@code plain}, bound to {@code context}. */
    byte[] seal(byte[] plain, byte[] context) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, data, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context);
            byte[] out = new byte[NONCE + c.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            c.doFinal(plain, 0, plain.length, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The plaintext of {@link #seal}'s output.
     *
     * @throws CorruptBackupException when it was altered, or sealed for another context or key
     */
    byte[] open(byte[] sealed, byte[] context, String object) {
        if (sealed.length < NONCE + TAG_BITS / 8) {
            throw new CorruptBackupException(object, object + " holds an encrypted part too short to be one", null);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, data, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            c.updateAAD(context);
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new CorruptBackupException(
                    object,
                    object + " does not authenticate: altered, or not of this location; nothing was changed",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    static byte[] context(String what) {
        return what.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}

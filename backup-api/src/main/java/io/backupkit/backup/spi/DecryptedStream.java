package io.backupkit.backup.spi;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.Optional;

/** The plaintext of an encrypted artifact, with the {@link SealKey} found inside it. */
public class DecryptedStream extends FilterInputStream {
    private final SealKey sealKey;

    /**
     * @param plaintext the decrypted content; reading it to its end must check the cipher's integrity
     * @param sealKey the seal key embedded in the artifact, or {@code null} when it holds none (e.g.
     *     it was encrypted by another tool)
     */
    public DecryptedStream(InputStream plaintext, SealKey sealKey) {
        super(plaintext);
        this.sealKey = sealKey;
    }

    /** The seal key the artifact carries, if any. */
    public Optional<SealKey> sealKey() {
        return Optional.ofNullable(sealKey);
    }
}

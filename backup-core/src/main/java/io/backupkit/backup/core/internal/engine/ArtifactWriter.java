package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Phase;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.core.internal.pipeline.Compressors;
import io.backupkit.backup.core.internal.pipeline.HashingOutputStream;
import io.backupkit.backup.core.internal.pipeline.ProgressOutputStream;
import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.SealKey;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * Streams an operation's artifacts into the storage, each: source -> compressor -> (encryptor) ->
 * SHA-256 + count -> storage write handle, committed only when the source finished without error.
 */
final class ArtifactWriter {
    /** Writes the source content and returns what it learnt on the way (or null); must not close the stream. */
    @FunctionalInterface
    interface Body<T> {
        T writeTo(OutputStream out) throws IOException;
    }

    /**
     * One artifact to write: its kind and object name, the phase its progress counts in, and the
     * backup's seal key (null when the backup is not encrypted).
     */
    record Target(String kind, String name, Phase phase, SealKey sealKey) {}

    /** The stored artifact and what its body returned. */
    record Written<T>(ArtifactInfo artifact, T result) {}

    private final EngineSettings settings;
    private final BackupListener listener;
    private final BooleanSupplier cancelled;

    ArtifactWriter(EngineSettings settings, BackupListener listener, BooleanSupplier cancelled) {
        this.settings = settings;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    <T> Written<T> write(Target target, Body<T> body) throws IOException {
        String name = target.name();
        Phase phase = target.phase();
        Encryption encryption = settings.encryption();
        try (ObjectWrite write = settings.storage().openWrite(name)) {
            SinkGuard sink = new SinkGuard(write.stream());
            HashingOutputStream hashed = new HashingOutputStream(sink);
            OutputStream encrypted = encryption == null ? hashed : encryption.encrypt(hashed, name, target.sealKey());
            OutputStream compressed = Compressors.compress(
                    settings.compression(), settings.compressionLevel(), settings.compressionWorkers(), encrypted);
            boolean finished = false;
            T result = null;
            try {
                ProgressOutputStream source =
                        new ProgressOutputStream(compressed, phase, listener::progress, cancelled);
                result = body.writeTo(source);
                source.flush();
                listener.progress(phase, source.count());
                compressed.close();
                if (encrypted != hashed) {
                    encrypted.close();
                }
                hashed.close();
                finished = true;
            } catch (IOException | RuntimeException e) {
                if (sink.failure != null) {
                    // the producer may have wrapped it; the storage is what failed
                    throw new UnableToStoreException(
                            settings.storage().describe(),
                            name,
                            "writing " + name + " to "
                                    + settings.storage().describe() + " failed: " + sink.failure.getMessage()
                                    + "; no backup was committed",
                            sink.failure);
                }
                throw e;
            } finally {
                if (!finished) {
                    closeQuietly(compressed);
                }
            }
            StoredObject stored = write.commit();
            if (stored.size() != hashed.count()) {
                throw new UnableToStoreException(
                        settings.storage().describe(),
                        name,
                        "storage reports " + stored.size() + " bytes for " + name + " but " + hashed.count()
                                + " were written",
                        null);
            }
            ArtifactInfo artifact = new ArtifactInfo(
                    target.kind(),
                    name,
                    hashed.count(),
                    hashed.sha256(),
                    settings.compression(),
                    encryption == null ? null : encryption.id(),
                    encryption == null ? null : encryption.keyId());
            return new Written<>(artifact, result);
        }
    }

    /** Remembers the first failure of the storage stream, to name the right culprit. */
    private static final class SinkGuard extends java.io.FilterOutputStream {
        private IOException failure;

        SinkGuard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private IOException remember(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close(); // frees native compressor memory; the write is aborted anyway
        } catch (IOException | RuntimeException ignored) {
            // the original failure is what matters
        }
    }
}

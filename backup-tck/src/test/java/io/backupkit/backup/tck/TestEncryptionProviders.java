package io.backupkit.backup.tck;

import io.backupkit.backup.spi.Encryption;
import io.backupkit.backup.spi.EncryptionConfig;
import io.backupkit.backup.spi.EncryptionProvider;
import io.backupkit.backup.spi.SpiVersion;

/** Providers registered in this module's test {@code META-INF/services}, for {@link ProvidersTest}. */
public final class TestEncryptionProviders {
    private TestEncryptionProviders() {}

    /** The base: an id and a version; never creates anything. */
    public abstract static class Base implements EncryptionProvider {
        private final String id;
        private final int version;

        Base(String id, int version) {
            this.id = id;
            this.version = version;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int spiVersion() {
            return version;
        }

        @Override
        public Encryption create(EncryptionConfig config) {
            throw new UnsupportedOperationException("a lookup test only");
        }
    }

    public static final class Found extends Base {
        public Found() {
            super("found", SpiVersion.MAJOR);
        }
    }

    public static final class TwinA extends Base {
        public TwinA() {
            super("twin", SpiVersion.MAJOR);
        }
    }

    public static final class TwinB extends Base {
        public TwinB() {
            super("twin", SpiVersion.MAJOR);
        }
    }

    public static final class Old extends Base {
        public Old() {
            super("old", SpiVersion.MAJOR - 1);
        }
    }
}

package io.backupkit.backup.tck;

import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.EncryptionProvider;
import io.backupkit.backup.spi.Provider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * A provider looked up by id the way the library finds it (ServiceLoader over the test class path),
 * for a provider's own tests: {@code Providers.storage("s3")} passes only when the provider is
 * registered in {@code META-INF/services}, loads, has a unique id and declares this SPI version.
 */
public final class Providers {
    private Providers() {}

    /** The storage provider with this id. */
    public static BackupStorageProvider storage(String id) {
        return find(BackupStorageProvider.class, id);
    }

    /** The database dumper provider with this id. */
    public static DatabaseDumperProvider dumper(String id) {
        return find(DatabaseDumperProvider.class, id);
    }

    /** The encryption provider with this id. */
    public static EncryptionProvider encryption(String id) {
        return find(EncryptionProvider.class, id);
    }

    private static <P extends Provider> P find(Class<P> type, String id) {
        String services = "META-INF/services/" + type.getName();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<P> all = new ArrayList<>();
        try {
            ServiceLoader.load(type, loader != null ? loader : Providers.class.getClassLoader())
                    .forEach(all::add);
        } catch (ServiceConfigurationError e) {
            throw new AssertionError("a provider listed in " + services + " does not load: " + e.getMessage(), e);
        }
        List<P> matching = all.stream().filter(p -> id.equals(p.id())).toList();
        if (matching.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " with id '" + id + "' is discoverable; found "
                    + all.stream().map(Providers::describe).toList() + ". Register the provider class in "
                    + services + " (and `provides` in module-info when the module has one)");
        }
        if (matching.size() > 1) {
            throw new AssertionError("several providers have the id '" + id + "': "
                    + matching.stream().map(Providers::describe).toList());
        }
        P provider = matching.get(0);
        if (provider.spiVersion() != SpiVersion.MAJOR) {
            throw new AssertionError(describe(provider) + " declares SPI version " + provider.spiVersion()
                    + ", this backup-api has " + SpiVersion.MAJOR);
        }
        return provider;
    }

    private static String describe(Provider p) {
        return p.id() + " (" + p.getClass().getName() + ")";
    }
}

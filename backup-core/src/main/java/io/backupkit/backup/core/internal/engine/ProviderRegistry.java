package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.ProviderNotFoundException;
import io.backupkit.backup.Setting;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.EncryptionProvider;
import io.backupkit.backup.spi.Provider;
import io.backupkit.backup.spi.SpiVersion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds providers with {@link ServiceLoader}; the only class that calls it. A provider that fails to
 * load is skipped and named in later error messages; a provider of another SPI major version is
 * refused. Zero candidates or more than one is an error that names the candidates and how to choose.
 */
public final class ProviderRegistry {
    private final ClassLoader classLoader;
    private final List<String> broken = new ArrayList<>();

    private ProviderRegistry(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** A registry over {@code classLoader}, or the thread context class loader when {@code null}. */
    public static ProviderRegistry of(ClassLoader classLoader) {
        ClassLoader cl =
                classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
        return new ProviderRegistry(cl != null ? cl : ProviderRegistry.class.getClassLoader());
    }

    /** Every storage provider that loaded, in class path order. */
    public List<BackupStorageProvider> storages() {
        return load(BackupStorageProvider.class);
    }

    /** Every dumper provider that loaded, in class path order. */
    public List<DatabaseDumperProvider> dumpers() {
        return load(DatabaseDumperProvider.class);
    }

    /** Every encryption provider that loaded, in class path order. */
    public List<EncryptionProvider> encryptions() {
        return load(EncryptionProvider.class);
    }

    /**
     * The storage provider with this id, or of this class name (a class implementing {@link
     * BackupStorageProvider} with a public no-arg constructor).
     */
    public BackupStorageProvider storage(String idOrClassName) {
        return byIdOrClass(BackupStorageProvider.class, "storage", Setting.STORAGE, idOrClassName, storages());
    }

    /** The encryption provider with this id (e.g. {@code openpgp}), or of this class name. */
    public EncryptionProvider encryption(String idOrClassName) {
        return byIdOrClass(EncryptionProvider.class, "encryption", Setting.ENCRYPTION, idOrClassName, encryptions());
    }

    /**
     * The dumper for a JDBC URL: the one with {@code explicitId} when given, else the single provider
     * whose {@link DatabaseDumperProvider#supports} accepts the URL.
     */
    public DatabaseDumperProvider dumper(String jdbcUrl, String explicitId) {
        List<DatabaseDumperProvider> all = dumpers();
        if (explicitId != null && !explicitId.isBlank()) {
            return byIdOrClass(DatabaseDumperProvider.class, "dumper", Setting.DATABASE_DUMPER, explicitId, all);
        }
        String safeUrl = DatabaseConfig.safeUrl(jdbcUrl);
        List<DatabaseDumperProvider> matching =
                all.stream().filter(p -> p.supports(jdbcUrl)).collect(Collectors.toList());
        if (matching.size() == 1) {
            return matching.get(0);
        }
        List<String> ids = ids(all);
        if (matching.isEmpty()) {
            throw new ProviderNotFoundException(
                    Setting.DATABASE_URL,
                    "dumper",
                    safeUrl,
                    ids,
                    "no database dumper handles " + safeUrl + "; dumpers on the class path: " + ids
                            + ". Add the module for your database (backup-db-postgres, backup-db-mysql; H2 is in backup-core)"
                            + brokenNote());
        }
        throw new ProviderNotFoundException(
                Setting.DATABASE_DUMPER,
                "dumper",
                safeUrl,
                ids(matching),
                "several dumpers handle " + safeUrl + ": " + ids(matching) + "; choose one by id");
    }

    private <P extends Provider> P byIdOrClass(Class<P> type, String kind, Setting key, String requested, List<P> all) {
        Objects.requireNonNull(requested, "requested");
        String wanted = requested.trim();
        if (wanted.contains(".")) {
            for (P p : all) {
                if (p.getClass().getName().equals(wanted)) {
                    return p;
                }
            }
            return instantiate(type, kind, key, wanted);
        }
        List<P> matching = all.stream().filter(p -> p.id().equals(wanted)).collect(Collectors.toList());
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty()) {
            throw new ProviderNotFoundException(
                    key,
                    kind,
                    wanted,
                    ids(all),
                    "unknown " + kind + " '" + wanted + "'; available: " + ids(all) + brokenNote());
        }
        List<String> classes =
                matching.stream().map(p -> p.getClass().getName()).collect(Collectors.toList());
        throw new ProviderNotFoundException(
                key,
                kind,
                wanted,
                classes,
                "several " + kind + " providers have the id '" + wanted + "': " + classes
                        + "; give the class name of the one to use");
    }

    private <P extends Provider> P instantiate(Class<P> type, String kind, Setting key, String className) {
        try {
            Class<?> c = Class.forName(className, true, classLoader);
            if (!type.isAssignableFrom(c)) {
                throw new BackupConfigurationException(
                        key, "class " + className + " does not implement " + type.getName());
            }
            P provider = type.cast(c.getDeclaredConstructor().newInstance());
            checkVersion(provider);
            return provider;
        } catch (ClassNotFoundException e) {
            throw new ProviderNotFoundException(
                    key, kind, className, ids(load(type)), "class " + className + " is not on the class path");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new BackupConfigurationException(
                    key, "cannot create " + className + " (it needs a public no-arg constructor): " + e, e);
        }
    }

    private <P extends Provider> List<P> load(Class<P> type) {
        List<P> found = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(type, classLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                P p = it.next();
                checkVersion(p);
                found.add(p);
            } catch (ServiceConfigurationError | BackupConfigurationException e) {
                synchronized (broken) {
                    broken.add(type.getSimpleName() + ": " + e.getMessage());
                }
            }
        }
        return found;
    }

    private static void checkVersion(Provider p) {
        int version;
        try {
            version = p.spiVersion();
        } catch (AbstractMethodError e) {
            version = 0; // built before providers declared their version
        }
        if (version != SpiVersion.MAJOR) {
            throw new BackupConfigurationException("provider " + p.getClass().getName() + " was built for SPI version "
                    + (version == 0 ? "1 or 2 (it does not say)" : version) + ", this library has "
                    + SpiVersion.MAJOR + "; use matching module versions (import backup-bom)");
        }
    }

    private static List<String> ids(List<? extends Provider> providers) {
        return providers.stream().map(Provider::id).sorted().collect(Collectors.toList());
    }

    private String brokenNote() {
        synchronized (broken) {
            return broken.isEmpty() ? "" : " (providers that failed to load: " + broken + ")";
        }
    }
}

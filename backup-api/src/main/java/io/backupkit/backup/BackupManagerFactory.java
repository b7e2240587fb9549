package io.backupkit.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Creates the {@link BackupManager} for {@link BackupManager.Builder#build()}: implemented once, by
 * {@code backup-core}, and found through {@link ServiceLoader}. Hosts do not implement it.
 */
public interface BackupManagerFactory {
    /**
     * Resolves the providers these settings name and creates the manager.
     *
     * @throws BackupConfigurationException when something is missing or no provider matches
     */
    BackupManager create(BackupSettings settings);

    /** The one factory on {@code classLoader}'s class path (the context class loader when {@code null}). */
    static BackupManagerFactory find(ClassLoader classLoader) {
        ClassLoader cl =
                classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
        List<BackupManagerFactory> found = new ArrayList<>();
        ServiceLoader.load(BackupManagerFactory.class, cl != null ? cl : BackupManagerFactory.class.getClassLoader())
                .forEach(found::add);
        if (found.size() == 1) {
            return found.get(0);
        }
        throw new BackupConfigurationException(
                found.isEmpty()
                        ? "backup-core is not on the class path: add the dependency io.backupkit:backup-core"
                        : "several backup engines on the class path (" + found + "): keep one backup-core");
    }
}

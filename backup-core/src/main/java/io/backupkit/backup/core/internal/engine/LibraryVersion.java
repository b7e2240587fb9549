package io.backupkit.backup.core.internal.engine;

/** This library's version, from the jar manifest ({@code dev} when run from classes). */
public final class LibraryVersion {
    private LibraryVersion() {}

    public static String get() {
        String v = LibraryVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}

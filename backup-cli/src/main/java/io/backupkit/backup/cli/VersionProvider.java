package io.backupkit.backup.cli;

import picocli.CommandLine;

/** {@code --version}: the version in the jar manifest and the Java runtime. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "backup " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    static String version() {
        String v = BackupCli.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}

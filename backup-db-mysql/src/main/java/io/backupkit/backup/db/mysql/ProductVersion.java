package io.backupkit.backup.db.mysql;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL or MariaDB version (of a server or of a client tool). Internal.
 *
 * @param mariadb whether it is MariaDB (else MySQL)
 * @param major major version
 * @param minor minor version
 * @param patch patch version
 */
record ProductVersion(boolean mariadb, int major, int minor, int patch) implements Comparable<ProductVersion> {
    private static final Pattern MARIADB_TOOL = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");
    private static final Pattern DISTRIB = Pattern.compile("Distrib (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern VER = Pattern.compile("Ver (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern SERVER = Pattern.compile("^(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Parses {@code SELECT VERSION()}, e.g. {@code 10.11.19-MariaDB-0+deb12u1} or {@code 8.0.36}. */
    static Optional<ProductVersion> ofServer(String version) {
        if (version == null) {
            return Optional.empty();
        }
        Matcher m = SERVER.matcher(version.trim());
        if (!m.find()) {
            return Optional.empty();
        }
        boolean mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        return Optional.of(of(mariadb, m));
    }

    /**
     * Parses a tool's {@code --version} line, e.g. {@code mariadb-dump Ver 10.19 Distrib
     * 10.11.19-MariaDB, for debian-linux-gnu}, {@code mariadb from 11.4.2-MariaDB, client 15.2 ...} or
     * {@code mysqldump Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)}.
     */
    static Optional<ProductVersion> ofTool(String versionOutput) {
        if (versionOutput == null) {
            return Optional.empty();
        }
        Matcher m = MARIADB_TOOL.matcher(versionOutput);
        if (m.find()) {
            return Optional.of(of(true, m));
        }
        m = DISTRIB.matcher(versionOutput);
        if (m.find()) {
            return Optional.of(of(false, m));
        }
        m = VER.matcher(versionOutput);
        if (m.find()) {
            return Optional.of(of(false, m));
        }
        return Optional.empty();
    }

    private static ProductVersion of(boolean mariadb, Matcher m) {
        return new ProductVersion(
                mariadb, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    String product() {
        return mariadb ? "MariaDB" : "MySQL";
    }

    /** Whether this version is at least {@code major.minor}. */
    boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /**
     * Whether a MariaDB client of this version understands the <code>/*M!999999\- enable the sandbox
     * mode *&#47;</code> line that mariadb-dump writes first since 10.5.25, 10.6.18, 10.11.8, 11.0.6, 11.1.5,
     * 11.2.4 and 11.4.2.
     */
    boolean understandsSandboxLine() {
        if (!mariadb) {
            return false;
        }
        int[][] firsts = {{10, 5, 25}, {10, 6, 18}, {10, 11, 8}, {11, 0, 6}, {11, 1, 5}, {11, 2, 4}, {11, 4, 2}};
        for (int[] f : firsts) {
            if (major == f[0] && minor == f[1]) {
                return patch >= f[2];
            }
        }
        return major > 11 || (major == 11 && minor > 4);
    }

    @Override
    public int compareTo(ProductVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}

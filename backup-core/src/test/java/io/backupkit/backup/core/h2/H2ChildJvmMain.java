package io.backupkit.backup.core.h2;

import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.core.internal.engine.ProviderRegistry;
import io.backupkit.backup.spi.DatabaseConfig;
import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.tck.DumpFiles;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Random;

/**
 * Run by {@link H2DumperChildJvmTest} in a child JVM: {@code missing-driver} (class path without H2)
 * or {@code large DIR} (under {@code -Xmx64m}). Exit code 0 means the expectation held; the reason
 * for anything else is printed.
 */
public final class H2ChildJvmMain {
    private H2ChildJvmMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "missing-driver" -> missingDriver();
            case "large" -> large(Path.of(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void missingDriver() {
        try {
            Class.forName(H2Dumper.DRIVER_CLASS);
            System.out.println("H2 is on the class path: the test is not meaningful");
            System.exit(2);
        } catch (ClassNotFoundException expected) {
            // as it should be
        }
        DatabaseDumperProvider provider = ProviderRegistry.of(null).dumper("jdbc:h2:file:/nonexistent/db", null);
        DatabaseDumper dumper =
                provider.create(new DatabaseConfig("jdbc:h2:file:/nonexistent/db", "sa", null, null, null));
        try {
            dumper.describe();
            System.out.println("describe() did not fail");
            System.exit(3);
        } catch (DatabaseToolException e) {
            System.out.println("provider " + provider.id() + " loaded; describe failed: " + e.getMessage());
            System.exit(e.getMessage().contains("com.h2database:h2") ? 0 : 4);
        }
    }

    private static void large(Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("big").toAbsolutePath();
        String password = "big-pw";
        MessageDigest blobs = MessageDigest.getInstance("SHA-256");
        try (Connection c = DriverManager.getConnection(url, "SA", password);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, txt VARCHAR(200), n DOUBLE)");
            s.execute("INSERT INTO t SELECT X, 'row text number ' || X || ' ' || RANDOM_UUID(), RAND()"
                    + " FROM SYSTEM_RANGE(1, 200000)");
            s.execute("CREATE TABLE blobs(id INT PRIMARY KEY, b BLOB)");
            Random random = new Random(7);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
                for (int i = 0; i < 4; i++) {
                    byte[] b = new byte[1_500_000];
                    random.nextBytes(b);
                    blobs.update(b);
                    p.setInt(1, i);
                    p.setBytes(2, b);
                    p.execute();
                }
            }
        }
        String expected = state(url, password);
        DatabaseDumper dumper =
                new H2DumperProvider().create(new DatabaseConfig(url, "SA", Secret.of(password), null, null));
        long t0 = System.nanoTime();
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("big.sql"));
        long dumpMs = (System.nanoTime() - t0) / 1_000_000;
        try (Connection c = DriverManager.getConnection(url, "SA", password);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE t");
            s.execute("CREATE TABLE newer(id INT)");
        }
        t0 = System.nanoTime();
        dumper.restore(DumpFiles.source(dump, DumpFiles.infoOf(dumper)));
        long restoreMs = (System.nanoTime() - t0) / 1_000_000;
        String actual = state(url, password);
        System.out.println("dump " + java.nio.file.Files.size(dump) + " bytes in " + dumpMs + " ms, restore in "
                + restoreMs + " ms, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        System.out.println("expected " + expected + "\nactual   " + actual);
        System.exit(expected.equals(actual) && actual.contains(HexFormat.of().formatHex(blobs.digest())) ? 0 : 5);
    }

    /** Row count, a sum, the blobs' SHA-256 read back as streams, and whether a table NEWER exists. */
    private static String state(String url, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "SA", password);
                Statement s = c.createStatement()) {
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(id), SUM(LENGTH(txt)) FROM t")) {
                rs.next();
                sb.append(rs.getLong(1))
                        .append(' ')
                        .append(rs.getLong(2))
                        .append(' ')
                        .append(rs.getLong(3));
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (ResultSet rs = s.executeQuery("SELECT b FROM blobs ORDER BY id")) {
                byte[] buf = new byte[1 << 16];
                while (rs.next()) {
                    try (InputStream in = rs.getBinaryStream(1)) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            sha.update(buf, 0, n);
                        }
                    }
                }
            }
            sb.append(' ').append(HexFormat.of().formatHex(sha.digest()));
            try (ResultSet rs =
                    s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'NEWER'")) {
                rs.next();
                sb.append(" newer=").append(rs.getLong(1));
            }
            return sb.toString();
        }
    }
}

package io.backupkit.backup.core.internal.engine;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Random;

/**
 * Run by {@link LowMemoryIT} in a child JVM with a small heap: builds a large H2 database and a
 * media folder, backs them up, changes them, restores, and checks the state. Exits 0 when equal.
 */
public final class LowMemoryCheck {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long mediaBytes = Long.parseLong(args[1]);
        int rows = Integer.parseInt(args[2]);
        EngineFixture f = new EngineFixture(root);
        f.sql("CREATE TABLE item (id INT PRIMARY KEY, body VARCHAR(2000), data VARBINARY(4096))");
        Random r = new Random(1);
        try (Connection c = f.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO item VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            byte[] data = new byte[1024];
            for (int i = 0; i < rows; i++) {
                r.nextBytes(data);
                ps.setInt(1, i);
                ps.setString(2, "row " + i + " " + "lorem ipsum dolor sit amet ".repeat(10));
                ps.setBytes(3, data);
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
        int files = (int) Math.max(1, mediaBytes / (16 << 20));
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < files; i++) {
            Path p = f.media.resolve("dir" + (i % 8)).resolve("file-" + i + ".bin");
            Files.createDirectories(p.getParent());
            try (var out = Files.newOutputStream(p)) {
                for (long written = 0; written < mediaBytes / files; written += block.length) {
                    r.nextBytes(block);
                    out.write(block);
                }
            }
        }
        String dbBefore = digest(f);
        Map<String, String> mediaBefore = f.mediaState();
        long t0 = System.nanoTime();
        BackupFormat format = args.length > 3 ? BackupFormat.valueOf(args[3]) : BackupFormat.ARCHIVE;
        try (BackupManager backups = f.builder().format(format).build()) {
            BackupInfo info = backups.create().backup();
            long t1 = System.nanoTime();
            f.sql("DELETE FROM item WHERE id % 97 = 0", "CREATE TABLE later (x INT)");
            f.write("later.bin", 1000, 1);
            backups.restore(RestoreOptions.of(info.id().value()).withSafetyBackup(false));
            long t2 = System.nanoTime();
            boolean ok = digest(f).equals(dbBefore) && f.mediaState().equals(mediaBefore);
            System.out.printf(
                    "create %.1f s, restore %.1f s, stored %d MiB, max heap %d MiB, heap pool peaks (sum) %d MiB%n",
                    (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9,
                    info.size() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20,
                    ManagementFactory.getMemoryPoolMXBeans().stream()
                                    .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                                    .mapToLong(p -> p.getPeakUsage().getUsed())
                                    .sum()
                            >> 20);
            System.out.println(ok ? "STATE-EQUAL" : "STATE-DIFFERS");
            System.exit(ok ? 0 : 1);
        }
    }

    private static String digest(EngineFixture f) throws Exception {
        try (Connection c = f.connect();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*), SUM(id), "
                        + "(SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC') FROM item")) {
            rs.next();
            String head = rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3);
            var md = java.security.MessageDigest.getInstance("SHA-256");
            try (var rows = s.executeQuery("SELECT id, body, data FROM item ORDER BY id")) {
                while (rows.next()) {
                    md.update(Integer.toString(rows.getInt(1)).getBytes());
                    md.update(rows.getString(2).getBytes());
                    md.update(rows.getBytes(3));
                }
            }
            return head + "/" + java.util.HexFormat.of().formatHex(md.digest());
        }
    }
}

package io.backupkit.backup.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupFormat;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.tck.fixtures.DedupChecks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup backup format on a {@link BackupStorage}: what a storage must do for backups cut into
 * chunks and packed into pack objects (listing by prefix, ranged reads, objects of many MiB, objects
 * replaced and deleted) to hold them. A provider module has one test class that extends this one and
 * says how to make a fresh, empty storage, as for {@link BackupStorageContract}:
 *
 * <pre>{@code
 * class S3DedupContractTest extends DedupStorageContract {
 *     protected BackupStorage createStorage() {
 *         return new S3StorageProvider().create(new StorageConfig("s3://bucket/" + UUID.randomUUID(), options));
 *     }
 * }
 * }</pre>
 *
 * <p>It runs the whole library ({@code backup-core} on the test classpath) over the storage, with a
 * media folder and, when the H2 driver is on the test classpath, an H2 database. Cases: a second
 * backup stores only what changed; prune of the first keeps what the second needs; the second
 * restores exactly and passes {@code verify --deep}; a flipped byte in a pack object is named by
 * {@code verify --deep}; index objects lost or damaged are rebuilt from the packs by the next
 * backup, which says so once, and every backup still restores exactly.
 */
public abstract class DedupStorageContract {
    private static final String PACK = "dedup-pack-";
    private static final String INDEX = "dedup-index-";
    private static final int PHOTO = 6 << 20;

    @TempDir
    Path tmp;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private Path media;
    private String url;

    /**
     * A fresh, empty storage; called once per test, and the manager built on it closes it. Start
     * servers in {@code @BeforeAll} or a JUnit extension.
     */
    protected abstract BackupStorage createStorage() throws Exception;

    /** Whether the backups include an H2 database; by default when its driver is on the classpath. */
    protected boolean withDatabase() {
        try {
            Class.forName("org.h2.Driver");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    @Timeout(300)
    void aSecondBackupStoresWhatChangedAndRestoresExactlyAfterThePruneOfTheFirst() throws Exception {
        BackupStorage storage = createStorage();
        try (BackupManager backups = manager(storage)) {
            BackupInfo first = backups.create().backup();
            String firstDb = database();
            Map<String, String> firstMedia = mediaState();
            long afterFirst = storedBytes(storage);

            change(1);
            BackupInfo second = backups.create().backup();
            String secondDb = database();
            Map<String, String> secondMedia = mediaState();
            assertThat(storedBytes(storage) - afterFirst)
                    .as("bytes the second backup added, of a media folder of %d bytes", mediaSize())
                    .isLessThan(mediaSize() / 10);

            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(mediaState()).isEqualTo(firstMedia);
            assertThat(database()).isEqualTo(firstDb);

            DedupChecks.pruneToNewest(backups, second);
            change(2);
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(mediaState()).isEqualTo(secondMedia);
            assertThat(database()).isEqualTo(secondDb);

            StoredObject pack = storage.list(PACK).stream()
                    .max(Comparator.comparingLong(StoredObject::size))
                    .orElseThrow();
            flipByte(storage, pack, pack.size() / 2);
            assertThat(backups.verify(second.id().value(), VerifyMode.DEEP).problems())
                    .anySatisfy(p -> assertThat(p).contains(pack.name()));
        }
    }

    @Test
    @Timeout(300)
    void lostOrDamagedIndexObjectsAreRebuiltFromThePacksAndNoBackupIsLost() throws Exception {
        BackupStorage storage = createStorage();
        try (BackupManager backups = manager(storage)) {
            BackupInfo first = backups.create().backup();
            String firstDb = database();
            Map<String, String> firstMedia = mediaState();
            for (StoredObject index : storage.list(INDEX)) {
                storage.delete(index.name());
            }
            assertThat(backups.verify(first.id().value(), VerifyMode.DEEP).problems())
                    .as("deep verify reports the index that no longer names the packs")
                    .isNotEmpty();

            change(1);
            long before = storedBytes(storage);
            warnings.clear();
            BackupInfo second = backups.create().backup();
            assertThat(warnings).filteredOn(w -> w.contains("rebuilt")).hasSize(1);
            assertThat(storedBytes(storage) - before)
                    .as("the chunks stored before were found again")
                    .isLessThan(mediaSize() / 10);
            String secondDb = database();
            Map<String, String> secondMedia = mediaState();

            StoredObject damaged = storage.list(INDEX).get(0);
            write(storage, damaged.name(), "not an index".getBytes(StandardCharsets.UTF_8));
            change(2);
            warnings.clear();
            BackupInfo third = backups.create().backup();
            assertThat(warnings).filteredOn(w -> w.contains("rebuilt")).hasSize(1);
            assertThat(storage.stat(damaged.name())).isEmpty();

            for (BackupInfo b : List.of(first, second, third)) {
                assertThat(backups.verify(b.id().value(), VerifyMode.DEEP).problems())
                        .as("deep verify of %s", b.id())
                        .isEmpty();
            }
            backups.restore(RestoreOptions.of(first.id().value()).withSafetyBackup(false));
            assertThat(mediaState()).isEqualTo(firstMedia);
            assertThat(database()).isEqualTo(firstDb);
            backups.restore(RestoreOptions.of(second.id().value()).withSafetyBackup(false));
            assertThat(mediaState()).isEqualTo(secondMedia);
            assertThat(database()).isEqualTo(secondDb);
        }
    }

    private BackupManager manager(BackupStorage storage) throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        write("photo.raw", PHOTO, 1);
        for (int i = 0; i < 20; i++) {
            write("docs/doc-" + i + ".bin", 50_000, 100 + i);
        }
        Files.writeString(media.resolve("note.txt"), "v0");
        BackupManager.Builder builder = BackupManager.builder()
                .component(BackupStorage.class, storage)
                .format(BackupFormat.DEDUP)
                .mediaDir(media)
                .spoolDir(Files.createDirectories(tmp.resolve("spool")))
                .listener(new BackupListener() {
                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                    }
                });
        if (withDatabase()) {
            url = "jdbc:h2:file:" + tmp.resolve("db/app").toAbsolutePath();
            sql("CREATE TABLE doc (id INT PRIMARY KEY, name VARCHAR(100))", "INSERT INTO doc VALUES (0, 'zero')");
            builder.database(url, "sa", null);
        } else {
            builder.noDatabase();
        }
        return builder.build();
    }

    /** A day of change: a note rewritten, one document of twenty replaced, a row added. */
    private void change(int round) throws Exception {
        Files.writeString(media.resolve("note.txt"), "v" + round);
        write("docs/doc-" + round + ".bin", 50_000, 1000 + round);
        if (url != null) {
            sql("INSERT INTO doc VALUES (" + round + ", 'row " + round + "')");
        }
    }

    private long mediaSize() {
        return PHOTO + 20 * 50_000L;
    }

    private void write(String rel, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path p = media.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    private static long storedBytes(BackupStorage storage) throws IOException {
        return storage.list("").stream().mapToLong(StoredObject::size).sum();
    }

    private static void flipByte(BackupStorage storage, StoredObject object, long at) throws IOException {
        byte[] data;
        try (InputStream in = storage.openRead(object.name())) {
            data = in.readAllBytes();
        }
        data[(int) at] ^= 0x40;
        write(storage, object.name(), data);
    }

    private static void write(BackupStorage storage, String name, byte[] data) throws IOException {
        try (ObjectWrite w = storage.openWrite(name)) {
            w.stream().write(data);
            w.commit();
        }
    }

    private Map<String, String> mediaState() throws Exception {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(media)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    state.put(
                            media.relativize(p).toString(),
                            HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return state;
    }

    private String database() throws Exception {
        if (url == null) {
            return "";
        }
        StringBuilder rows = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT id, name FROM doc ORDER BY id")) {
            while (rs.next()) {
                rows.append(rs.getInt(1)).append('=').append(rs.getString(2)).append('\n');
            }
        }
        return rows.toString();
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}

package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DumpSource;
import io.backupkit.backup.tck.DumpFileSource;
import io.backupkit.backup.tck.DumpFiles;
import io.backupkit.backup.tck.fixtures.ForwardingDumpSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore that fails midway (a bad statement, the client killed) leaves the database as it was. */
class MysqlFailedRestoreIT {
    @TempDir
    Path dir;

    private String db;
    private MysqlDumper dumper;
    private Path dump;
    private DatabaseInfo info;
    private String changed;
    private String dumped;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
        RichFixture.create(db);
        dumper = MariaDbServer.dumper(db);
        dump = DumpFiles.dumpTo(dumper, dir.resolve("db.sql"));
        info = DumpFiles.infoOf(dumper);
        dumped = MysqlSnapshots.of(db);
        RichFixture.change(db);
        changed = MysqlSnapshots.of(db);
    }

    @AfterEach
    void tearDown() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    /**
     * Reads that end inside a multi-byte character (the fixture's utf8mb4 text and emoji) are no
     * damage: the next read finishes the character. Each read here returns at most 7 bytes.
     */
    @Test
    void aDumpReadInPiecesThatCutCharactersRestores() throws Exception {
        assertThat(Files.readString(dump, StandardCharsets.UTF_8)).matches("(?s).*[^\\x00-\\x7F].*");
        DumpSource whole = DumpFiles.source(dump, info);
        DumpSource inPieces = new ForwardingDumpSource(whole) {
            @Override
            public InputStream open() throws IOException {
                return new FilterInputStream(super.open()) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return super.read(b, off, Math.min(len, 7));
                    }
                };
            }
        };
        dumper.restore(inPieces);
        assertThat(MysqlSnapshots.of(db)).isEqualTo(dumped);
    }

    @Test
    void aStatementFailingMidwayPutsTheDatabaseBack() throws Exception {
        String text = Files.readString(dump, StandardCharsets.UTF_8);
        int cut = text.indexOf("\n", text.indexOf("CREATE TABLE `author`"));
        assertThat(cut).isPositive();
        Path bad = Files.writeString(
                dir.resolve("bad.sql"),
                text.substring(0, cut + 1) + "THIS IS NOT SQL;\n" + text.substring(cut + 1),
                StandardCharsets.UTF_8);

        Throwable thrown = catchThrowable(() -> dumper.restore(DumpFiles.source(bad, info)));

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("put back as it was")
                .hasMessageContaining("ERROR");
        assertThat(MysqlSnapshots.of(db)).isEqualTo(changed);
        assertThat(Files.list(dir.resolve("bad.sql.work")).collect(Collectors.toList()))
                .as("rollback snapshot deleted")
                .isEmpty();
    }

    @Test
    void aClientKilledMidwayPutsTheDatabaseBack() throws Exception {
        long half = Files.size(dump) / 2;
        List<Long> killed = new ArrayList<>();
        DumpSource source = new MidwaySource(new DumpFileSource(dump, dir.resolve("work"), info), half, () -> {
            if (killed.isEmpty()) {
                killClients(killed);
            }
        });

        Throwable thrown = catchThrowable(() -> dumper.restore(source));

        assertThat(killed).as("the client was found and killed").isNotEmpty();
        assertThat(thrown).isInstanceOf(UnableToRestoreDatabaseException.class).hasMessageContaining("put back");
        assertThat(MysqlSnapshots.of(db)).isEqualTo(changed);
    }

    @Test
    void whenPuttingBackFailsTooTheSnapshotIsKeptAndNamed() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            while (!stop.get()) {
                ProcessHandle.current()
                        .descendants()
                        .filter(p -> p.info()
                                .command()
                                .map(c -> c.endsWith("/mariadb"))
                                .orElse(false))
                        // spare the tool's version probe: only loading clients are killed
                        .filter(p -> p.info()
                                .arguments()
                                .map(a -> !java.util.Arrays.asList(a).contains("--version"))
                                .orElse(true))
                        .forEach(ProcessHandle::destroyForcibly);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        killer.start();
        Throwable thrown;
        try {
            thrown = catchThrowable(() -> dumper.restore(DumpFiles.source(dump, info)));
        } finally {
            stop.set(true);
            killer.join();
        }

        assertThat(thrown)
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("putting the previous state back failed too")
                .hasMessageContaining("unknown state");
        Matcher m = Pattern.compile("saved in (\\S+\\.sql)").matcher(thrown.getMessage());
        assertThat(m.find()).as("the message names the kept snapshot").isTrue();
        Path kept = Path.of(m.group(1));
        try {
            assertThat(kept).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
                    .isEqualTo("rw-------");
            // the kept snapshot really is the state before the restore
            dumper.restore(DumpFiles.source(kept, info));
            assertThat(MysqlSnapshots.of(db)).isEqualTo(changed);
        } finally {
            Files.deleteIfExists(kept);
            MysqlTestFiles.deleteTree(kept.resolveSibling(kept.getFileName() + ".work"));
        }
    }

    /** Kills the running mariadb/mysql clients, adding each one's pid to {@code killed}. */
    private static void killClients(List<Long> killed) throws IOException {
        List<ProcessHandle> clients = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info()
                        .command()
                        .map(c -> c.endsWith("/mariadb") || c.endsWith("/mysql"))
                        .orElse(false))
                .collect(Collectors.toList());
        for (ProcessHandle p : clients) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("cannot kill " + p.pid(), e);
            }
            killed.add(p.pid());
        }
    }
}

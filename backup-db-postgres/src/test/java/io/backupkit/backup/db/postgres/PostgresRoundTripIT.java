package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.DatabaseInfo;
import io.backupkit.backup.UnableToRestoreDatabaseException;
import io.backupkit.backup.spi.DatabaseDescription;
import io.backupkit.backup.tck.DumpFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T19/T20: the hard-types fixture survives dump -> change schema and data -> restore with zero diff of
 * {@code pg_dump --schema-only} and per-table data digests; plus the restore options.
 */
class PostgresRoundTripIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final PgTestDatabase db = PgTestDatabase.perTest(PgFixture::create);

    @Test
    void hardTypesRoundTripWithZeroDiff() throws Exception {
        PostgresDumper dumper = db.dumper();
        DatabaseDescription description = dumper.describe();
        assertThat(description.sizeBytes())
                .as("pg_database_size, the dump's expected bytes")
                .isPositive();
        String schemaBefore = db.schemaDump();
        Map<String, String> dataBefore = db.dataDigests();
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.pgdump"));
        DatabaseInfo info = PgTestDatabase.infoOf(dumper);

        PgFixture.changeEverything(db);
        assertThat(db.schemaDump()).isNotEqualTo(schemaBefore);
        assertThat(db.dataDigests()).isNotEqualTo(dataBefore);

        dumper.restore(DumpFiles.source(dump, info));

        assertThat(db.schemaDump()).isEqualTo(schemaBefore);
        assertThat(db.dataDigests()).isEqualTo(dataBefore);
        assertThat(description.product()).isEqualTo("PostgreSQL");
        assertThat(description.tool()).isEqualTo("pg_dump");
        assertThat(description.serverVersion()).startsWith(serverMajor() + ".");
        assertThat(Files.readAllBytes(dump)).startsWith("PGDMP".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // what the digests cover, checked directly too
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'newer'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'later'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM pg_extension WHERE extname = 'hstore'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM pg_event_trigger")).isZero();
        assertThat(db.count("SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM public.items WHERE id IN (1, 5, 6, 7)"))
                .isEqualTo(4);
        assertThat(db.count("SELECT nextval('app.ticket_seq')")).isEqualTo(4247);
        assertThat(db.count("SELECT count(*) FROM pg_enum WHERE enumlabel = 'angry'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM public.\"Größe_ñ\"")).isEqualTo(2);
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT convert_from(lo_get(doc), 'UTF8'), photo, attrs->'nested'->>'a',"
                                + " format_type(a.atttypid, a.atttypmod) FROM public.items i, pg_attribute a"
                                + " WHERE i.name = 'hammer' AND a.attrelid = 'public.items'::regclass AND a.attname = 'name'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("large object one");
            assertThat(rs.getBytes(2)).containsExactly(0x00, 0xff, 0x10);
            assertThat(rs.getString(3)).isEqualTo("[1, 2, null]");
            assertThat(rs.getString(4)).isEqualTo("text");
        }
        // the trigger is back: an update goes through it
        db.exec("UPDATE public.items SET updated_at = now() WHERE name = 'hammer'");
        assertThat(db.count("SELECT extract(year FROM updated_at)::int FROM public.items WHERE name = 'hammer'"))
                .isEqualTo(2020);
        // identity columns continue after the restored values
        db.exec("INSERT INTO public.items (name) VALUES ('after restore')");
        assertThat(db.count("SELECT id FROM public.items WHERE name = 'after restore'"))
                .isEqualTo(2004);
    }

    @Test
    void anEmptyDatabaseRoundTrips() throws Exception {
        try (PgTestDatabase empty = PgTestDatabase.create()) {
            PostgresDumper dumper = empty.dumper();
            DatabaseInfo info = PgTestDatabase.infoOf(dumper);
            String before = empty.snapshot();
            Path dump = DumpFiles.dumpTo(dumper, dir.resolve("empty.pgdump"));
            empty.exec("CREATE TABLE public.t (x int)", "CREATE SCHEMA s", "SELECT lo_from_bytea(0, 'x')");

            dumper.restore(DumpFiles.source(dump, info));

            assertThat(empty.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void schemasOptionRefusesToDropWhatItWouldNotPutBack() throws Exception {
        PostgresDumper full = db.dumper();
        DatabaseInfo info = PgTestDatabase.infoOf(full);
        Path dump = DumpFiles.dumpTo(full, dir.resolve("db.pgdump"));
        db.exec("CREATE TABLE app.later (x int)");
        String before = db.snapshot();
        PostgresDumper appOnly =
                (PostgresDumper) new PostgresDumperProvider().create(db.config(Map.of("schemas", "app")));

        // public.items.ticket defaults to nextval('app.ticket_seq'): dropping app would drop that default
        assertThatThrownBy(() -> appOnly.restore(DumpFiles.source(dump, info)))
                .isInstanceOf(UnableToRestoreDatabaseException.class)
                .hasMessageContaining("depend on them and would be lost")
                .hasMessageContaining("default value for column ticket of table items")
                .hasMessageContaining("left as it was");
        assertThat(db.snapshot()).isEqualTo(before);
    }

    @Test
    void schemasOptionReplacesOnlyThoseSchemas() throws Exception {
        db.exec("ALTER TABLE public.items ALTER COLUMN ticket DROP DEFAULT");
        PostgresDumper full = db.dumper();
        DatabaseInfo info = PgTestDatabase.infoOf(full);
        Path dump = DumpFiles.dumpTo(full, dir.resolve("db.pgdump"));
        String measurementBefore = db.dataDigests().get("table app.measurement_2026");
        db.exec(
                "INSERT INTO app.measurement (logdate, peak) VALUES ('2026-03-03', 1)",
                "CREATE TABLE app.later (x int)",
                "CREATE TABLE public.kept (x int)");

        PostgresDumper appOnly =
                (PostgresDumper) new PostgresDumperProvider().create(db.config(Map.of("schemas", "app")));
        appOnly.restore(DumpFiles.source(dump, info));

        assertThat(db.dataDigests().get("table app.measurement_2026")).isEqualTo(measurementBefore);
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tablename = 'later'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'kept'"))
                .as("public is outside the restored schemas")
                .isOne();
        assertThat(db.count("SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(2);
    }

    @Test
    void excludeSchemasLeavesThemAlone() throws Exception {
        PostgresDumper dumper =
                (PostgresDumper) new PostgresDumperProvider().create(db.config(Map.of("exclude_schemas", "app")));
        DatabaseInfo info = PgTestDatabase.infoOf(dumper);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.pgdump"));
        db.exec(
                "CREATE TABLE app.kept (x int)",
                "CREATE TABLE public.gone (x int)",
                "DELETE FROM public.\"Größe_ñ\"",
                "DELETE FROM public.items");

        dumper.restore(DumpFiles.source(dump, info));

        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tablename = 'kept'"))
                .isOne();
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'gone'"))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM public.items")).isEqualTo(2003);
    }

    @Test
    void noOwnerAndNoPrivilegesRestoreAsAnotherRole() throws Exception {
        String owner = db.createRole("bk_it_owner_", "x");
        String reader = db.createRole("bk_it_reader_", "x");
        db.exec("ALTER TABLE public.items OWNER TO " + owner, "GRANT SELECT ON public.items TO " + reader);
        PostgresDumper dumper = db.dumper();
        DatabaseInfo info = PgTestDatabase.infoOf(dumper);
        Path dump = DumpFiles.dumpTo(dumper, dir.resolve("db.pgdump"));

        PostgresDumper plain = (PostgresDumper)
                new PostgresDumperProvider().create(db.config(Map.of("no_owner", true, "no_privileges", "yes")));
        plain.restore(DumpFiles.source(dump, info));

        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'items' AND tableowner = '"
                        + PgTestDatabase.ADMIN + "'"))
                .isOne();
        assertThat(db.count(
                        "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '" + reader + "'"))
                .isZero();

        dumper.restore(DumpFiles.source(dump, info));

        assertThat(db.count(
                        "SELECT count(*) FROM pg_tables WHERE tablename = 'items' AND tableowner = '" + owner + "'"))
                .isOne();
        assertThat(db.count(
                        "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '" + reader + "'"))
                .isOne();
    }

    private static String serverMajor() throws Exception {
        try (Connection c = PgTestDatabase.admin("postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getString(1);
        }
    }
}

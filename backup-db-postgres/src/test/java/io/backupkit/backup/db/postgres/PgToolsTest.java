package io.backupkit.backup.db.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.DatabaseToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool selection over a fake Debian / RHEL layout: small scripts that answer {@code --version} like
 * the real tools of each major version.
 */
class PgToolsTest {
    @TempDir
    Path root;

    private Path tool(String dir, String name, String version) throws IOException {
        Path bin = Files.createDirectories(root.resolve(dir));
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\necho '" + name + " (PostgreSQL) " + version + "'\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    private PgTools tools(Path binDir) {
        return new PgTools(binDir, "database.options.bin_dir", root.resolve("lib/postgresql"), root.resolve("usr"));
    }

    @Test
    void picksTheServersMajorFirstThenTheNextNewer() throws IOException {
        tool("lib/postgresql/14/bin", "pg_dump", "14.9");
        tool("lib/postgresql/15/bin", "pg_dump", "15.4");
        tool("lib/postgresql/16/bin", "pg_dump", "16.1");

        assertThat(tools(null)
                        .find(List.of("pg_dump"), PgVersion.parse("15.2").orElseThrow(), "x")
                        .version()
                        .text())
                .isEqualTo("15.4");
        assertThat(tools(null)
                        .find(List.of("pg_dump"), PgVersion.parse("14.0").orElseThrow(), "x")
                        .version()
                        .text())
                .isEqualTo("14.9");
        assertThat(tools(null).find(List.of("pg_dump"), null, "x").version().major())
                .as("newest when no minimum")
                .isGreaterThanOrEqualTo(16);
    }

    @Test
    void rhelLayoutAndRequiredCompanions() throws IOException {
        tool("usr/pgsql-16/bin", "pg_restore", "16.2");
        Path bin = tool("usr/pgsql-16/bin", "psql", "16.2");

        PgTools.Toolset set = tools(null)
                .find(List.of("pg_restore", "psql"), PgVersion.parse("16").orElseThrow(), "x");
        assertThat(set.binDir()).isEqualTo(bin);
    }

    @Test
    void configuredFolderIsTheOnlyOneTried() throws IOException {
        tool("lib/postgresql/15/bin", "pg_dump", "15.4");
        Path old = tool("opt/old", "pg_dump", "12.1");

        assertThatThrownBy(() -> tools(old)
                        .find(List.of("pg_dump"), PgVersion.parse("15.4").orElseThrow(), "server 15"))
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("no pg_dump of PostgreSQL 15 or newer found (server 15)")
                .hasMessageContaining("version 12.1, older than 15")
                .hasMessageContaining("database.options.bin_dir");
    }

    @Test
    void prefetchedProbesAreWhatFindUsesOnceAndTheChoiceIsTheSame() throws IOException {
        tool("lib/postgresql/14/bin", "pg_dump", "14.9");
        Path bin15 = tool("lib/postgresql/15/bin", "pg_dump", "15.4");
        Path calls = root.resolve("calls");
        Files.writeString( // the 15 tool also counts its --version calls
                bin15.resolve("pg_dump"), "#!/bin/sh\necho x >> '" + calls + "'\necho 'pg_dump (PostgreSQL) 15.4'\n");
        PgTools tools = tools(null);
        tools.prefetch("pg_dump"); // both folders probed in the background
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(calls) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(calls).as("the prefetched probe ran by itself").exists();
        PgVersion server = PgVersion.parse("15.2").orElseThrow();

        assertThat(tools.find(List.of("pg_dump"), server, "x").binDir()).isEqualTo(bin15.toAbsolutePath());
        assertThat(Files.readAllLines(calls))
                .as("find used the prefetched probe instead of probing again")
                .hasSize(1);
        assertThat(tools.find(List.of("pg_dump"), server, "x").version().text()).isEqualTo("15.4");
        assertThat(Files.readAllLines(calls))
                .as("a prefetched probe is used once")
                .hasSize(2);
    }

    @Test
    void nothingNewEnoughAnywhere() {
        assertThatThrownBy(() -> tools(null)
                        .find(List.of("pg_dump"), PgVersion.parse("99.0").orElseThrow(), "x"))
                .isInstanceOf(DatabaseToolException.class)
                .hasMessageContaining("PostgreSQL 99")
                .hasMessageContaining("postgresql-client-99");
    }
}

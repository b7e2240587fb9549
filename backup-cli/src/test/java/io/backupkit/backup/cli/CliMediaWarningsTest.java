package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backup could not hold is said on stderr by create, verify and restore, also with --quiet (cron). */
class CliMediaWarningsTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BackupCli.run(
                args,
                env,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                false,
                new BufferedReader(new StringReader("")));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void quietDoesNotHideThatMediaEntriesAreNotInTheBackupAndTheRestoreLeavesThemInPlace() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "held");
        Path latin1 = Path.of(URI.create(media.toUri() + "caf%E9.txt")); // "café" in ISO-8859-1: not UTF-8
        Files.writeString(latin1, "not held");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());

        Run created = run(env, "create", "--quiet");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.err())
                .contains("backup: warning: 1 media entries are not in this backup (a restore leaves them in place)")
                .contains("name that is not UTF-8 not archived: caf\uFFFD.txt");
        String id = created.out().strip();

        Run json = run(env, "create", "--quiet", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"skipped\"").contains("caf\uFFFD.txt").contains("\"changed\" : [ ]");
        assertThat(json.err()).contains("not in this backup");

        Run verified = run(env, "verify", id, "--quiet");
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.err()).contains("not in this backup").contains("caf\uFFFD.txt");

        Files.writeString(media.resolve("a.txt"), "changed");
        Run restored = run(env, "restore", id, "--yes", "--no-safety-backup", "--quiet");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.err()).contains("a restore leaves them in place").contains("caf\uFFFD.txt");
        assertThat(media.resolve("a.txt")).hasContent("held");
        assertThat(latin1).as("a restore never deletes what it cannot put back").hasContent("not held");
    }
}

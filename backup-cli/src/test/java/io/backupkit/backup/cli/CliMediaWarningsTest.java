package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static CliRun run(Map<String, String> env, String... args) {
        return CliRun.of(env, false, "", args);
    }

    @Test
    void quietDoesNotHideThatMediaEntriesAreNotInTheBackupAndTheRestoreLeavesThemInPlace() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "held");
        Path socket = media.resolve("app.sock"); // a socket: no archive can hold it
        try (java.nio.channels.ServerSocketChannel s =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            s.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());

        CliRun created = run(env, "create", "--quiet");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.err())
                .contains("backup: warning: 1 media entries are not in this backup (a restore leaves them in place)")
                .contains("socket not archived: app.sock");
        String id = created.out().strip();

        CliRun json = run(env, "create", "--quiet", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"skipped\"").contains("app.sock").contains("\"changed\" : [ ]");
        assertThat(json.err()).contains("not in this backup");

        CliRun verified = run(env, "verify", id, "--quiet");
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.err()).contains("not in this backup").contains("app.sock");

        Files.writeString(media.resolve("a.txt"), "changed");
        CliRun restored = run(env, "restore", id, "--yes", "--no-safety-backup", "--quiet");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.err()).contains("a restore leaves them in place").contains("app.sock");
        assertThat(media.resolve("a.txt")).hasContent("held");
        assertThat(Files.readAttributes(
                                socket,
                                java.nio.file.attribute.BasicFileAttributes.class,
                                java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        .isOther())
                .as("a restore never deletes what it cannot put back")
                .isTrue();
    }
}

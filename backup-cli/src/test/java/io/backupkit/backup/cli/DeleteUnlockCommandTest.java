package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup delete} and {@code backup unlock}, run in-process on a filesystem storage. */
class DeleteUnlockCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Map<String, String> env;
    Path backups;

    @BeforeEach
    void media() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        backups = tmp.resolve("backups");
        env = Map.of("BACKUP_DIR", backups.toString(), "BACKUP_MEDIA_DIR", media.toString());
    }

    private CliRun run(boolean interactive, String input, String... args) {
        return CliRun.of(env, interactive, input, args);
    }

    private String create() {
        CliRun r = run(false, "", "create", "-q");
        assertThat(r.code()).as(r.err()).isZero();
        return r.out().strip();
    }

    @Test
    void deleteNeedsYesWithoutATerminalAndRemovesTheSets() throws Exception {
        String first = create();
        String second = create();

        CliRun refused = run(false, "", "delete", first);
        assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--yes");

        CliRun deleted = run(false, "", "delete", "--yes", "--json", first, second);
        assertThat(deleted.code()).as(deleted.err()).isZero();
        JsonNode json = JSON.readTree(deleted.out());
        assertThat(json.path("deleted")).extracting(JsonNode::asText).containsExactly(first, second);
        assertThat(json.path("objects").get(0).asText()).isEqualTo(first + ".manifest.json");
        assertThat(run(false, "", "list", "--json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void deleteAsksOnATerminalAndAnUnknownIdDeletesNothing() {
        String id = create();
        CliRun unknown = run(false, "", "delete", "--yes", id, "backup-20200101T000000Z-0000");
        assertThat(unknown.code()).isNotZero();
        assertThat(run(false, "", "list").out()).contains(id);

        CliRun no = run(true, "n\n", "delete", id);
        assertThat(no.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(no.err()).contains("nothing deleted");
        CliRun yes = run(true, "y\n", "delete", id);
        assertThat(yes.code()).as(yes.err()).isZero();
        assertThat(yes.out()).contains("deleted " + id);
    }

    @Test
    void unlockShowsTheHolderAndRemovesALiveLeaseOnlyWithForce() throws Exception {
        CliRun none = run(false, "", "unlock");
        assertThat(none.code()).isZero();
        assertThat(none.out()).contains("no lease is held");

        Files.createDirectories(backups);
        Instant now = Instant.now();
        Files.writeString(
                backups.resolve("backup.lease"),
                "{\"owner\":\"far-away:4711:ab\",\"token\":\"t\",\"acquired\":\"" + now + "\",\"expires\":\""
                        + now.plusSeconds(600) + "\",\"host\":\"far-away\",\"pid\":4711}",
                StandardCharsets.UTF_8);
        CliRun kept = run(false, "", "unlock");
        assertThat(kept.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(kept.out()).contains("far-away:4711:ab").contains("not removed");
        assertThat(kept.err()).contains("--force");
        assertThat(backups.resolve("backup.lease")).exists();

        CliRun forced = run(false, "", "unlock", "--force", "--json");
        assertThat(forced.code()).as(forced.err()).isZero();
        JsonNode json = JSON.readTree(forced.out());
        assertThat(json.path("holder").asText()).isEqualTo("far-away:4711:ab");
        assertThat(json.path("removed").asBoolean()).isTrue();
        assertThat(backups.resolve("backup.lease")).doesNotExist();
    }
}

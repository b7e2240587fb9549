package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.backup.BackupId;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real shaded jar ({@code target/backup-cli.jar}) as a process with a controlled
 * environment, against an H2 file database and a media folder with filesystem storage.
 */
class CliIT {
    private static final String SECRET = "Pa55-w0rd-N0t-Sh0wn";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path media;
    Path backups;
    String dbUrl;

    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(CliJar.JAR)
                .as("run with 'mvn verify' so that the jar is packaged first")
                .isRegularFile();
    }

    @BeforeEach
    void data() throws Exception {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.createDirectories(media.resolve("docs"));
        Files.writeString(media.resolve("docs/manual.txt"), "the manual\n");
        Files.write(media.resolve("image.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        backups = tmp.resolve("backups");
        dbUrl = "jdbc:h2:file:" + tmp.resolve("db/inventory");
        sql(
                "CREATE TABLE part(id INT PRIMARY KEY, name VARCHAR(100))",
                "INSERT INTO part VALUES (1, 'bolt'), (2, 'nut')");
    }

    private Map<String, String> env() {
        return CliJar.env(backups, dbUrl, "sa", media);
    }

    private static Map<String, String> with(Map<String, String> env, String... pairs) {
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                copy.remove(pairs[i]);
            } else {
                copy.put(pairs[i], pairs[i + 1]);
            }
        }
        return copy;
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        String[] r = CliJar.run(tmp, env, args);
        return new Result(Integer.parseInt(r[0]), r[1], r[2]);
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private List<String> parts() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM part ORDER BY id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void assertOneErrorLine(Result r) {
        assertThat(r.err()).as(r.toString()).startsWith("backup: error: ");
        assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    private String create(Map<String, String> env) throws Exception {
        Result r = run(env, "create", "--quiet");
        assertThat(r.code()).as(r.toString()).isZero();
        String id = r.out().strip();
        assertThat(BackupId.isValid(id)).as(r.toString()).isTrue();
        return id;
    }

    @Test
    void createListVerifyRestorePrune() throws Exception {
        Map<String, String> env = env();
        String first = create(env);

        Result created = run(env, "create", "--label", "weekly", "--label", "before-import", "--json");
        assertThat(created.code()).as(created.toString()).isZero();
        JsonNode c = created.json();
        String second = c.get("id").asText();
        assertThat(BackupId.isValid(second)).isTrue();
        assertThat(c.get("labels")).extracting(JsonNode::asText).containsExactly("weekly", "before-import");
        assertThat(c.get("database").get("dumper").asText()).isEqualTo("h2");
        assertThat(c.get("media").get("fileCount").asLong()).isEqualTo(2);
        assertThat(c.get("size").asLong()).isPositive();
        assertThat(c.has("created")).isTrue();

        Result list = run(env, "list");
        assertThat(list.code()).as(list.toString()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ID");
        assertThat(lines.get(1)).startsWith(second).contains("weekly,before-import");
        assertThat(lines.get(2)).startsWith(first).contains("manual");

        Result listJson = run(env, "list", "--json");
        assertThat(listJson.code()).as(listJson.toString()).isZero();
        JsonNode array = listJson.json();
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(0).get("id").asText()).as("newest first").isEqualTo(second);
        assertThat(array.get(1).get("id").asText()).isEqualTo(first);
        for (JsonNode b : array) {
            assertThat(b.has("id")
                            && b.has("created")
                            && b.has("labels")
                            && b.has("size")
                            && b.has("database")
                            && b.has("media"))
                    .as(b.toString())
                    .isTrue();
        }

        Result quick = run(env, "verify");
        assertThat(quick.code()).as(quick.toString()).isZero();
        assertThat(quick.out()).startsWith("ok " + second);
        Result deep = run(env, "verify", first, "--deep", "--json");
        assertThat(deep.code()).as(deep.toString()).isZero();
        assertThat(deep.json().get("ok").asBoolean()).isTrue();
        assertThat(deep.json().get("deep").asBoolean()).isTrue();
        assertThat(deep.json().get("id").asText()).isEqualTo(first);

        // change the data, then restore the first backup
        sql("INSERT INTO part VALUES (3, 'washer')", "CREATE TABLE added_later(x INT)");
        Files.writeString(media.resolve("added-later.txt"), "new");
        Files.writeString(media.resolve("docs/manual.txt"), "edited");
        Result restore = run(env, "restore", first, "--yes", "--safety=backup");
        assertThat(restore.code()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("restored " + first).contains("safety backup ");
        assertThat(parts()).containsExactly("bolt", "nut");
        assertThat(media.resolve("added-later.txt")).doesNotExist();
        assertThat(media.resolve("docs/manual.txt")).hasContent("the manual\n");

        Result afterRestore = run(env, "list", "--json");
        assertThat(afterRestore.json()).hasSize(3);
        assertThat(afterRestore.json().get(0).get("labels").toString()).contains("pre-restore");

        Result dry = run(env, "prune", "--keep-last", "1", "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out().lines().filter(l -> l.startsWith("would delete "))).hasSize(2);
        assertThat(run(env, "list", "--json").json()).hasSize(3);

        Result unconfirmed = run(env, "prune", "--keep-last", "1");
        assertThat(unconfirmed.code()).as("prune without --yes on a pipe (T14)").isEqualTo(2);
        assertThat(unconfirmed.err()).contains("--yes");
        assertThat(run(env, "list", "--json").json()).hasSize(3);

        Result prune = run(env, "prune", "--keep-last", "1", "--yes", "--json");
        assertThat(prune.code()).as(prune.toString()).isZero();
        JsonNode pruned = prune.json();
        assertThat(pruned.get("dryRun").asBoolean()).isFalse();
        assertThat(pruned.get("deleted"))
                .extracting(n -> n.get("id").asText())
                .containsExactlyInAnyOrder(first, second);
        assertThat(pruned.get("kept")).hasSize(1);
        assertThat(run(env, "list", "--json").json()).hasSize(1);
    }

    @Test
    void diffAndRestoreOfOneMediaPathOnBothFormats() throws Exception {
        for (String format : List.of("archive", "dedup")) {
            backups = tmp.resolve("backups-" + format);
            Map<String, String> env = with(env(), "BACKUP_FORMAT", format);
            Files.writeString(media.resolve("docs/manual.txt"), "the manual\n");
            Files.deleteIfExists(media.resolve("docs/new.txt"));
            Files.write(media.resolve("image.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            String first = create(env);
            Files.writeString(media.resolve("docs/new.txt"), "new");
            Files.write(media.resolve("image.bin"), new byte[] {9, 9, 9});
            sql("INSERT INTO part VALUES (" + (10 + format.length()) + ", 'diff-" + format + "')");
            String second = create(env);

            Result diff = run(env, "diff", first, second);
            assertThat(diff.code()).as(diff.toString()).isZero();
            assertThat(diff.out().lines())
                    .as(diff.toString())
                    .contains("+ docs/new.txt", "~ image.bin", "media: 1 added, 1 changed, 0 removed");
            assertThat(diff.out()).contains("database: the dumps differ");
            JsonNode d = run(env, "diff", first, second, "--json").json();
            assertThat(d.get("from").asText()).isEqualTo(first);
            assertThat(d.get("added")).extracting(JsonNode::asText).containsExactly("docs/new.txt");
            assertThat(d.get("changed")).extracting(JsonNode::asText).containsExactly("image.bin");
            assertThat(d.get("removed")).isEmpty();
            assertThat(d.get("dump").get("differs").asBoolean()).isTrue();
            assertThat(d.get("dump").get("newBytes").isNumber()).as(format).isEqualTo(format.equals("dedup"));

            Path to = tmp.resolve("restored-" + format);
            Result restore = run(env, "restore", first, "--media-path", "docs", "--to", to.toString());
            assertThat(restore.code()).as(restore.toString()).isZero();
            assertThat(restore.out()).contains("restored docs of " + first);
            assertThat(to.resolve("docs/manual.txt")).hasContent("the manual\n");
            assertThat(to.resolve("docs/new.txt")).doesNotExist();
            assertThat(media.resolve("docs/new.txt"))
                    .as("the media folder is untouched")
                    .exists();
            assertThat(media.resolve("image.bin")).hasBinaryContent(new byte[] {9, 9, 9});
            assertThat(parts()).contains("diff-" + format);

            Result missing = run(
                    env,
                    "restore",
                    first,
                    "--media-path",
                    "docs/nope",
                    "--to",
                    tmp.resolve("x").toString());
            assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
            assertOneErrorLine(missing);
            assertThat(missing.err()).contains("holds no media at docs/nope");
            Result escaping = run(
                    env,
                    "restore",
                    first,
                    "--media-path",
                    "../etc",
                    "--to",
                    tmp.resolve("x").toString());
            assertThat(escaping.code()).as(escaping.toString()).isEqualTo(2);
            assertOneErrorLine(escaping);
            Result notEmpty = run(env, "restore", first, "--media-path", "docs", "--to", to.toString());
            assertThat(notEmpty.code()).as(notEmpty.toString()).isEqualTo(1);
            assertThat(notEmpty.err()).contains("not empty");
            Result alone = run(env, "restore", first, "--media-path", "docs");
            assertThat(alone.code()).as(alone.toString()).isEqualTo(2);
            Result withSafety = run(
                    env,
                    "restore",
                    first,
                    "--media-path",
                    "docs",
                    "--to",
                    tmp.resolve("y").toString(),
                    "--safety=none");
            assertThat(withSafety.code()).as(withSafety.toString()).isEqualTo(2);
            assertThat(withSafety.err()).contains("do not apply");
            Result unknown = run(env, "diff", first, "backup-20200101T000000Z-abcd");
            assertThat(unknown.code()).as(unknown.toString()).isEqualTo(1);
            assertOneErrorLine(unknown);
        }
    }

    @Test
    void scheduleOnceBacksUpOnlyWhenDueAndReportsFailures() throws Exception {
        Map<String, String> env = env();
        Result first = run(env, "schedule", "--once");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).startsWith("created backup-");
        Result second = run(env, "schedule", "--once");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("not due");
        JsonNode list = run(env, "list", "--json").json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("labels").toString()).contains("daily");

        Result failed = run(
                with(
                        env,
                        "BACKUP_DIR",
                        backups.resolveSibling("other-backups").toString(),
                        "BACKUP_MEDIA_DIR",
                        media.resolve("missing").toString()),
                "schedule",
                "--once");
        assertThat(failed.code()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.err()).startsWith("backup: error: ").contains("BACKUP_MEDIA_DIR");
    }

    @Test
    void aFlippedByteIsFoundByDeepVerifyAndRestoreRefuses() throws Exception {
        Map<String, String> env = with(env(), "BACKUP_COMPRESSION", "none");
        String id = create(env);
        Path dump;
        try (Stream<Path> files = Files.list(backups)) {
            dump = files.filter(f -> f.getFileName().toString().startsWith(id + ".db."))
                    .findFirst()
                    .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(dump.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        Result quick = run(env, "verify", id);
        assertThat(quick.code()).as("sizes still match: " + quick).isZero();

        Result deep = run(env, "verify", id, "--deep");
        assertThat(deep.code()).as(deep.toString()).isEqualTo(3);
        assertThat(deep.err()).contains(id);

        sql("INSERT INTO part VALUES (3, 'washer')");
        Result restore = run(env, "restore", id, "--yes");
        assertThat(restore.code()).as(restore.toString()).isEqualTo(3);
        assertOneErrorLine(restore);
        assertThat(parts()).as("nothing changed").containsExactly("bolt", "nut", "washer");
    }

    @Test
    void aMissingArtifactIsExitThreeEvenForQuickVerify() throws Exception {
        Map<String, String> env = env();
        String id = create(env);
        try (Stream<Path> files = Files.list(backups)) {
            Path archive = files.filter(f -> f.getFileName().toString().startsWith(id + ".media."))
                    .findFirst()
                    .orElseThrow();
            Files.delete(archive);
        }
        Result quick = run(env, "verify", "latest", "--json");
        assertThat(quick.code()).as(quick.toString()).isEqualTo(3);
    }

    @Test
    void progressIsDrawnOnAPipeOnlyWhenAsked() throws Exception {
        Result plain = run(env(), "create");
        assertThat(plain.code()).as(plain.toString()).isZero();
        assertThat(plain.err()).as("nothing on a pipe").isEmpty();

        Result asked = run(env(), "create", "--progress");
        assertThat(asked.code()).as(asked.toString()).isZero();
        assertThat(asked.err()).contains("backup").contains("MiB");
        assertThat(BackupId.isValid(asked.out().strip()))
                .as("stdout keeps only the id")
                .isTrue();
    }

    @Test
    void encryptedWithAPassphraseFile() throws Exception {
        Path passphrase = tmp.resolve("passphrase");
        Files.writeString(passphrase, "correct horse battery staple\n");
        Path wrong = tmp.resolve("wrong");
        Files.writeString(wrong, "not it\n");
        Files.writeString(media.resolve("marker.txt"), "PLAINTEXT-MARKER-".repeat(20));
        Map<String, String> env =
                with(env(), "BACKUP_ENCRYPTION_PASSPHRASE_FILE", passphrase.toString(), "BACKUP_COMPRESSION", "none");
        Result created = run(env, "create", "--json");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.json().get("artifacts"))
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.get("encryption").asText()).isEqualTo("openpgp"));
        try (Stream<Path> files = Files.list(backups)) {
            for (Path f : files.filter(f -> !f.toString().endsWith(".json")).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString())
                        .doesNotContain("PLAINTEXT-MARKER")
                        .doesNotContain("bolt");
            }
        }
        assertThat(run(env, "verify", "--deep").code()).isZero();

        sql("INSERT INTO part VALUES (3, 'washer')");
        Map<String, String> wrongEnv = with(env, "BACKUP_ENCRYPTION_PASSPHRASE_FILE", wrong.toString());
        Result refused = run(wrongEnv, "restore", "--yes");
        assertThat(refused.code()).as(refused.toString()).isNotZero();
        assertOneErrorLine(refused);
        assertThat(refused.err()).doesNotContain("correct horse").doesNotContain("not it");
        assertThat(parts()).as("nothing changed").containsExactly("bolt", "nut", "washer");

        Result restored = run(env, "restore", "--yes", "--no-safety-backup");
        assertThat(restored.code()).as(restored.toString()).isZero();
        assertThat(parts()).containsExactly("bolt", "nut");
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFile() throws Exception {
        String id = create(env());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path config = tmp.resolve("backup.yaml");
        Files.writeString(config, "backup_dir: " + backups + "\nmedia_dir: " + media + "\n");

        Map<String, String> fileOnly = with(env(), "BACKUP_DIR", null);
        Result fromFile = run(fileOnly, "list", "--json", "--config", config.toString());
        assertThat(fromFile.json()).as(fromFile.toString()).hasSize(1);
        assertThat(fromFile.json().get(0).get("id").asText()).isEqualTo(id);

        Map<String, String> envWins = with(env(), "BACKUP_DIR", empty.toString());
        Result fromEnv = run(envWins, "list", "--json", "--config", config.toString());
        assertThat(fromEnv.json()).as(fromEnv.toString()).isEmpty();

        Result fromFlag = run(envWins, "--config", config.toString(), "list", "--json", "--dir", backups.toString());
        assertThat(fromFlag.json()).as(fromFlag.toString()).hasSize(1);

        Map<String, String> viaVariable = with(fileOnly, "BACKUP_CONFIG", config.toString());
        assertThat(run(viaVariable, "list", "--json").json()).hasSize(1);
    }

    @Test
    void hostPrefixIsReadBeforeThePlainName() throws Exception {
        create(env());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Map<String, String> env =
                with(env(), "BACKUP_DIR", empty.toString(), "INVENTREE_BACKUP_DIR", backups.toString());

        assertThat(run(env, "list", "--json").json())
                .as("no prefix: plain BACKUP_DIR")
                .isEmpty();
        Result prefixed = run(env, "list", "--json", "--env-prefix", "INVENTREE_");
        assertThat(prefixed.json()).as(prefixed.toString()).hasSize(1);
        Result fromVariable = run(with(env, "BACKUP_ENV_PREFIX", "INVENTREE"), "list", "--json");
        assertThat(fromVariable.json()).as(fromVariable.toString()).hasSize(1);

        Result missing = run(Map.of("BACKUP_ENV_PREFIX", "INVENTREE_"), "list");
        assertThat(missing.code()).isEqualTo(2);
        assertOneErrorLine(missing);
        assertThat(missing.err()).contains("INVENTREE_BACKUP_DIR");
    }

    @Test
    void configurationErrorsAreExitTwoWithOneLineNamingTheKey() throws Exception {
        Path unknown = tmp.resolve("unknown.yaml");
        Files.writeString(unknown, "backup_dir: " + backups + "\nbackup_dirr: /typo\n");
        Result r = run(Map.of(), "list", "--config", unknown.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("unknown key 'backup_dirr'").contains("did you mean 'backup_dir'?");

        Path wrongType = tmp.resolve("wrong.yaml");
        Files.writeString(wrongType, "backup_dir: " + backups + "\nbackup_options: [a, b]\n");
        Result wt = run(Map.of(), "list", "--config", wrongType.toString());
        assertThat(wt.code()).as(wt.toString()).isEqualTo(2);
        assertOneErrorLine(wt);
        assertThat(wt.err()).contains("'backup_options' in " + wrongType + " must be a map");

        Result missingDir = run(with(env(), "BACKUP_DIR", null), "create");
        assertThat(missingDir.code()).isEqualTo(2);
        assertOneErrorLine(missingDir);
        assertThat(missingDir.err()).contains("BACKUP_DIR");

        Result storage = run(with(env(), "BACKUP_STORAGE", "no-such-store"), "create");
        assertThat(storage.code()).as(storage.toString()).isEqualTo(2);
        assertOneErrorLine(storage);
        assertThat(storage.err()).contains("no-such-store");
        assertThat(storage.err()).as("the jar carries every storage").contains("filesystem", "s3", "dropbox");

        Result dumper = run(with(env(), "BACKUP_DATABASE_URL", "jdbc:oracle:thin:@//127.0.0.1/x"), "create");
        assertThat(dumper.code()).as(dumper.toString()).isEqualTo(2);
        assertOneErrorLine(dumper);
        assertThat(dumper.err()).as("the jar carries every dumper").contains("h2", "postgres", "mysql", "sqlite");

        Result options = run(with(env(), "BACKUP_OPTIONS", "{\"secret\": " + SECRET + "}"), "create");
        assertThat(options.code()).as(options.toString()).isEqualTo(2);
        assertOneErrorLine(options);
        assertThat(options.err()).contains("BACKUP_OPTIONS").doesNotContain(SECRET);
        assertThat(options.out()).isEmpty();
        assertThat(backups).doesNotExist();
    }

    @Test
    void usageErrorsAndRefusals() throws Exception {
        Result noYes = run(env(), "restore", "latest");
        assertThat(noYes.code()).as(noYes.toString()).isEqualTo(2);
        assertOneErrorLine(noYes);
        assertThat(noYes.err()).contains("--yes");

        Result bogus = run(env(), "list", "--bogus");
        assertThat(bogus.code()).isEqualTo(2);
        assertOneErrorLine(bogus);

        Result help = run(Map.of(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("create", "restore", "prune");
        Result version = run(Map.of(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("backup 0.");
    }

    @Test
    void unknownBackupIsExitOne() throws Exception {
        create(env());
        Result absent = run(env(), "restore", "backup-20000101T000000Z-abcd", "--yes");
        assertThat(absent.code()).as(absent.toString()).isEqualTo(1);
        assertOneErrorLine(absent);
        assertThat(absent.err()).contains("backup-20000101T000000Z-abcd");

        Result garbage = run(env(), "verify", "no-such-backup");
        assertThat(garbage.code()).as(garbage.toString()).isEqualTo(1);
        assertOneErrorLine(garbage);

        Result emptyStore = run(with(env(), "BACKUP_DIR", tmp.resolve("nothing").toString()), "verify");
        assertThat(emptyStore.code()).as(emptyStore.toString()).isEqualTo(1);
        assertOneErrorLine(emptyStore);
    }

    @Test
    void passwordsAreNeverEchoedEvenWithVerbose() throws Exception {
        Map<String, String> env = with(env(), "BACKUP_DATABASE_PASSWORD", SECRET);
        Result r = run(env, "create", "--verbose");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("backup: error: ").doesNotContain(SECRET);
        assertThat(r.out()).doesNotContain(SECRET);
        assertThat(r.err()).as("--verbose shows the stack trace").contains("\tat ");
    }
}

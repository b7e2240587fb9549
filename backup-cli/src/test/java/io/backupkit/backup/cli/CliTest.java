package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompleteBackupException;
import io.backupkit.backup.ProviderNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line parsed and run in-process: usage, configuration errors, exit codes, confirmation. */
class CliTest {
    private static final String SECRET = "Sup3r-S3cret-Value";

    @TempDir
    Path tmp;

    private static CliRun run(Map<String, String> env, boolean interactive, String input, String... args) {
        return CliRun.of(env, interactive, input, args);
    }

    private static CliRun run(Map<String, String> env, String... args) {
        return run(env, false, "", args);
    }

    private static String commandWord(String... args) {
        return BackupCli.commandWord(new CommandLine(new BackupCli(null)).getCommandSpec(), args);
    }

    @Test
    void onlyTheNamedSubcommandIsRegisteredAndTheRestGetAll() {
        assertThat(commandWord("-q", "list", "--json")).isEqualTo("list");
        assertThat(commandWord("--dir", "/b", "--progress", "create")).isEqualTo("create");
        assertThat(commandWord("--dir=/b", "restore", "latest")).isEqualTo("restore");
        assertThat(commandWord("--dir", "create", "list")).isNull();
        assertThat(commandWord("help", "create")).isNull();
        assertThat(commandWord("--version")).isNull();
        assertThat(commandWord("crate")).isNull();
        assertThat(commandWord("--", "create")).isNull();
        // every global option with a value is known from picocli's model, not from a list kept by hand
        assertThat(commandWord("--env-prefix", "APP_", "--media-dir", "/m", "--database-url", "u", "verify"))
                .isEqualTo("verify");
        assertThat(commandWord("--config", "rollback")).isNull();
        // the same messages as with every subcommand registered
        assertThat(run(Map.of(), "--dir", "create", "list").err())
                .contains("Expected parameter for option '--dir' but found 'create'");
        assertThat(run(Map.of(), "list", "--bogus").err()).contains("backup list --help");
        assertThat(run(Map.of(), "--help").out())
                .contains("create")
                .contains("schedule")
                .contains("help");
    }

    private static void assertOneErrorLine(CliRun r) {
        assertThat(r.err()).startsWith("backup: error: ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliRun r = run(Map.of(), "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("create", "list", "verify", "restore", "prune", "--env-prefix", "Exit codes");
        CliRun sub = run(Map.of(), "prune", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("--keep-last", "--keep-daily", "--keep-weekly", "--keep-monthly", "--dry-run");
    }

    @Test
    void versionNamesTheTool() {
        CliRun r = run(Map.of(), "--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("backup ").contains("Java ");
    }

    @Test
    void noCommandAndUnknownOptionsAreUsageErrors() {
        CliRun none = run(Map.of());
        assertThat(none.code()).isEqualTo(2);
        assertOneErrorLine(none);
        CliRun bogus = run(Map.of(), "create", "--bogus");
        assertThat(bogus.code()).isEqualTo(2);
        assertOneErrorLine(bogus);
        assertThat(bogus.err()).contains("--bogus").contains("backup create --help");
        CliRun badNumber = run(Map.of(), "prune", "--keep-last", "many");
        assertThat(badNumber.code()).isEqualTo(2);
        assertOneErrorLine(badNumber);
    }

    @Test
    void missingBackupDirIsAConfigurationErrorNamingTheVariable() {
        CliRun r = run(Map.of(), "list");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("BACKUP_DIR");
        CliRun prefixed = run(Map.of(), "list", "--env-prefix", "INVENTREE_");
        assertThat(prefixed.err()).contains("INVENTREE_BACKUP_DIR");
    }

    @Test
    void malformedOptionsAreOneLineWithoutTheSecret() {
        CliRun r = run(Map.of("BACKUP_DIR", tmp.toString(), "BACKUP_OPTIONS", "{\"token\": " + SECRET), "list");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("BACKUP_OPTIONS").doesNotContain(SECRET);
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = run(Map.of("BACKUP_DIR", tmp.toString(), "BACKUP_OPTIONS", "[]"), "list", "--verbose");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("backup: error: ").contains("\tat ");
    }

    @Test
    void unknownStorageIsAConfigurationError() {
        CliRun r = run(Map.of("BACKUP_DIR", tmp.toString()), "list", "--storage", "no-such-store");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("no-such-store").contains("filesystem");
    }

    @Test
    void configFileErrorsNameTheKey() throws IOException {
        Path file = tmp.resolve("backup.yaml");
        Files.writeString(file, "backup_dir: " + tmp + "\nmedia_dirr: /x\n");
        CliRun r = run(Map.of(), "list", "--config", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("unknown key 'media_dirr'").contains("media_dir");
    }

    @Test
    void anInlinePasswordInTheFileIsWarnedAboutButNotShown() throws IOException {
        Path file = tmp.resolve("backup.yaml");
        Files.writeString(
                file,
                "backup_dir: " + tmp.resolve("backups") + "\ndatabase:\n  url: jdbc:h2:file:" + tmp.resolve("db")
                        + "\n  user: sa\n  password: " + SECRET + "\n");
        CliRun r = run(Map.of(), "list", "--config", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("backup: warning: ")
                .contains("database.password_file")
                .doesNotContain(SECRET);
        assertThat(r.out()).doesNotContain(SECRET);
        assertThat(run(Map.of(), "list", "--quiet", "--config", file.toString()).err())
                .isEmpty();
    }

    @Test
    void restoreWithoutYesOffATerminalIsRefusedBeforeAnythingElse() {
        CliRun r = run(Map.of(), "restore", "latest");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("--yes");
    }

    @Test
    void pruneNeedsAPolicy() {
        CliRun r = run(Map.of("BACKUP_DIR", tmp.toString()), "prune");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
        assertThat(r.err()).contains("--keep-last");
        assertThat(run(Map.of("BACKUP_DIR", tmp.toString()), "prune", "--keep-last", "-1")
                        .code())
                .isEqualTo(2);
    }

    @Test
    void badLabelIsAUsageError() {
        CliRun r = run(Map.of("BACKUP_DIR", tmp.toString()), "create", "--label", " ");
        assertThat(r.code()).isEqualTo(2);
        assertOneErrorLine(r);
    }

    @Test
    void exitCodesFollowTheExceptionType() {
        assertThat(ExitCodes.of(new BackupConfigurationException("k", "m"))).isEqualTo(2);
        assertThat(ExitCodes.of(new ProviderNotFoundException(
                        io.backupkit.backup.Setting.STORAGE, "storage", "x", List.of(), "m")))
                .isEqualTo(2);
        assertThat(ExitCodes.of(new UsageException("m"))).isEqualTo(2);
        assertThat(ExitCodes.of(new CorruptBackupException("a", "e", "x", "m"))).isEqualTo(3);
        assertThat(ExitCodes.of(new IncompleteBackupException("a", "m"))).isEqualTo(3);
        assertThat(ExitCodes.of(new BackupNotFoundException("id", "m"))).isEqualTo(1);
        assertThat(ExitCodes.of(new UnableToStoreException("fs", "o", "m", null)))
                .isEqualTo(1);
        assertThat(ExitCodes.of(new IllegalStateException("m"))).isEqualTo(1);
    }

    @Test
    void messagesAreOneLine() {
        assertThat(BackupCli.message(new UsageException("a\nb\r\n  c"))).isEqualTo("a | b | c");
        assertThat(BackupCli.message(new IllegalStateException("boom"))).isEqualTo("IllegalStateException: boom");
    }

    @Test
    void backupFormatDedupBacksUpRestoresAndTheLocationSaysWhichFormatItHolds() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "one");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());
        env.put("BACKUP_SPOOL_DIR", tmp.resolve("spool").toString());
        env.put("BACKUP_FORMAT", "dedup");
        CliRun created = run(env, "create", "--quiet");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(Files.exists(tmp.resolve("backups/dedup-config.json"))).isTrue();
        Files.writeString(media.resolve("a.txt"), "two");
        CliRun restored = run(env, "restore", "latest", "--yes", "--no-safety-backup", "--quiet");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(Files.readString(media.resolve("a.txt"))).isEqualTo("one");

        env.put("BACKUP_FORMAT", "archive");
        CliRun refused = run(env, "create", "--quiet");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("dedup format").contains("BACKUP_FORMAT");
    }

    /** On a terminal, restore asks; "n" changes nothing, "y" restores. */
    @Test
    void pruneWithJsonDoesNotDeleteWithoutYesEvenOnATerminal() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "one");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());
        assertThat(run(env, "create", "--quiet").code()).isZero();
        assertThat(run(env, "create", "--quiet").code()).isZero();
        CliRun refused = run(env, true, "y\n", "prune", "--keep-last", "1", "--json");
        assertThat(refused.code()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("--yes").contains("--json does not ask");
        assertThat(run(env, "list", "--quiet").out().lines().filter(l -> l.startsWith("backup-")))
                .hasSize(2);
        CliRun confirmed = run(env, "prune", "--keep-last", "1", "--json", "--yes");
        assertThat(confirmed.code()).as(confirmed.err()).isZero();
        assertThat(run(env, "list", "--quiet").out().lines().filter(l -> l.startsWith("backup-")))
                .hasSize(1);
    }

    @Test
    void restoreAsksOnATerminal() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "one");
        String url = "jdbc:h2:file:" + tmp.resolve("db");
        sql(url, "CREATE TABLE item(id INT PRIMARY KEY)", "INSERT INTO item VALUES (1)");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_DATABASE_URL", url);
        env.put("BACKUP_DATABASE_USER", "sa");
        env.put("BACKUP_MEDIA_DIR", media.toString());
        env.put("BACKUP_COMPRESSION", "gzip");
        CliRun created = run(env, "create", "--quiet");
        assertThat(created.code()).as(created.err()).isZero();
        String id = created.out().strip();

        sql(url, "INSERT INTO item VALUES (2)");
        CliRun declined = run(env, true, "n\n", "restore", "--no-safety-backup");
        assertThat(declined.code()).isEqualTo(1);
        assertThat(declined.err())
                .contains("Restore backup " + id)
                .contains("[y/N]")
                .contains("cancelled");
        assertThat(count(url)).isEqualTo(2);

        CliRun accepted = run(env, true, "y\n", "restore", id, "--no-safety-backup", "--quiet");
        assertThat(accepted.code()).as(accepted.err()).isZero();
        assertThat(accepted.out()).contains("restored " + id);
        assertThat(count(url)).isEqualTo(1);
    }

    private static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static int count(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void checkSaysWhatIsFitOrListsEveryProblem() throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + tmp.resolve("db/app"), "sa", "")) {
            c.createStatement().execute("CREATE TABLE part (id INT)");
        }
        Path media = Files.createDirectories(tmp.resolve("media"));
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", tmp.resolve("backups").toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());
        env.put("BACKUP_DATABASE_URL", "jdbc:h2:file:" + tmp.resolve("db/app"));
        env.put("BACKUP_DATABASE_USER", "sa");
        CliRun ok = run(env, "check");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out())
                .contains("ok database: H2")
                .contains("ok media folder: ")
                .contains("ok storage: ");

        Files.writeString(tmp.resolve("not-a-folder"), "x");
        env.put("BACKUP_MEDIA_DIR", tmp.resolve("not-a-folder").toString());
        env.put("BACKUP_DATABASE_URL", "jdbc:h2:file:" + tmp.resolve("not-a-folder/app") + ";IFEXISTS=TRUE");
        CliRun bad = run(env, "check");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().lines())
                .anySatisfy(l -> assertThat(l).startsWith("backup: error: database: "))
                .anySatisfy(l -> assertThat(l).startsWith("backup: error: media folder: "));
        CliRun json = run(env, "check", "--json");
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.out()).contains("\"ok\" : false").contains("media folder: ");
    }

    @Test
    void aRelativeBackupFolderIsResolvedAgainstTheWorkingFolderAndSaidSo() {
        CliRun r = run(Map.of("BACKUP_DIR", "target/relative-backups"), "list");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("backup: note: the backup folder 'target/relative-backups'")
                .contains("using " + Path.of("target/relative-backups").toAbsolutePath());
        assertThat(run(Map.of("BACKUP_DIR", "target/relative-backups"), "-q", "list")
                        .err())
                .doesNotContain("note");
    }
}

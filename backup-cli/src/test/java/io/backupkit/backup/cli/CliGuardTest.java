package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration guards on the command line: the backup folder and the media folder (T26), folders
 * a restore must not replace, and misspelled settings.
 */
class CliGuardTest {
    @TempDir
    Path tmp;

    private static CliRun run(Map<String, String> env, String... args) {
        return CliRun.of(env, false, "", args);
    }

    private Map<String, String> env(Path dir, Path media) {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", dir.toString());
        env.put("BACKUP_MEDIA_DIR", media.toString());
        env.put("BACKUP_OPTIONS", "{\"fsync\": false}");
        return env;
    }

    @Test
    void theBackupFolderBeingTheMediaFolderExitsTwoNamingBothAndTouchesNothing() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("photo.jpg"), "precious");
        Path link = Files.createSymbolicLink(tmp.resolve("backups"), media);
        for (Path dir : new Path[] {media, link}) {
            for (String[] args : new String[][] {{"create"}, {"restore", "latest", "--yes"}, {"-q", "list"}}) {
                CliRun r = run(env(dir, media), args);
                assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(r.err())
                        .startsWith("backup: error: ")
                        .contains(dir.toString())
                        .contains(media.toString());
            }
        }
        try (var files = Files.list(media)) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("photo.jpg");
        }
        assertThat(Files.readString(media.resolve("photo.jpg"))).isEqualTo("precious");
    }

    @Test
    void aMediaFolderInsideTheBackupFolderExitsTwo() throws Exception {
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path media = Files.createDirectories(backups.resolve("media"));
        CliRun r = run(env(backups, media), "create");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("lies inside the backup folder").contains(backups.toString());
    }

    @Test
    void aSystemFolderAsMediaFolderNeedsTheFlagOrTheSetting() throws Exception {
        Path backups = tmp.resolve("backups");
        CliRun refused = run(env(backups, Path.of("/etc")), "list");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("/etc").contains("--allow-sensitive-media-dir");
        assertThat(run(env(backups, Path.of("/etc")), "--allow-sensitive-media-dir", "list")
                        .code())
                .isZero();
        Map<String, String> env = env(backups, Path.of("/"));
        env.put("BACKUP_MEDIA_DIR_ALLOW_SENSITIVE", "true");
        assertThat(run(env, "list").code()).isZero();
        env.put("BACKUP_MEDIA_DIR_ALLOW_SENSITIVE", "maybe");
        CliRun bad = run(env, "list");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("BACKUP_MEDIA_DIR_ALLOW_SENSITIVE must be true or false");
    }

    @Test
    void aMisspelledVariableIsWarnedAboutNamingTheClosestEvenWhenQuiet() throws Exception {
        Map<String, String> env = env(tmp.resolve("backups"), Files.createDirectories(tmp.resolve("media")));
        env.put("BACKUP_COMPRESION", "none");
        env.put("BACKUP_ENCRYPTION_RECIPENT_KEY", "/keys/pub.asc");
        env.put("INVENTREE_BACKUP_DIRR", "/x");
        env.put("INVENTREE_SECRET", "not ours: no warning");
        env.put("BACKUP_CDS", "off"); // the launcher's
        env.put("BACKUP_ENV_PREFIX", "INVENTREE_");
        CliRun r = run(env, "-q", "list");
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains(
                        "backup: warning: the environment variable BACKUP_COMPRESION is not a setting and is ignored; "
                                + "did you mean BACKUP_COMPRESSION?")
                .contains("BACKUP_ENCRYPTION_RECIPENT_KEY is not a setting and is ignored; did you mean "
                        + "BACKUP_ENCRYPTION_RECIPIENT_KEY?")
                .contains("INVENTREE_BACKUP_DIRR is not a setting and is ignored; did you mean INVENTREE_BACKUP_DIR?")
                .doesNotContain("INVENTREE_SECRET")
                .doesNotContain("BACKUP_CDS")
                .doesNotContain("BACKUP_ENV_PREFIX");
        assertThat(r.err().lines()).hasSize(3);
    }

    @Test
    void aBadSslModeIsAConfigurationErrorNamingTheParameter() {
        Map<String, String> env = env(tmp.resolve("backups"), tmp.resolve("media"));
        env.put("BACKUP_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/app?sslmode=requir");
        CliRun r = run(env, "create");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("sslmode=requir")
                .contains("not an SSL mode")
                .doesNotContain("running");
    }

    @Test
    void aRestoreWithoutAConfiguredHostVersionWarnsNamingTheBackupsVersion() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("a.txt"), "a");
        Map<String, String> env = env(tmp.resolve("backups"), media);
        env.put("BACKUP_HOST_APP", "inventory");
        env.put("BACKUP_HOST_VERSION", "3.0.0");
        CliRun created = run(env, "create");
        assertThat(created.code()).as(created.err()).isZero();
        String id = created.out().strip();

        env.put("BACKUP_HOST_VERSION", "3.0.0-rc1");
        CliRun refused = run(env, "restore", id, "--yes");
        assertThat(refused.code()).as(refused.err()).isNotZero();
        assertThat(refused.err()).contains("newer than the running 3.0.0-rc1");

        env.remove("BACKUP_HOST_VERSION");
        CliRun restored = run(env, "restore", id, "--yes");
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.err())
                .contains("backup: warning: backup " + id + " was made by inventory 3.0.0")
                .contains("BACKUP_HOST_VERSION");
    }
}

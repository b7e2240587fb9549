package io.backupkit.backup.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Compression;
import io.backupkit.backup.ProviderNotFoundException;
import io.backupkit.backup.Secret;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupConfigLoaderTest {
    private static final String SECRET = "s3cr3t-Pa55w0rd";

    @TempDir
    Path tmp;

    private static BackupConfigLoader env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return BackupConfigLoader.create().env(env);
    }

    private Path yaml(String text) throws IOException {
        Path file = tmp.resolve("backup-" + System.nanoTime() + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static BackupConfigurationException configError(BackupConfigLoader loader) {
        return catchThrowableOfType(BackupConfigurationException.class, loader::load);
    }

    @Test
    void defaultsApplyWhenOnlyTheDirectoryIsSet() {
        BackupConfig c = env("BACKUP_DIR", "/var/backups").load();
        assertThat(c.dir()).isEqualTo("/var/backups");
        assertThat(c.storage()).isEqualTo("filesystem");
        assertThat(c.name()).isEqualTo("backup");
        assertThat(c.compression()).isEqualTo(Compression.ZSTD);
        assertThat(c.options()).isEmpty();
        assertThat(c.databaseUrl()).isNull();
        assertThat(c.mediaDir()).isNull();
        assertThat(c.encryptionEnabled()).isFalse();
        assertThat(c.envPrefix()).isEmpty();
        assertThat(c.origin(ConfigKey.DIR)).contains("env BACKUP_DIR");
        assertThat(c.origin(ConfigKey.STORAGE)).contains("default");
    }

    @Test
    void everyEnvironmentVariableIsRead() throws IOException {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, SECRET + "\n");
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "pp-X9q7\r\n");
        BackupConfig c = env(
                        "BACKUP_STORAGE", "s3",
                        "BACKUP_DIR", "bucket/prefix",
                        "BACKUP_OPTIONS", "{\"bucket\":\"b\",\"part_size\":8388608,\"path_style\":true}",
                        "BACKUP_NAME", "inventree",
                        "BACKUP_DATABASE_URL", "jdbc:postgresql://localhost/inv",
                        "BACKUP_DATABASE_USER", "inv",
                        "BACKUP_DATABASE_PASSWORD_FILE", pw.toString(),
                        "BACKUP_DATABASE_DUMPER", "postgres",
                        "BACKUP_DATABASE_OPTIONS", "{\"jobs\":2}",
                        "BACKUP_MEDIA_DIR", "/srv/media",
                        "BACKUP_MEDIA_EXCLUDE", "cache/**, tmp/*.part ,,",
                        "BACKUP_COMPRESSION", "GZIP",
                        "BACKUP_SPOOL_DIR", "/var/spool/b",
                        "BACKUP_ENCRYPTION_RECIPIENT_KEY", "/keys/pub.asc",
                        "BACKUP_ENCRYPTION_SECRET_KEY", "/keys/sec.asc",
                        "BACKUP_ENCRYPTION_PASSPHRASE_FILE", pass.toString(),
                        "BACKUP_HOST_APP", "inventree",
                        "BACKUP_HOST_VERSION", "0.17.1")
                .load();
        assertThat(c.storage()).isEqualTo("s3");
        assertThat(c.dir()).isEqualTo("bucket/prefix");
        assertThat(c.options())
                .containsEntry("bucket", "b")
                .containsEntry("part_size", 8388608)
                .containsEntry("path_style", true);
        assertThat(c.name()).isEqualTo("inventree");
        assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://localhost/inv");
        assertThat(c.databaseUser()).isEqualTo("inv");
        assertThat(c.databasePassword()).isEqualTo(Secret.of(SECRET));
        assertThat(c.databaseDumper()).isEqualTo("postgres");
        assertThat(c.databaseOptions()).containsEntry("jobs", 2);
        assertThat(c.mediaDir()).isEqualTo(Path.of("/srv/media"));
        assertThat(c.mediaExclude()).containsExactly("cache/**", "tmp/*.part");
        assertThat(c.compression()).isEqualTo(Compression.GZIP);
        assertThat(c.spoolDir()).isEqualTo(Path.of("/var/spool/b"));
        assertThat(c.encryptionRecipientKey()).isEqualTo(Path.of("/keys/pub.asc"));
        assertThat(c.encryptionSecretKey()).isEqualTo(Path.of("/keys/sec.asc"));
        assertThat(c.encryptionPassphrase()).isEqualTo(Secret.of("pp-X9q7"));
        assertThat(c.encryptionEnabled()).isTrue();
        assertThat(c.hostApplication()).isEqualTo("inventree");
        assertThat(c.hostVersion()).isEqualTo("0.17.1");
        assertThat(c.toString())
                .doesNotContain(SECRET)
                .doesNotContain("pp-X9q7")
                .doesNotContain("8388608");
    }

    @Test
    void precedenceIsFlagThenEnvThenFileThenDefault() throws IOException {
        Path file = yaml("backup_dir: /from/file\nbackup_storage: memory\nname: fromfile\ncompression: none\n");
        BackupConfig c = env("BACKUP_DIR", "/from/env", "BACKUP_STORAGE", "envstorage")
                .configFile(file)
                .override(ConfigKey.DIR, "/from/flag", "--dir")
                .load();
        assertThat(c.dir()).isEqualTo("/from/flag");
        assertThat(c.origin(ConfigKey.DIR)).contains("--dir");
        assertThat(c.storage()).isEqualTo("envstorage");
        assertThat(c.origin(ConfigKey.STORAGE)).contains("env BACKUP_STORAGE");
        assertThat(c.name()).isEqualTo("fromfile");
        assertThat(c.origin(ConfigKey.NAME)).contains("file " + file + ": name");
        assertThat(c.compression()).isEqualTo(Compression.NONE);

        BackupConfig withoutFlag =
                env("BACKUP_DIR", "/from/env").configFile(file).load();
        assertThat(withoutFlag.dir()).isEqualTo("/from/env");
        BackupConfig fileOnly = env().configFile(file).load();
        assertThat(fileOnly.dir()).isEqualTo("/from/file");
        assertThat(fileOnly.storage()).isEqualTo("memory");
        BackupConfig defaults = env("BACKUP_DIR", "x").load();
        assertThat(defaults.compression()).isEqualTo(Compression.ZSTD);
    }

    @Test
    void environmentOptionsReplaceTheFileOptionsWhole() throws IOException {
        Path file = yaml("backup_dir: d\nbackup_options:\n  bucket: fromfile\n  region: eu-west-1\n");
        BackupConfig c = env("BACKUP_OPTIONS", "{\"bucket\":\"fromenv\"}")
                .configFile(file)
                .load();
        assertThat(c.options()).containsExactly(Map.entry("bucket", "fromenv"));
        assertThat(env().configFile(file).load().options())
                .containsEntry("bucket", "fromfile")
                .containsEntry("region", "eu-west-1");
    }

    @Test
    void hostPrefixIsReadFirstThenThePlainName() {
        BackupConfig c = env(
                        "INVENTREE_BACKUP_DIR", "/inventree",
                        "BACKUP_DIR", "/plain",
                        "BACKUP_STORAGE", "memory")
                .envPrefix("INVENTREE_")
                .load();
        assertThat(c.dir()).isEqualTo("/inventree");
        assertThat(c.origin(ConfigKey.DIR)).contains("env INVENTREE_BACKUP_DIR");
        assertThat(c.storage()).isEqualTo("memory");
        assertThat(c.envPrefix()).isEqualTo("INVENTREE_");
    }

    @Test
    void hostPrefixComesFromTheEnvironmentAndGetsAnUnderscore() {
        BackupConfig c = env("BACKUP_ENV_PREFIX", "INVENTREE", "INVENTREE_BACKUP_DIR", "/inventree")
                .load();
        assertThat(c.dir()).isEqualTo("/inventree");
        assertThat(c.envPrefix()).isEqualTo("INVENTREE_");

        BackupConfig flagWins = env(
                        "BACKUP_ENV_PREFIX", "OTHER_",
                        "OTHER_BACKUP_DIR", "/other",
                        "INVENTREE_BACKUP_DIR", "/inventree")
                .envPrefix("INVENTREE_")
                .load();
        assertThat(flagWins.dir()).isEqualTo("/inventree");
    }

    @Test
    void aMalformedPrefixIsAnError() {
        BackupConfigurationException e = configError(env("BACKUP_DIR", "d").envPrefix("IN-VEN"));
        assertThat(e.key()).contains("--env-prefix");
    }

    @Test
    void missingBackupDirNamesTheVariable() {
        BackupConfigurationException e = configError(env("BACKUP_STORAGE", "filesystem"));
        assertThat(e.key()).contains("BACKUP_DIR");
        assertThat(e.getMessage()).contains("BACKUP_DIR");

        BackupConfigurationException prefixed = configError(env().envPrefix("INVENTREE_"));
        assertThat(prefixed.key()).contains("INVENTREE_BACKUP_DIR");
        assertThat(prefixed.getMessage()).contains("INVENTREE_BACKUP_DIR").contains("BACKUP_DIR");
    }

    @Test
    void emptyEnvironmentValuesCountAsUnset() {
        BackupConfig c = env("BACKUP_DIR", "d", "BACKUP_STORAGE", "", "BACKUP_COMPRESSION", "")
                .load();
        assertThat(c.storage()).isEqualTo("filesystem");
        assertThat(c.compression()).isEqualTo(Compression.ZSTD);
        assertThat(configError(env("BACKUP_DIR", "")).key()).contains("BACKUP_DIR");
    }

    @Test
    void yamlFileWithEveryKey() throws IOException {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, SECRET);
        Path file = yaml(
                """
                backup_storage: s3
                backup_dir: my-bucket/inventree
                backup_options:
                  region: eu-central-1
                  part_size: 16MiB
                  parts_in_flight: 4
                name: inv
                database:
                  url: jdbc:h2:file:/srv/db
                  user: sa
                  password_file: %s
                  dumper: h2
                  options: {timeout: 10m}
                media_dir: /srv/media
                media_exclude: [cache/**, "*.tmp"]
                compression: gzip
                spool_dir: /var/spool
                encryption:
                  recipient_key: /k/pub.asc
                host:
                  application: inventree
                  version: 1.10
                schedule:
                  enabled: true
                  time: "02:30"
                retention:
                  keep_daily: 7
                """
                        .formatted(pw));
        BackupConfig c = env().configFile(file).load();
        assertThat(c.storage()).isEqualTo("s3");
        assertThat(c.dir()).isEqualTo("my-bucket/inventree");
        assertThat(c.options())
                .containsEntry("region", "eu-central-1")
                .containsEntry("part_size", "16MiB")
                .containsEntry("parts_in_flight", 4);
        assertThat(c.name()).isEqualTo("inv");
        assertThat(c.databaseUrl()).isEqualTo("jdbc:h2:file:/srv/db");
        assertThat(c.databaseUser()).isEqualTo("sa");
        assertThat(c.databasePassword()).isEqualTo(Secret.of(SECRET));
        assertThat(c.databaseDumper()).isEqualTo("h2");
        assertThat(c.databaseOptions()).containsEntry("timeout", "10m");
        assertThat(c.mediaDir()).isEqualTo(Path.of("/srv/media"));
        assertThat(c.mediaExclude()).containsExactly("cache/**", "*.tmp");
        assertThat(c.compression()).isEqualTo(Compression.GZIP);
        assertThat(c.spoolDir()).isEqualTo(Path.of("/var/spool"));
        assertThat(c.encryptionRecipientKey()).isEqualTo(Path.of("/k/pub.asc"));
        assertThat(c.encryptionEnabled()).isTrue();
        assertThat(c.hostApplication()).isEqualTo("inventree");
        assertThat(c.hostVersion()).as("a YAML number keeps its digits").isEqualTo("1.10");
        assertThat(c.schedule()).containsEntry("enabled", true).containsEntry("time", "02:30");
        assertThat(c.retention()).containsEntry("keep_daily", 7);
        assertThat(c.origin(ConfigKey.DATABASE_PASSWORD_FILE)).contains("file " + file + ": database.password_file");
    }

    @Test
    void emptyFileAndEmptySectionsAreFine() throws IOException {
        assertThat(env("BACKUP_DIR", "d").configFile(yaml("")).load().dir()).isEqualTo("d");
        BackupConfig c =
                env().configFile(yaml("backup_dir: d\ndatabase:\nmedia_dir:\n")).load();
        assertThat(c.databaseUrl()).isNull();
        assertThat(c.mediaDir()).isNull();
    }

    @Test
    void configFileFromTheEnvironment() throws IOException {
        Path file = yaml("backup_dir: /from/file\n");
        assertThat(env("BACKUP_CONFIG", file.toString()).load().dir()).isEqualTo("/from/file");
        BackupConfigurationException e =
                configError(env("BACKUP_CONFIG", tmp.resolve("nope.yaml").toString()));
        assertThat(e.key()).contains("BACKUP_CONFIG");
        assertThat(e.getMessage()).contains("nope.yaml").contains("does not exist");
    }

    @Test
    void unknownKeyIsNamedWithASuggestionAndTheKnownKeys() throws IOException {
        Path file = yaml("backup_dirr: /x\n");
        BackupConfigurationException e = configError(env().configFile(file));
        assertThat(e.key()).contains("backup_dirr");
        assertThat(e.getMessage())
                .contains("unknown key 'backup_dirr' in " + file)
                .contains("did you mean 'backup_dir'?")
                .contains("known keys: ")
                .contains("backup_options");
    }

    @Test
    void unknownNestedKeyIsNamedWithItsSection() throws IOException {
        BackupConfigurationException e = configError(env().configFile(yaml("backup_dir: d\ndatabase:\n  urll: x\n")));
        assertThat(e.key()).contains("database.urll");
        assertThat(e.getMessage()).contains("did you mean 'database.url'?").contains("known keys under database:");
    }

    @Test
    void wrongTypesAreNamed() throws IOException {
        Map<String, String> cases = Map.of(
                "backup_dir: [a, b]\n", "backup_dir",
                "backup_dir: d\nbackup_options: bucket\n", "backup_options",
                "backup_dir: d\ndatabase: jdbc:h2:mem:x\n", "database",
                "backup_dir: d\nschedule: [daily]\n", "schedule",
                "backup_dir: d\nretention: 7\n", "retention",
                "backup_dir: d\nmedia_exclude: {a: b}\n", "media_exclude",
                "backup_dir: d\nmedia_exclude: [[a]]\n", "media_exclude",
                "backup_dir: d\nhost:\n  version: {major: 1}\n", "host.version",
                "backup_dir: d\ndatabase:\n  options: [1]\n", "database.options");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = yaml(c.getKey());
            BackupConfigurationException e = configError(env().configFile(file));
            assertThat(e).as(c.getKey()).isNotNull();
            assertThat(e.key()).as(c.getKey()).contains(c.getValue());
            assertThat(e.getMessage()).as(c.getKey()).contains("'" + c.getValue() + "' in " + file + " must be");
        }
    }

    @Test
    void wrongTypesInTheFileAreErrorsEvenWhenTheEnvironmentWins() throws IOException {
        Path file = yaml("backup_dir: [a]\n");
        assertThat(configError(env("BACKUP_DIR", "d").configFile(file)).key()).contains("backup_dir");
    }

    @Test
    void aFileThatIsNotAMapOrNotYamlIsAnError() throws IOException {
        assertThat(configError(env().configFile(yaml("- a\n- b\n"))).getMessage())
                .contains("must be a map of keys");
        Path broken = yaml("backup_dir: d\ndatabase:\n  password: " + SECRET + ": {\n");
        BackupConfigurationException e = configError(env().configFile(broken));
        assertThat(e.getMessage()).contains("not valid YAML").contains("line").doesNotContain(SECRET);
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(configError(env().configFile(yaml("backup_dir: a\nbackup_dir: b\n")))
                        .getMessage())
                .contains("not valid YAML");
    }

    @Test
    void malformedOptionsJsonNamesTheVariableButNotItsContent() {
        BackupConfigurationException e =
                configError(env("BACKUP_DIR", "d", "BACKUP_OPTIONS", "{\"secret_key\": " + SECRET + "}"));
        assertThat(e.key()).contains("BACKUP_OPTIONS");
        assertThat(e.getMessage())
                .startsWith("BACKUP_OPTIONS is not valid JSON")
                .doesNotContain(SECRET)
                .doesNotContain("\n");
        assertThat(e.getCause()).isNull();

        BackupConfigurationException notObject = configError(
                env("BACKUP_DIR", "d", "INV_BACKUP_OPTIONS", "[1,2]").envPrefix("INV_"));
        assertThat(notObject.key()).contains("INV_BACKUP_OPTIONS");
        assertThat(notObject.getMessage()).contains("must be a JSON object");
    }

    @Test
    void passwordInlineOrFileButNotBothFromOneSource() throws IOException {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "fromfile");
        BackupConfigurationException both = configError(env(
                "BACKUP_DIR", "d", "BACKUP_DATABASE_PASSWORD", SECRET, "BACKUP_DATABASE_PASSWORD_FILE", pw.toString()));
        assertThat(both.getMessage()).contains("set only one of").doesNotContain(SECRET);

        Path file = yaml("backup_dir: d\ndatabase:\n  url: jdbc:h2:mem:x\n  password: " + SECRET + "\n");
        assertThat(env().configFile(file).load().databasePassword()).isEqualTo(Secret.of(SECRET));
        BackupConfig envWins = env("BACKUP_DATABASE_PASSWORD_FILE", pw.toString())
                .configFile(file)
                .load();
        assertThat(envWins.databasePassword()).isEqualTo(Secret.of("fromfile"));
        assertThat(envWins.toString()).doesNotContain("fromfile").doesNotContain(SECRET);
    }

    @Test
    void theEncryptionPassphraseInlineInTheEnvironmentOrAsAFileButNotBoth() throws IOException {
        BackupConfig inline =
                env("BACKUP_DIR", "d", "BACKUP_ENCRYPTION_PASSPHRASE", SECRET).load();
        assertThat(inline.encryptionEnabled()).isTrue();
        assertThat(inline.encryptionPassphrase()).isEqualTo(Secret.of(SECRET));
        assertThat(inline.toString()).doesNotContain(SECRET);
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "fromfile\n");
        BackupConfigurationException both = configError(env(
                "BACKUP_DIR",
                "d",
                "BACKUP_ENCRYPTION_PASSPHRASE",
                SECRET,
                "BACKUP_ENCRYPTION_PASSPHRASE_FILE",
                pass.toString()));
        assertThat(both.getMessage()).contains("set only one of").doesNotContain(SECRET);
        Path file = yaml("backup_dir: d\nencryption:\n  passphrase_file: " + pass + "\n");
        assertThat(env().configFile(file).load().encryptionPassphrase()).isEqualTo(Secret.of("fromfile"));
    }

    @Test
    void aMissingPasswordFileIsNamedWithoutContent() {
        BackupConfigurationException e = configError(env(
                "BACKUP_DIR",
                "d",
                "BACKUP_DATABASE_PASSWORD_FILE",
                tmp.resolve("missing").toString()));
        assertThat(e.key()).contains("BACKUP_DATABASE_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("does not exist");
    }

    @Test
    void aPasswordOfTheWrongTypeIsNotEchoed() throws IOException {
        Path file = yaml("backup_dir: d\ndatabase:\n  password: [" + SECRET + "]\n");
        BackupConfigurationException e = configError(env().configFile(file));
        assertThat(e.key()).contains("database.password");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void backupFormatComesFromEnvironmentOrFileAndDefaultsToArchive() throws Exception {
        assertThat(env("BACKUP_DIR", "d").load().format()).isEqualTo(io.backupkit.backup.BackupFormat.ARCHIVE);
        assertThat(env("BACKUP_DIR", "d", "BACKUP_FORMAT", "Dedup").load().format())
                .isEqualTo(io.backupkit.backup.BackupFormat.DEDUP);
        Path file = yaml("backup_dir: d\nbackup_format: dedup\n");
        assertThat(env().configFile(file).load().format()).isEqualTo(io.backupkit.backup.BackupFormat.DEDUP);
        BackupConfigurationException bad = configError(env("BACKUP_DIR", "d", "BACKUP_FORMAT", "zip"));
        assertThat(bad.key()).contains("BACKUP_FORMAT");
        assertThat(bad.getMessage()).contains("archive or dedup");
    }

    @Test
    void badCompressionAndNameAreNamed() {
        BackupConfigurationException compression = configError(env("BACKUP_DIR", "d", "BACKUP_COMPRESSION", "lz4"));
        assertThat(compression.key()).contains("BACKUP_COMPRESSION");
        assertThat(compression.getMessage()).contains("zstd, gzip or none");
        BackupConfigurationException name =
                configError(env("BACKUP_DIR", "d").override(ConfigKey.NAME, "Bad Name", "--name"));
        assertThat(name.key()).contains("--name");
    }

    @Test
    void overridesCanBeRemovedAndFileOnlyKeysCannotBeOverridden() {
        BackupConfigLoader loader = env("BACKUP_DIR", "env").override(ConfigKey.DIR, "flag", "--dir");
        loader.override(ConfigKey.DIR, null, "--dir");
        assertThat(loader.load().dir()).isEqualTo("env");
        assertThatThrownBy(() -> loader.override(ConfigKey.SCHEDULE, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersInOptionsStayNumbers() throws IOException {
        BackupConfig c = env().configFile(yaml("backup_dir: d\nbackup_options: {ratio: 0.5, n: 3}\n"))
                .load();
        assertThat(c.options()).containsEntry("n", 3).containsEntry("ratio", new BigDecimal("0.5"));
    }

    @Test
    void safeDatabaseUrlMasksCredentials() {
        BackupConfig c = env(
                        "BACKUP_DIR",
                        "d",
                        "BACKUP_DATABASE_URL",
                        "jdbc:postgresql://u:" + SECRET + "@h/db?user=u&password=" + SECRET)
                .load();
        assertThat(c.safeDatabaseUrl().orElseThrow()).doesNotContain(SECRET).contains("jdbc:postgresql://");
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void toBuilderResolvesTheConfiguredStorage() {
        BackupConfig c = env(
                        "BACKUP_DIR",
                        tmp.toString(),
                        "BACKUP_STORAGE",
                        "no-such-storage",
                        "BACKUP_MEDIA_DIR",
                        tmp.toString())
                .load();
        ProviderNotFoundException e = catchThrowableOfType(
                ProviderNotFoundException.class, () -> c.toBuilder().build());
        assertThat(e.kind()).isEqualTo("storage");
        assertThat(e.requested()).isEqualTo("no-such-storage");
    }

    @Test
    void everyKeyHasADescriptionAndUniqueNames() {
        assertThat(List.of(ConfigKey.values()))
                .allSatisfy(k -> assertThat(k.description()).isNotBlank())
                .extracting(ConfigKey::yamlKey)
                .doesNotHaveDuplicates();
        assertThat(ConfigKey.ofYamlKey("database.url")).contains(ConfigKey.DATABASE_URL);
        assertThat(ConfigKey.ofYamlKey("nope")).isEmpty();
    }
}

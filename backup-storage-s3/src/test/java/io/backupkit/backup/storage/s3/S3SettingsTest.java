package io.backupkit.backup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Option parsing and validation (no server). */
class S3SettingsTest {
    private static final long MIB = 1024L * 1024L;

    private static S3Settings parse(String location, Map<String, Object> options) {
        return S3Settings.from(new StorageConfig(location, new ProviderOptions("backup_options", options)));
    }

    private static Map<String, Object> with(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("bucket", "my-backups");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void assertRejected(Map<String, Object> options, String key) {
        assertThatThrownBy(() -> parse("p", options))
                .isInstanceOf(BackupConfigurationException.class)
                .hasMessageContaining("backup_options." + key)
                .satisfies(e ->
                        assertThat(((BackupConfigurationException) e).key()).contains("backup_options." + key));
    }

    @Test
    void defaults() {
        S3Settings s = parse("backups", with());
        assertThat(s.bucket()).isEqualTo("my-backups");
        assertThat(s.prefix()).isEqualTo("backups/");
        assertThat(s.partSize()).isEqualTo(8 * MIB);
        assertThat(s.parallelParts()).isEqualTo(2);
        assertThat(s.maxAttempts()).isEqualTo(5);
        assertThat(s.checksumWhenRequired()).isFalse();
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.accessKey()).isNull();
        assertThat(s.describe()).isEqualTo("s3://my-backups/backups/");
    }

    @Test
    void allOptions() {
        S3Settings s = parse(
                "p",
                with(
                        "region", "eu-west-1",
                        "endpoint", "https://minio.example:9000",
                        "access_key", "AK",
                        "secret_key", "SK",
                        "session_token", "TOKEN",
                        "storage_class", "standard_ia",
                        "sse", "aws:kms",
                        "kms_key_id", "alias/backups",
                        "part_size", "16MiB",
                        "parallel_parts", 4,
                        "checksum", "when_required",
                        "max_attempts", "3"));
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.endpoint()).hasToString("https://minio.example:9000");
        assertThat(s.pathStyle())
                .as("path style is the default with an endpoint")
                .isTrue();
        assertThat(s.storageClass()).isEqualTo(StorageClass.STANDARD_IA);
        assertThat(s.sse()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(s.kmsKeyId()).isEqualTo("alias/backups");
        assertThat(s.partSize()).isEqualTo(16 * MIB);
        assertThat(s.parallelParts()).isEqualTo(4);
        assertThat(s.checksumWhenRequired()).isTrue();
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.toString()).doesNotContain("SK", "TOKEN", "=AK").contains("static+session");
    }

    @Test
    void badValuesNameTheirOption() {
        assertRejected(new HashMap<>(), "bucket");
        assertRejected(with("bucket", "s3://x/y"), "bucket");
        assertRejected(with("nope", 1), "nope");
        assertRejected(with("region", "Europe West"), "region");
        assertRejected(with("endpoint", "ftp://x"), "endpoint");
        assertRejected(with("endpoint", "http://user:pass@host"), "endpoint");
        assertRejected(with("access_key", "AK"), "secret_key");
        assertRejected(with("secret_key", "SK"), "access_key");
        assertRejected(with("storage_class", "FAST"), "storage_class");
        assertRejected(with("sse", "rot13"), "sse");
        assertRejected(with("kms_key_id", "k"), "kms_key_id");
        assertRejected(with("part_size", "1MiB"), "part_size");
        assertRejected(with("part_size", "2GiB"), "part_size");
        assertRejected(with("parallel_parts", 0), "parallel_parts");
        assertRejected(with("checksum", "always"), "checksum");
        assertRejected(with("max_attempts", 0), "max_attempts");
        assertRejected(with("max_object_size", "-1"), "max_object_size");
        assertRejected(with("path_style", "maybe"), "path_style");
    }

    @Test
    void secretValuesAreNotShownInErrors() {
        assertThatThrownBy(() -> parse("p", with("access_key", "AK", "secret_key", "SK", "parallel_parts", "lots")))
                .hasMessageNotContaining("SK");
    }

    @Test
    void maxObjectSizeRaisesThePartSize() {
        // 200 GiB / 10,000 parts = 20.48 MiB -> 21 MiB parts
        assertThat(parse("p", with("max_object_size", "200GiB")).partSize()).isEqualTo(21 * MIB);
        // small max object: the part size stays
        assertThat(parse("p", with("max_object_size", "1GiB")).partSize()).isEqualTo(8 * MIB);
    }

    @Test
    void partsGrowSoThatTenThousandPartsHoldTerabytes() {
        long base = 8 * MIB;
        assertThat(S3ObjectWrite.partSize(base, 1)).isEqualTo(base);
        assertThat(S3ObjectWrite.partSize(base, 1000)).isEqualTo(base);
        assertThat(S3ObjectWrite.partSize(base, 1001)).isEqualTo(2 * base);
        assertThat(S3ObjectWrite.partSize(base, 10_000)).isEqualTo(1024 * MIB);
        for (int p = 2; p <= 10_000; p++) {
            assertThat(S3ObjectWrite.partSize(base, p)).isGreaterThanOrEqualTo(S3ObjectWrite.partSize(base, p - 1));
        }
        long tib = 1024L * 1024 * MIB;
        assertThat(S3ObjectWrite.capacity(base)).isGreaterThan(3 * tib);
        assertThat(S3ObjectWrite.capacity(5 * MIB)).isGreaterThan(2 * tib);
        // constant parts would stop at part_size x 10,000 (78 GiB at 8 MiB)
        assertThat(parse("p", with()).constantPartLimit()).isEqualTo(80_000 * MIB);
    }
}

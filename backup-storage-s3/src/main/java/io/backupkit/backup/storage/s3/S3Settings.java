package io.backupkit.backup.storage.s3;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.support.ObjectNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The validated configuration of one {@link S3Storage}: {@code BACKUP_DIR} as the key prefix and the
 * {@code BACKUP_OPTIONS}. Its {@link #toString()} shows no credential.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, empty or ending with {@code /}
 * @param region the region id, or {@code null} to take it from the environment (else {@code us-east-1}
 *     with cross-region access)
 * @param endpoint an S3-compatible endpoint, or {@code null} for AWS
 * @param pathStyle path-style addressing ({@code http://host/bucket/key})
 * @param accessKey the access key id, or {@code null} for the SDK's default credentials chain
 * @param secretKey the secret key (with {@code accessKey})
 * @param sessionToken a session token (optional, with {@code accessKey})
 * @param storageClass the storage class of new objects, or {@code null} for the bucket's default
 * @param sse server-side encryption, or {@code null}
 * @param kmsKeyId the KMS key for {@code aws:kms}, or {@code null} for the account's default key
 * @param partSize the size of the first multipart parts
 * @param parallelParts parts buffered or in flight per write (memory: {@code partSize x parallelParts})
 * @param checksumWhenRequired send the SDK's CRC checksums only where an operation requires one
 * @param maxAttempts attempts per request for throttling, 5xx and I/O errors
 * @param gcs the store is Google Cloud Storage's XML API, which ignores {@code If-None-Match} and
 *     {@code If-Match} on writes and deletes: the lease uses its {@code x-goog-if-generation-match}
 *     preconditions instead
 */
record S3Settings(
        String bucket,
        String prefix,
        String region,
        URI endpoint,
        boolean pathStyle,
        String accessKey,
        Secret secretKey,
        Secret sessionToken,
        StorageClass storageClass,
        ServerSideEncryption sse,
        String kmsKeyId,
        long partSize,
        int parallelParts,
        boolean checksumWhenRequired,
        int maxAttempts,
        boolean gcs) {

    static final long MIB = 1024L * 1024L;
    /** S3's smallest part (all parts but the last). */
    static final long S3_MIN_PART_SIZE = 5 * MIB;
    /** The largest part this provider buffers (a Java array holds less than 2 GiB). */
    static final long MAX_PART_SIZE = 1024 * MIB;

    static final long DEFAULT_PART_SIZE = 8 * MIB;
    static final int DEFAULT_PARALLEL_PARTS = 2;
    static final int DEFAULT_MAX_ATTEMPTS = 5;
    static final int MAX_PARTS = 10_000;

    static final Set<String> KNOWN = Set.of(
            "bucket",
            "region",
            "endpoint",
            "path_style",
            "access_key",
            "secret_key",
            "session_token",
            "storage_class",
            "sse",
            "kms_key_id",
            "part_size",
            "max_object_size",
            "parallel_parts",
            "checksum",
            "max_attempts",
            "gcs");

    S3Settings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** Reads and validates the options; every problem is a {@link BackupConfigurationException} naming the key. */
    static S3Settings from(StorageConfig config) {
        Objects.requireNonNull(config, "config");
        ProviderOptions o = config.options();
        o.requireOnly(KNOWN);

        String bucket = o.requireString("bucket").trim();
        if (!bucket.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}")) {
            throw new BackupConfigurationException(
                    o.keyName("bucket"),
                    "option " + o.keyName("bucket") + " is not a bucket name: give the bare name such as my-backups,"
                            + " without s3:// or slashes (the key prefix goes in the storage location)");
        }

        String region =
                o.string("region").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        if (region != null && !region.matches("[a-z0-9-]+")) {
            throw new BackupConfigurationException(
                    o.keyName("region"), "option " + o.keyName("region") + " must be a region id such as eu-west-1");
        }

        URI endpoint = o.string("endpoint")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> endpoint(o, s))
                .orElse(null);
        boolean pathStyle = o.bool("path_style", endpoint != null);
        boolean gcs = o.bool("gcs", endpoint != null && isGcsHost(endpoint.getHost()));

        String accessKey = o.string("access_key")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .orElse(null);
        Secret secretKey = o.secret("secret_key").filter(s -> !s.isEmpty()).orElse(null);
        Secret sessionToken =
                o.secret("session_token").filter(s -> !s.isEmpty()).orElse(null);
        if (accessKey != null && secretKey == null) {
            throw new BackupConfigurationException(
                    o.keyName("secret_key"),
                    "option " + o.keyName("access_key") + " is set but " + o.keyName("secret_key")
                            + " is missing: give both, or neither to use the default AWS credentials chain");
        }
        if (accessKey == null && (secretKey != null || sessionToken != null)) {
            String key = secretKey != null ? "secret_key" : "session_token";
            throw new BackupConfigurationException(
                    o.keyName("access_key"),
                    "option " + o.keyName(key) + " is set but " + o.keyName("access_key")
                            + " is missing: give both access_key and secret_key");
        }

        StorageClass storageClass = o.string("storage_class")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> {
                    StorageClass c = StorageClass.fromValue(s.toUpperCase(Locale.ROOT));
                    if (c == null || c == StorageClass.UNKNOWN_TO_SDK_VERSION) {
                        throw new BackupConfigurationException(
                                o.keyName("storage_class"),
                                "option " + o.keyName("storage_class") + " must be one of "
                                        + StorageClass.knownValues());
                    }
                    return c;
                })
                .orElse(null);

        ServerSideEncryption sse = o.string("sse")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> switch (s.toLowerCase(Locale.ROOT)) {
                    case "aes256" -> ServerSideEncryption.AES256;
                    case "aws:kms", "kms" -> ServerSideEncryption.AWS_KMS;
                    default -> throw new BackupConfigurationException(
                            o.keyName("sse"), "option " + o.keyName("sse") + " must be AES256 or aws:kms");
                })
                .orElse(null);
        String kmsKeyId = o.string("kms_key_id")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .orElse(null);
        if (kmsKeyId != null && sse != ServerSideEncryption.AWS_KMS) {
            throw new BackupConfigurationException(
                    o.keyName("kms_key_id"),
                    "option " + o.keyName("kms_key_id") + " needs " + o.keyName("sse") + " = aws:kms");
        }

        long minPart = S3_MIN_PART_SIZE;
        long partSize = o.bytes("part_size", DEFAULT_PART_SIZE);
        if (partSize < minPart || partSize > MAX_PART_SIZE) {
            throw new BackupConfigurationException(
                    o.keyName("part_size"),
                    "option " + o.keyName("part_size") + " must be between " + human(minPart) + " and "
                            + human(MAX_PART_SIZE) + " (S3 and most compatible stores refuse parts under 5 MiB)");
        }
        if (o.has("max_object_size")) {
            long maxObject = o.bytes("max_object_size", 0);
            if (maxObject <= 0) {
                throw new BackupConfigurationException(
                        o.keyName("max_object_size"),
                        "option " + o.keyName("max_object_size") + " must be a positive size such as 200GiB");
            }
            long needed = (maxObject + MAX_PARTS - 1) / MAX_PARTS;
            needed = (needed + MIB - 1) / MIB * MIB; // whole MiB
            if (needed > MAX_PART_SIZE) {
                throw new BackupConfigurationException(
                        o.keyName("max_object_size"),
                        "option " + o.keyName("max_object_size") + " needs parts over " + human(MAX_PART_SIZE)
                                + "; objects grow their parts by themselves, leave it unset");
            }
            partSize = Math.max(partSize, needed);
        }

        int parallelParts = o.integer("parallel_parts", DEFAULT_PARALLEL_PARTS);
        if (parallelParts < 1 || parallelParts > 64) {
            throw new BackupConfigurationException(
                    o.keyName("parallel_parts"), "option " + o.keyName("parallel_parts") + " must be between 1 and 64");
        }

        boolean whenRequired = o.string("checksum")
                .map(s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "when_supported" -> false;
                    case "when_required" -> true;
                    default -> throw new BackupConfigurationException(
                            o.keyName("checksum"),
                            "option " + o.keyName("checksum") + " must be when_supported or when_required"
                                    + " (when_required for stores that reject the SDK's CRC checksum trailers)");
                })
                .orElse(gcs); // GCS refuses the SDK's aws-chunked CRC trailers

        int maxAttempts = o.integer("max_attempts", DEFAULT_MAX_ATTEMPTS);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new BackupConfigurationException(
                    o.keyName("max_attempts"), "option " + o.keyName("max_attempts") + " must be between 1 and 20");
        }

        return new S3Settings(
                bucket,
                ObjectNames.prefix(config.location()),
                region,
                endpoint,
                pathStyle,
                accessKey,
                secretKey,
                sessionToken,
                storageClass,
                sse,
                kmsKeyId,
                partSize,
                parallelParts,
                whenRequired,
                maxAttempts,
                gcs);
    }

    /** Google Cloud Storage's XML API endpoints: {@code storage.googleapis.com} and its subdomains. */
    static boolean isGcsHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("storage.googleapis.com") || h.endsWith(".storage.googleapis.com");
    }

    private static URI endpoint(ProviderOptions o, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equalsIgnoreCase("http")
                            || uri.getScheme().equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
            if (uri.getUserInfo() != null) {
                throw new BackupConfigurationException(
                        o.keyName("endpoint"),
                        "option " + o.keyName("endpoint") + " must not contain credentials; use "
                                + o.keyName("access_key") + " and " + o.keyName("secret_key"));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new BackupConfigurationException(
                    o.keyName("endpoint"),
                    "option " + o.keyName("endpoint") + " must be an http(s) URL such as https://minio.example:9000");
        }
    }

    /** The largest object that 10,000 parts of constant {@link #partSize} hold (parts grow beyond it). */
    long constantPartLimit() {
        return partSize * MAX_PARTS;
    }

    /** {@code s3://bucket/prefix}. */
    /** Sets the server-side encryption of new objects, and its KMS key, on a request being built. */
    void applyEncryption(Consumer<ServerSideEncryption> setSse, Consumer<String> setKmsKeyId) {
        if (sse != null) {
            setSse.accept(sse);
            if (kmsKeyId != null) {
                setKmsKeyId.accept(kmsKeyId);
            }
        }
    }

    String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    static String human(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return (bytes / MIB) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes / 1024) + " KiB";
        }
        return bytes + " bytes";
    }

    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", region=" + region + ", endpoint=" + endpoint + ", pathStyle="
                + pathStyle + ", credentials=" + (accessKey != null ? "static" : "default chain")
                + (sessionToken != null ? "+session" : "") + ", storageClass=" + storageClass + ", sse=" + sse
                + ", partSize=" + human(partSize) + ", parallelParts=" + parallelParts + ", checksum="
                + (checksumWhenRequired ? "when_required" : "when_supported") + ", maxAttempts=" + maxAttempts
                + (gcs ? ", gcs" : "") + "]";
    }
}

package io.backupkit.backup.storage.s3;

import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy 4.1 in-process over real HTTP on a free port, with a transient (in-memory) blob store and
 * AWS V2/V4 authentication: a JUnit 5 extension. The blob store outlives {@link #stop()} so a test
 * can stop the server mid-upload and {@link #restart()} it on the same port.
 */
final class S3ProxyServer implements BeforeAllCallback, AfterAllCallback {
    static final String ACCESS_KEY = "backupkit-access";
    static final String SECRET_KEY = "backupkit-secret-9f8e7d6c5b4a";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private BlobStore store;
    private S3Proxy proxy;
    private int port;
    private S3Client admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    void start() throws Exception {
        store = BlobStores.create("transient", new Properties());
        proxy = build(URI.create("http://127.0.0.1:0"));
        port = proxy.getPort();
        admin = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    private S3Proxy build(URI endpoint) throws Exception {
        S3Proxy p = S3Proxy.builder()
                .blobStore(store)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        p.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(p.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + p.getState());
            }
            Thread.sleep(10);
        }
        return p;
    }

    /** Stops the HTTP server; the stored data stays. */
    void stop() throws Exception {
        proxy.stop();
    }

    /** Starts the HTTP server again on the same port over the same data. */
    void restart() throws Exception {
        proxy = build(URI.create("http://127.0.0.1:" + port));
    }

    void close() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** A fresh, empty bucket. */
    String newBucket() {
        String name = "bk-test-" + BUCKETS.incrementAndGet();
        store.createContainer(name);
        return name;
    }

    /** An SDK client that is not the storage's, to look at the bucket directly. */
    S3Client admin() {
        return admin;
    }

    /** Options for the storage against this server. */
    Map<String, Object> options(String bucket) {
        Map<String, Object> o = new HashMap<>();
        o.put("bucket", bucket);
        o.put("endpoint", endpoint().toString());
        o.put("region", "us-east-1");
        o.put("path_style", true);
        o.put("access_key", ACCESS_KEY);
        o.put("secret_key", SECRET_KEY);
        return o;
    }

    StorageConfig config(String location, Map<String, Object> options) {
        return new StorageConfig(location, new ProviderOptions("backup_options", options));
    }

    S3Storage storage(String bucket, String location, Map<String, Object> extra) {
        Map<String, Object> o = options(bucket);
        o.putAll(extra);
        return (S3Storage) new S3StorageProvider().create(config(location, o));
    }

    List<MultipartUpload> uploads(String bucket) {
        return admin.listMultipartUploads(
                        ListMultipartUploadsRequest.builder().bucket(bucket).build())
                .uploads();
    }

    /** The names of the objects under {@code prefix}/ in {@code bucket}, without the prefix, sorted. */
    Set<String> names(String bucket, String prefix) {
        Set<String> names = new TreeSet<>();
        for (var page : admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/"))) {
            for (S3Object o : page.contents()) {
                names.add(o.key().substring(prefix.length() + 1));
            }
        }
        return names;
    }
}

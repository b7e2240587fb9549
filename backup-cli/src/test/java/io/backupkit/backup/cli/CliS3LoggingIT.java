package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T30: the jar with {@code -v} against S3 (S3Proxy) with a session token: the AWS SDK's and the
 * HTTP client's DEBUG logging runs, and no secret key, session token, signature or credential scope
 * reaches stderr, through create, list, verify --deep and restore.
 */
class CliS3LoggingIT {
    private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETx1";
    private static final String TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-Zx9Yw8Vu7Ts6";
    private static final Path JAR = Path.of(System.getProperty("backup.cli.jar", "target/backup-cli.jar"));

    @TempDir
    Path tmp;

    private S3Proxy proxy;

    @BeforeEach
    void start() throws Exception {
        BlobStore store = BlobStores.create("transient", new Properties());
        store.createContainer("logs");
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop();
    }

    private String run(Map<String, String> env, String... args) throws Exception {
        return run(env, List.of(), args);
    }

    private String run(Map<String, String> env, List<String> jvmArgs, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        Path err = tmp.resolve("stderr-" + System.nanoTime());
        pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String text = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void verboseLoggingShowsNoCredentialTokenOrSignature() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        Files.write(media.resolve("a.bin"), new byte[70_000]);
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_STORAGE", "s3");
        env.put("BACKUP_DIR", "cli-logs");
        env.put("BACKUP_MEDIA_DIR", media.toString());
        env.put("BACKUP_SPOOL_DIR", tmp.resolve("spool").toString());
        env.put(
                "BACKUP_OPTIONS",
                "{\"bucket\":\"logs\",\"endpoint\":\"http://127.0.0.1:" + proxy.getPort()
                        + "\",\"region\":\"us-east-1\",\"access_key\":\"" + ACCESS + "\",\"secret_key\":\"" + SECRET
                        + "\",\"session_token\":\"" + TOKEN + "\"}");
        StringBuilder all = new StringBuilder();
        all.append(run(env, "-v", "create"));
        all.append(run(env, "-v", "list"));
        all.append(run(env, "-v", "verify", "latest", "--deep"));
        all.append(run(env, "-v", "restore", "latest", "--yes"));
        // the request loggers turned back on (JAVA_OPTS): stderr masks what they print
        List<String> loud = new ArrayList<>();
        for (String logger : Main.REQUEST_DUMPERS) {
            loud.add("-Dorg.slf4j.simpleLogger.log." + logger + "=debug");
        }
        String dumped = run(env, loud, "-v", "create");
        assertThat(dumped).as("the request dumps ran").contains("x-amz-security-token:" + RedactingOutputStream.MASK);
        all.append(dumped);
        String log = all.toString();
        assertThat(log).as("DEBUG logging of the SDK ran").contains("DEBUG").contains("software.amazon.awssdk");
        assertThat(log).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(0, 20));
        assertThat(log).doesNotContainPattern("(?i)signature[=:\\s]+[0-9a-f]{16}");
        assertThat(log).doesNotContainPattern("(?i)x-amz-security-token\"?\\s*[=:]\\s*[A-Za-z0-9]");
        assertThat(log).doesNotContainPattern("Credential=" + ACCESS + "/");
    }
}

package io.backupkit.backup.storage.azure;

import static org.junit.jupiter.api.Assertions.fail;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Azurite's blob service ({@code azurite-blob}, the npm package {@code azurite}) as a JUnit 5
 * extension: started on 127.0.0.1 on a port it picks, with its data in a temp folder, and stopped by
 * its pid. Missing {@code azurite-blob}: the tests are skipped, or fail with {@code CI=true}
 * ({@code backup.it.required}).
 */
final class AzuriteServer implements BeforeAllCallback, AfterAllCallback {
    /** Azurite's well-known development account. */
    static final String ACCOUNT = "devstoreaccount1";

    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Pattern LISTENING = Pattern.compile("listens on http://127\\.0\\.0\\.1:(\\d+)");

    private Process process;
    private Path dir;
    private int port;
    private Path keyFile;
    private BlobServiceClient admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Stream.of(path.split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "azurite-blob")));
    }

    void start() throws Exception {
        if (!installed()) {
            String why = "azurite-blob is not on PATH (npm install -g azurite)";
            if (Boolean.getBoolean("backup.it.required")) {
                fail(why + " (backup.it.required=true)");
            }
            Assumptions.abort(why);
        }
        dir = Files.createTempDirectory("azurite-");
        keyFile = dir.resolve("account.key");
        Files.writeString(keyFile, KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Path data = Files.createDirectories(dir.resolve("data"));
        process = new ProcessBuilder(
                        "azurite-blob",
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        "0",
                        "--location",
                        data.toString(),
                        "--silent",
                        "--skipApiVersionCheck",
                        "--disableTelemetry")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            synchronized (output) {
                                if (output.length() < 8192) {
                                    output.append(line).append('\n');
                                }
                            }
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                listening.complete(Integer.parseInt(m.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    listening.complete(-1);
                },
                "azurite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            port = -1;
        }
        if (port <= 0 || !answers(port)) {
            stop();
            synchronized (output) {
                throw new IllegalStateException("Azurite did not start:\n" + output);
            }
        }
        admin = new BlobServiceClientBuilder()
                .endpoint(endpoint())
                .httpClient(new JdkHttpClientBuilder().build())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                .buildClient();
    }

    private static boolean answers(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    void stop() {
        if (process != null) {
            ProcessHandle handle = process.toHandle();
            handle.descendants().forEach(ProcessHandle::destroy);
            handle.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    handle.descendants().forEach(ProcessHandle::destroyForcibly);
                    handle.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = null;
        }
    }

    int port() {
        return port;
    }

    /** The blob service URL of the development account. */
    String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    Path keyFile() {
        return keyFile;
    }

    /** A fresh, empty container. */
    String newContainer() {
        String name = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        admin.createBlobContainer(name);
        return name;
    }

    BlobContainerClient container(String name) {
        return admin.getBlobContainerClient(name);
    }

    /** Options for the {@code azure} provider on {@code container} with the account key. */
    Map<String, Object> options(String container) {
        Map<String, Object> o = new HashMap<>();
        o.put("endpoint", endpoint());
        o.put("account", ACCOUNT);
        o.put("key_file", keyFile.toString());
        o.put("container", container);
        return o;
    }

    AzureStorage storage(String container, String prefix, Map<String, ?> extra) {
        Map<String, Object> o = options(container);
        o.putAll(extra);
        return create(prefix, o);
    }

    /** A SAS for {@code container}, valid for an hour, allowing all the storage does: read, add, create, write, delete, list. */
    String sas(String container) {
        return container(container)
                .generateSas(new BlobServiceSasSignatureValues(
                        OffsetDateTime.now().plusHours(1),
                        new BlobContainerSasPermission()
                                .setReadPermission(true)
                                .setAddPermission(true)
                                .setCreatePermission(true)
                                .setWritePermission(true)
                                .setDeletePermission(true)
                                .setListPermission(true)));
    }

    /** The {@code azure} provider on {@code container} with the SAS in {@code sasFile} instead of the account key. */
    AzureStorage sasStorage(String container, String prefix, Path sasFile, Map<String, ?> extra) {
        Map<String, Object> o = new HashMap<>();
        o.put("endpoint", endpoint());
        o.put("container", container);
        o.put("sas_token_file", sasFile.toString());
        o.putAll(extra);
        return create(prefix, o);
    }

    /** The {@code azure} provider made from exactly {@code options}, as the library would make it. */
    static AzureStorage create(String prefix, Map<String, ?> options) {
        return (AzureStorage) new AzureStorageProvider()
                .create(new StorageConfig(prefix, new ProviderOptions("backup_options", options)));
    }

    /** Names (with prefix) of blobs that exist only as uncommitted blocks. */
    Set<String> uncommitted(String container, String prefix) {
        BlobContainerClient c = container(container);
        Set<String> all = new TreeSet<>();
        for (BlobItem i : c.listBlobs(
                new ListBlobsOptions()
                        .setPrefix(prefix)
                        .setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true)),
                null)) {
            all.add(i.getName());
        }
        for (BlobItem i : c.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            all.remove(i.getName());
        }
        return all;
    }

    /** Names (with prefix) of committed blobs. */
    Set<String> committed(String container, String prefix) {
        Set<String> names = new TreeSet<>();
        for (BlobItem i : container(container).listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            names.add(i.getName());
        }
        return names;
    }
}

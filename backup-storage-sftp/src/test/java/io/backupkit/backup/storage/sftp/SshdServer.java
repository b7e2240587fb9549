package io.backupkit.backup.storage.sftp;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupkit.backup.spi.ProviderOptions;
import io.backupkit.backup.spi.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private OpenSSH {@code sshd} for tests: {@code sshd -D -e -f <generated config>} on a free port of
 * 127.0.0.1, with a generated host key, generated user keys (ed25519, ECDSA, RSA) in its own
 * AuthorizedKeysFile, {@code StrictModes no}, the SFTP subsystem in-process ({@code internal-sftp},
 * with {@code -R} for a read-only server) and everything in a temp folder, removed afterwards. The
 * test user (root in CI) may log in with a key only, in this config only. Stopped by its pid.
 *
 * <p>Without {@code /usr/sbin/sshd} the tests are skipped, or fail when {@code CI=true}.
 */
final class SshdServer implements BeforeAllCallback, AfterAllCallback {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    static final List<String> KEY_TYPES = List.of("ed25519", "ecdsa", "rsa");

    private final boolean readOnly;
    private Path dir;
    private Process process;
    private int port;

    SshdServer() {
        this(false);
    }

    SshdServer(boolean readOnly) {
        this.readOnly = readOnly;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!Files.isExecutable(SSHD)) {
            if (ci) {
                fail(SSHD + " is missing: install openssh-server (.ci/run does)");
            }
            assumeTrue(false, SSHD + " is missing: install openssh-server to run the SFTP tests");
        }
        dir = Files.createTempDirectory("sshd-test-");
        Files.createDirectories(dir.resolve("data"));
        keygen("ed25519", dir.resolve("host_key"));
        StringBuilder authorized = new StringBuilder();
        for (String type : KEY_TYPES) {
            keygen(type, userKey(type));
            authorized.append(Files.readString(Path.of(userKey(type) + ".pub")));
        }
        Files.writeString(dir.resolve("authorized_keys"), authorized.toString());
        keygen("ed25519", dir.resolve("stranger_key")); // a key the server does not know
        keygen("ed25519", dir.resolve("other_host_key")); // another server's host key
        if (isRoot()) {
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation folder
        }
        for (int attempt = 0; ; attempt++) {
            port = freePort();
            if (start()) {
                return;
            }
            if (attempt == 3) {
                fail("sshd did not start:\n" + log());
            }
        }
    }

    private boolean start() throws Exception {
        Path config = dir.resolve("sshd_config");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "Port " + port,
                        "ListenAddress 127.0.0.1",
                        "HostKey " + dir.resolve("host_key"),
                        "PidFile " + dir.resolve("sshd.pid"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "StrictModes no",
                        "PermitRootLogin prohibit-password",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "AllowUsers " + user(),
                        "MaxStartups 200",
                        "MaxSessions 50",
                        "LogLevel INFO",
                        "Subsystem sftp internal-sftp" + (readOnly ? " -R" : ""),
                        ""),
                StandardCharsets.UTF_8);
        process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false; // e.g. the port was taken meanwhile
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        stop();
        return false;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Stops the sshd this fixture started, and the session processes it forked. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroy);
        process = null;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static String user() {
        return System.getProperty("user.name");
    }

    private static void keygen(String type, Path file) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "test"));
        if (type.equals("ecdsa")) {
            cmd.addAll(List.of("-b", "256"));
        } else if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "3072"));
        }
        cmd.addAll(List.of("-f", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The private key of a user key type the server accepts. */
    Path userKey(String type) {
        return dir.resolve("id_" + type);
    }

    /** A private key the server does not accept. */
    Path strangerKey() {
        return dir.resolve("stranger_key");
    }

    /** A known_hosts file listing this server's host key for {@code 127.0.0.1:port}. */
    Path knownHosts(int port) {
        return knownHosts(port, dir.resolve("host_key.pub"));
    }

    /** A known_hosts file that lists another key for this server: a changed host key. */
    Path knownHostsWithOtherKey(int port) {
        return knownHosts(port, dir.resolve("other_host_key.pub"));
    }

    private Path knownHosts(int port, Path publicKey) {
        try {
            String[] key = Files.readString(publicKey).trim().split(" ");
            Path file = dir.resolve("known_hosts-" + UUID.randomUUID());
            Files.writeString(file, "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, not yet existing folder on the server (a local path: the server runs here). */
    Path newFolder() {
        return dir.resolve("data").resolve("f-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Options for this server with the ed25519 user key. */
    Map<String, Object> options() {
        return options(port, "ed25519");
    }

    /** Options for {@code port} (the server's, or a relay's in front of it) and a user key type. */
    Map<String, Object> options(int port, String keyType) {
        Map<String, Object> o = new HashMap<>();
        o.put("host", "127.0.0.1");
        o.put("port", port);
        o.put("user", user());
        o.put("private_key_file", userKey(keyType).toString());
        o.put("known_hosts_file", knownHosts(port).toString());
        return o;
    }

    static StorageConfig config(Path folder, Map<String, Object> options) {
        return new StorageConfig(folder.toString(), new ProviderOptions("backup_options", options));
    }

    /** A storage in {@code folder} with {@code options}, retries quick for tests. */
    SftpStorage storage(Path folder, Map<String, Object> options) {
        SftpSettings s = SftpStorageProvider.settings(config(folder, options));
        return new SftpStorage(s.withRetries(s.maxAttempts(), java.time.Duration.ofMillis(50)));
    }

    /** Everything in {@code folder}, dot files included (the server's view, read locally). */
    static List<String> filesIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

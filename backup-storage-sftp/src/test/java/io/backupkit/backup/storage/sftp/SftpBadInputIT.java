package io.backupkit.backup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.ObjectWrite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad surroundings against a real sshd: each is a typed error naming the option to fix, comes
 * quickly (no retry storm), and leaves nothing in the folder.
 */
class SftpBadInputIT {
    @RegisterExtension
    static final SshdServer SERVER = new SshdServer();

    /** A second server whose SFTP subsystem refuses every write ({@code internal-sftp -R}). */
    @RegisterExtension
    static final SshdServer READ_ONLY = new SshdServer(true);

    private static final Duration QUICK = Duration.ofSeconds(5);

    @Test
    void wrongKeyIsRefusedNamingTheKeyOption() {
        Map<String, Object> o = SERVER.options();
        o.put("private_key_file", SERVER.strangerKey().toString());
        UnableToStoreException e = failsQuicklyLeavingNothing(o, SftpAuthenticationException.class);
        assertThat(e.getMessage()).contains("refused the login", "backup_options.private_key_file", SshdServer.user());
        assertThat(((SftpAuthenticationException) e).option()).isEqualTo("backup_options.private_key_file");
    }

    @Test
    void keyFileThatIsNoKeyNamesTheKeyOption() throws Exception {
        Path garbage = Files.writeString(SERVER.dir().resolve("not-a-key"), "this is not a key\n");
        Map<String, Object> o = SERVER.options();
        o.put("private_key_file", garbage.toString());
        UnableToStoreException e = failsQuicklyLeavingNothing(o, SftpAuthenticationException.class);
        assertThat(e.getMessage()).contains("backup_options.private_key_file", "OpenSSH private key");
    }

    @Test
    void passwordRefusedNamesThePasswordOption() throws Exception {
        String password = "not-the-password-4711";
        Path file = Files.writeString(SERVER.dir().resolve("password"), password + "\n");
        Map<String, Object> o = SERVER.options();
        o.remove("private_key_file");
        o.put("password_file", file.toString());
        UnableToStoreException e = failsQuicklyLeavingNothing(o, SftpAuthenticationException.class);
        assertThat(e.getMessage()).contains("backup_options.password_file");
        assertThat(fullText(e)).doesNotContain(password);
    }

    @Test
    void unknownHostKeyIsRefusedNamingTheKnownHostsFile() throws Exception {
        Path empty = Files.writeString(SERVER.dir().resolve("known_hosts-empty"), "");
        Map<String, Object> o = SERVER.options();
        o.put("known_hosts_file", empty.toString());
        UnableToStoreException e = failsQuicklyLeavingNothing(o, SftpHostKeyException.class);
        assertThat(e.getMessage()).contains("host key", empty.toString(), "backup_options.known_hosts_file");
        assertThat(((SftpHostKeyException) e).option()).isEqualTo("backup_options.known_hosts_file");
        assertThat(Files.readString(empty)).as("the key was not added").isEmpty();
    }

    @Test
    void changedHostKeyIsRefusedNamingTheKnownHostsFile() throws Exception {
        Path other = SERVER.knownHostsWithOtherKey(SERVER.port());
        String before = Files.readString(other);
        Map<String, Object> o = SERVER.options();
        o.put("known_hosts_file", other.toString());
        UnableToStoreException e = failsQuicklyLeavingNothing(o, SftpHostKeyException.class);
        assertThat(e.getMessage()).contains("host key", "CHANGED", other.toString());
        assertThat(Files.readString(other)).as("the file was not changed").isEqualTo(before);
    }

    @Test
    void unreachableHostFailsAtOnceNamingHostAndPort() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Map<String, Object> o = SERVER.options(closed, "ed25519");
        UnableToStoreException e = failsQuicklyLeavingNothing(o, UnableToStoreException.class);
        assertThat(e.getMessage()).contains("cannot be reached", "backup_options.host", "backup_options.port");
    }

    @Test
    void folderWithoutWritePermissionNamesThePath() throws Exception {
        Path folder = Files.createDirectories(READ_ONLY.newFolder());
        try (SftpStorage storage = READ_ONLY.storage(folder, READ_ONLY.options())) {
            assertThat(storage.list("")).isEmpty(); // reading works
            for (ThrowingCallable write : new ThrowingCallable[] {
                () -> {
                    try (ObjectWrite w = storage.openWrite("x.bin")) {
                        w.stream().write(new byte[1000]);
                        w.commit();
                    }
                },
                () -> storage.createIfAbsent("backup.lease", new byte[] {1})
            }) {
                long t0 = System.nanoTime();
                Throwable t = catchThrowable(write);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(QUICK);
                assertThat(t).isInstanceOf(SftpPathException.class);
                assertThat(t.getMessage()).contains("permission denied", "backup_options.path", folder.toString());
                assertThat(((SftpPathException) t).option()).isEqualTo("backup_options.path");
            }
        }
        assertThat(SshdServer.filesIn(folder)).isEmpty();
    }

    @Test
    void pathThatIsAFileNamesThePath() throws Exception {
        Path file = Files.writeString(SERVER.newFolder(), "a file");
        try (SftpStorage storage = SERVER.storage(file, SERVER.options())) {
            Throwable t = catchThrowable(() -> storage.createIfAbsent("backup.lease", new byte[] {1}));
            assertThat(t).isInstanceOf(SftpPathException.class).hasMessageContaining("not a folder");
        }
        assertThat(Files.readString(file)).isEqualTo("a file");
    }

    /** Runs a write, a list and a lease with {@code options}; each must fail as {@code type}, fast. */
    private static UnableToStoreException failsQuicklyLeavingNothing(
            Map<String, Object> options, Class<? extends UnableToStoreException> type) {
        Path folder = SERVER.newFolder();
        UnableToStoreException first = null;
        try (SftpStorage storage = SERVER.storage(folder, options)) {
            for (ThrowingCallable call : new ThrowingCallable[] {
                () -> {
                    try (ObjectWrite w = storage.openWrite("x.bin")) {
                        w.stream().write(new byte[300_000]);
                        w.commit();
                    }
                },
                () -> storage.list(""),
                () -> storage.createIfAbsent("backup.lease", new byte[] {1})
            }) {
                long t0 = System.nanoTime();
                Throwable t = catchThrowable(call);
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .as("failing took too long: %s", t)
                        .isLessThan(QUICK);
                assertThat(t).isInstanceOf(type);
                first = first == null ? (UnableToStoreException) t : first;
            }
        }
        assertThat(Files.exists(folder)).as("nothing created on the server").isFalse();
        return first;
    }

    private static String fullText(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}

package io.backupkit.backup.encryption.openpgp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * As a static {@code @RegisterExtension} field: the real gpg with a home folder of its own for a test
 * class ({@link Gpg#requireGpg} first), and the test keys, each generated once when first asked for.
 */
final class GpgKeys implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, Gpg.Keys> keys = new HashMap<>();
    private Path dir;
    private Gpg gpg;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Gpg.requireGpg();
        dir = Files.createTempDirectory("gpg-keys-");
        gpg = new Gpg(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p); // gpg-agent may remove its sockets meanwhile
            }
        }
    }

    Gpg gpg() {
        return gpg;
    }

    /** A key without passphrase for alice@example.com. */
    Gpg.Keys alice() throws Exception {
        return key("alice@example.com");
    }

    /** A key without passphrase for bob@example.com. */
    Gpg.Keys bob() throws Exception {
        return key("bob@example.com");
    }

    private synchronized Gpg.Keys key(String email) throws Exception {
        Gpg.Keys k = keys.get(email);
        if (k == null) {
            k = gpg.generate(email);
            keys.put(email, k);
        }
        return k;
    }
}

package io.backupkit.backup.encryption.openpgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real gpg with its own home folder (no agent state shared with the machine). */
final class Gpg {
    final Path home;

    Gpg(Path dir) throws IOException {
        this.home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    /** Fails in CI (backup.it.required=true) when gpg is missing, skips elsewhere. */
    static void requireGpg() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/gpg"));
        if (!present && "true".equals(System.getProperty("backup.it.required"))) {
            throw new AssertionError("gpg is not installed; .ci/run installs gnupg");
        }
        Assumptions.assumeTrue(present, "gpg is not installed");
    }

    String run(String... args) throws Exception {
        return run(null, args);
    }

    String run(Path stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "gpg", "--homedir", home.toString(), "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("gpg %s: %s", String.join(" ", args), err).isZero();
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Generates a key without passphrase and exports its public and secret parts. */
    Keys generate(String email, String... extra) throws Exception {
        return create(email, "", extra.length > 0 ? "1d" : "never", extra);
    }

    /** Generates a key whose secret part is protected by {@code passphrase}. */
    Keys generateProtected(String email, String passphrase) throws Exception {
        return create(email, passphrase, "never");
    }

    private Keys create(String email, String passphrase, String expiry, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of(
                "--passphrase",
                passphrase,
                "--quick-generate-key",
                "Backup Test <" + email + ">",
                "rsa3072",
                "sign,encrypt",
                expiry));
        run(args.toArray(String[]::new));
        Path pub = home.resolveSibling(email + ".pub.asc");
        Path sec = home.resolveSibling(email + ".sec.asc");
        Files.writeString(pub, run("--armor", "--export", email), StandardCharsets.ISO_8859_1);
        Files.writeString(
                sec,
                run("--passphrase", passphrase, "--armor", "--export-secret-keys", email),
                StandardCharsets.ISO_8859_1);
        return new Keys(email, pub, sec);
    }

    record Keys(String email, Path publicKey, Path secretKey) {}
}

package io.backupkit.backup.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UmaskTest {
    @Test
    void isTheUmaskAShellStartedByThisProcessReports() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String shell = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(Umask.read()).isEqualTo(Integer.parseInt(shell, 8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void permsAreTheModesNineBits() {
        var attr = (FileAttribute<Set<PosixFilePermission>>) MediaExtractor.perms(0751)[0];
        assertThat(PosixFilePermissions.toString(attr.value())).isEqualTo("rwxr-x--x");
        attr = (FileAttribute<Set<PosixFilePermission>>) MediaExtractor.perms(0640)[0];
        assertThat(PosixFilePermissions.toString(attr.value())).isEqualTo("rw-r-----");
    }
}

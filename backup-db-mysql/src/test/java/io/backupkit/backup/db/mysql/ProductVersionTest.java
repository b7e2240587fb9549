package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProductVersionTest {
    @Test
    void serverVersions() {
        assertThat(ProductVersion.ofServer("10.11.19-MariaDB-0+deb12u1"))
                .contains(new ProductVersion(true, 10, 11, 19));
        assertThat(ProductVersion.ofServer("5.5.5-10.6.18-MariaDB-log")).contains(new ProductVersion(true, 10, 6, 18));
        assertThat(ProductVersion.ofServer("8.0.36")).contains(new ProductVersion(false, 8, 0, 36));
        assertThat(ProductVersion.ofServer("8.4.0-commercial")).contains(new ProductVersion(false, 8, 4, 0));
        assertThat(ProductVersion.ofServer("garbage")).isEmpty();
    }

    @Test
    void toolVersions() {
        assertThat(ProductVersion.ofTool(
                        "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)"))
                .contains(new ProductVersion(true, 10, 11, 19));
        assertThat(ProductVersion.ofTool("mariadb from 11.4.2-MariaDB, client 15.2 for linux-systemd (x86_64)"))
                .contains(new ProductVersion(true, 11, 4, 2));
        assertThat(ProductVersion.ofTool("mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"))
                .contains(new ProductVersion(false, 8, 0, 36));
        assertThat(ProductVersion.ofTool("mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)"))
                .contains(new ProductVersion(false, 5, 7, 44));
        assertThat(ProductVersion.ofTool("nothing here")).isEmpty();
    }

    @Test
    void sandboxLineSupport() {
        assertThat(new ProductVersion(true, 10, 11, 8).understandsSandboxLine()).isTrue();
        assertThat(new ProductVersion(true, 10, 11, 7).understandsSandboxLine()).isFalse();
        assertThat(new ProductVersion(true, 10, 6, 18).understandsSandboxLine()).isTrue();
        assertThat(new ProductVersion(true, 10, 6, 17).understandsSandboxLine()).isFalse();
        assertThat(new ProductVersion(true, 11, 8, 0).understandsSandboxLine()).isTrue();
        assertThat(new ProductVersion(false, 8, 4, 0).understandsSandboxLine()).isFalse();
    }

    @Test
    void ordering() {
        ProductVersion v = new ProductVersion(true, 10, 11, 19);
        assertThat(v.atLeast(10, 11)).isTrue();
        assertThat(v.atLeast(10, 6)).isTrue();
        assertThat(v.atLeast(11, 0)).isFalse();
        assertThat(v).isGreaterThan(new ProductVersion(true, 10, 11, 8));
    }
}

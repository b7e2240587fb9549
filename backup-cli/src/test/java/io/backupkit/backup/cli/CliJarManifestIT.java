package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What the command line jar's manifest tells the JVM that runs it with {@code -jar}. */
class CliJarManifestIT {
    @Test
    void opensTheJdkFileAttributesSoMediaEntriesAreReadWithoutTheAttributeMap() throws Exception {
        try (JarFile jar = new JarFile(CliJar.JAR.toFile())) {
            String opens = jar.getManifest().getMainAttributes().getValue("Add-Opens");
            assertThat(opens).as("Add-Opens of " + CliJar.JAR).isNotNull();
            assertThat(opens.split(" ")).contains("java.base/sun.nio.fs");
        }
    }
}

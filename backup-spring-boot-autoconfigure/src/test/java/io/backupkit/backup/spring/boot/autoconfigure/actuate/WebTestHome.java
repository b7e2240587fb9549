package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The folder of a web test's H2 application: its database, its backups and its (empty) media folder. */
final class WebTestHome {
    private WebTestHome() {}

    /** Creates the folder (named from {@code prefix}) and registers the application's settings for it. */
    static Path register(DynamicPropertyRegistry registry, String prefix) throws IOException {
        Path home = Files.createTempDirectory(prefix);
        Files.createDirectories(home.resolve("media"));
        registry.add("spring.datasource.url", () -> "jdbc:h2:" + home.resolve("db/shop") + ";DB_CLOSE_DELAY=-1");
        registry.add("backupkit.dir", () -> home.resolve("backups").toString());
        registry.add("backupkit.media-dir", () -> home.resolve("media").toString());
        return home;
    }
}

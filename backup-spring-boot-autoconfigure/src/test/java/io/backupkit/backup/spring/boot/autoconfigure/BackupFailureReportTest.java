package io.backupkit.backup.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.spring.boot.autoconfigure.actuate.BackupsEndpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What a host sees when a setting is wrong, and what it exposes without asking: a whole application start. */
@ExtendWith(OutputCaptureExtension.class)
class BackupFailureReportTest {
    @TempDir
    Path tmp;

    @SpringBootApplication
    static class App {}

    private SpringApplication app() {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app;
    }

    @Test
    void anUnknownStorageIsReportedNamingThePropertyNotAsAStackTraceAlone(CapturedOutput output) {
        assertThatThrownBy(() -> app().run(
                                "--spring.datasource.url=jdbc:h2:mem:spring_report",
                                "--spring.flyway.enabled=false",
                                "--backupkit.dir=" + tmp.resolve("backups"),
                                "--backupkit.storage=nope"))
                .isInstanceOf(Exception.class);
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("unknown storage 'nope' (backupkit.storage)")
                .contains("Update backupkit.storage in your application's configuration");
    }

    @Test
    void theEndpointIsNotExposedUnlessTheHostExposesIt() {
        try (var context = app().run(
                        "--spring.datasource.url=jdbc:h2:mem:spring_exposure",
                        "--spring.flyway.enabled=false",
                        "--backupkit.dir=" + tmp.resolve("backups"))) {
            assertThat(context.getBeansOfType(BackupsEndpoint.class)).isEmpty();
        }
        try (var context = app().run(
                        "--spring.datasource.url=jdbc:h2:mem:spring_exposure2",
                        "--spring.flyway.enabled=false",
                        "--spring.jmx.enabled=true",
                        "--management.endpoints.jmx.exposure.include=backups",
                        "--backupkit.dir=" + tmp.resolve("backups"))) {
            assertThat(context.getBeansOfType(BackupsEndpoint.class)).hasSize(1);
        }
    }
}

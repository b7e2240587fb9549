package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.PruneMode;
import io.backupkit.backup.RetentionPolicy;
import io.backupkit.backup.VerifyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/** The {@code backups} endpoint, the health indicator and the metrics over HTTP, in a web application on H2. */
@SpringBootTest(
        classes = BackupsEndpointWebTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=backups,health,metrics",
            "management.endpoint.health.show-details=always",
            "spring.flyway.enabled=false",
            "spring.application.name=h2-shop"
        })
class BackupsEndpointWebTest {
    static Path home;

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) throws IOException {
        home = WebTestHome.register(registry, "spring_h2_");
        Files.writeString(home.resolve("media/logo.png"), "png");
    }

    @AfterAll
    static void removeFolders() throws IOException {
        FileSystemUtils.deleteRecursively(home);
    }

    @Autowired
    TestRestTemplate http;

    @Autowired
    BackupManager manager;

    final ObjectMapper json = new ObjectMapper();

    private JsonNode read(ResponseEntity<String> response) throws IOException {
        return json.readTree(response.getBody());
    }

    @Test
    void createListShowHealthAndMetrics() throws Exception {
        assertThat(manager).isInstanceOf(MeteredBackupManager.class);

        ResponseEntity<String> created =
                http.postForEntity("/actuator/backups", Map.of("labels", "before-import"), String.class);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode backup = read(created);
        String id = backup.get("id").asText();
        assertThat(backup.get("labels").toString()).isEqualTo("[\"manual\",\"before-import\"]");
        assertThat(backup.get("database").get("dumper").asText()).isEqualTo("h2");
        assertThat(backup.get("host").get("application").asText()).isEqualTo("h2-shop");

        JsonNode list = read(http.getForEntity("/actuator/backups", String.class));
        assertThat(list.isArray()).isTrue();
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);
        for (String field : new String[] {"id", "created", "labels", "size", "database", "media", "artifacts"}) {
            assertThat(list.get(0).has(field)).as(field).isTrue();
        }
        assertThat(read(http.getForEntity("/actuator/backups/" + id, String.class))
                        .get("size")
                        .asLong())
                .isEqualTo(backup.get("size").asLong());
        assertThat(http.getForEntity("/actuator/backups/backup-20000101T000000Z-0000", String.class)
                        .getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);

        ResponseEntity<String> refused =
                http.postForEntity("/actuator/backups/" + id + "/restore", Map.of("confirm", id), String.class);
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(read(refused).get("error").asText()).contains("backupkit.endpoint.restore-enabled=true");

        ResponseEntity<String> probe = http.getForEntity("/actuator/health/backup", String.class);
        assertThat(probe.getStatusCode()).as("%s", probe).isEqualTo(HttpStatus.OK);
        JsonNode health = read(probe);
        assertThat(health.get("status").asText()).isEqualTo("UNKNOWN"); // no schedule, no max-age
        assertThat(health.get("details").get("newest").asText()).isEqualTo(id);

        manager.verify(id, VerifyMode.DEEP);
        manager.prune(RetentionPolicy.keepLast(5), PruneMode.APPLY);
        assertThat(metric("backupkit.operation.duration?tag=operation:create&tag=outcome:success", "COUNT"))
                .isEqualTo(1.0);
        assertThat(metric("backupkit.operation.duration?tag=operation:verify&tag=outcome:success", "COUNT"))
                .isEqualTo(1.0);
        assertThat(metric("backupkit.operation.duration?tag=operation:prune", "COUNT"))
                .isEqualTo(1.0);
        assertThat(metric("backupkit.backup.size", "TOTAL"))
                .isEqualTo(backup.get("size").asDouble());
        assertThat(metric("backupkit.backup.last.success", "VALUE")).isEqualTo((double)
                java.time.Instant.parse(backup.get("created").asText()).getEpochSecond());
    }

    @Test
    void aBadLabelIsABadRequestAndAFailedCreateIsCountedAsAFailure() throws Exception {
        ResponseEntity<String> bad =
                http.postForEntity("/actuator/backups", Map.of("labels", "nightly, "), String.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(read(bad).get("error").asText()).contains("a label must be 1-64 characters");

        Path media = home.resolve("media");
        Path aside = home.resolve("media-aside");
        Files.move(media, aside); // the media folder is gone: the create fails
        try {
            ResponseEntity<String> failed = http.postForEntity("/actuator/backups", Map.of(), String.class);
            assertThat(failed.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
            assertThat(read(failed).get("error").asText()).contains("does not exist");
        } finally {
            Files.move(aside, media);
        }
        assertThat(metric("backupkit.operation.duration?tag=operation:create&tag=outcome:failure", "COUNT"))
                .isEqualTo(1.0);
    }

    private double metric(String query, String statistic) throws IOException {
        ResponseEntity<String> r = http.getForEntity("/actuator/metrics/" + query, String.class);
        assertThat(r.getStatusCode()).as(query).isEqualTo(HttpStatus.OK);
        for (JsonNode m : read(r).get("measurements")) {
            if (m.get("statistic").asText().equals(statistic)) {
                return m.get("value").asDouble();
            }
        }
        throw new AssertionError(statistic + " not in " + r.getBody());
    }
}

package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/** {@code POST /actuator/backups/{id}/restore} when a host switches it on: confirmed, it restores database and media. */
@SpringBootTest(
        classes = BackupsEndpointRestoreWebTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=backups",
            "backupkit.endpoint.restore-enabled=true",
            "spring.flyway.enabled=false"
        })
class BackupsEndpointRestoreWebTest {
    static Path home;

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) throws IOException {
        home = WebTestHome.register(registry, "spring_h2_restore_");
    }

    @AfterAll
    static void removeFolders() throws IOException {
        FileSystemUtils.deleteRecursively(home);
    }

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate jdbc;

    final ObjectMapper json = new ObjectMapper();

    @Test
    void aConfirmedRestorePutsDatabaseAndMediaBack() throws Exception {
        jdbc.execute("CREATE TABLE item (id INT PRIMARY KEY)");
        jdbc.execute("INSERT INTO item VALUES (1)");
        Files.writeString(home.resolve("media/a.txt"), "a");
        String id = json.readTree(http.postForEntity("/actuator/backups", Map.of(), String.class)
                        .getBody())
                .get("id")
                .asText();
        jdbc.execute("INSERT INTO item VALUES (2)");
        Files.writeString(home.resolve("media/b.txt"), "b");

        ResponseEntity<String> unconfirmed =
                http.postForEntity("/actuator/backups/" + id + "/restore", Map.of(), String.class);
        assertThat(unconfirmed.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(unconfirmed.getBody()).contains("confirm=" + id);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM item", Long.class)).isEqualTo(2);

        ResponseEntity<String> restored = http.postForEntity(
                "/actuator/backups/" + id + "/restore",
                Map.of("confirm", id, "terminateSessions", "true"),
                String.class);
        assertThat(restored.getStatusCode()).as(restored.getBody()).isEqualTo(HttpStatus.OK);
        JsonNode body = json.readTree(restored.getBody());
        assertThat(body.get("restored").get("id").asText()).isEqualTo(id);
        assertThat(body.get("safetyBackup").asText()).isNotEqualTo(id);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM item", Long.class)).isEqualTo(1);
        assertThat(home.resolve("media/b.txt")).doesNotExist();

        assertThat(http.postForEntity(
                                "/actuator/backups/backup-20000101T000000Z-0000/restore",
                                Map.of("confirm", "backup-20000101T000000Z-0000"),
                                String.class)
                        .getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }
}

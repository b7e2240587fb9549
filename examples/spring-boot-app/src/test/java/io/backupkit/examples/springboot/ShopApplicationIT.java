package io.backupkit.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The shop against the real PostgreSQL on 127.0.0.1:5432, over HTTP: a backup through the
 * {@code backups} endpoint, the list, the health indicator, the metrics, and a restore through the
 * manager bean.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopApplicationIT {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String DB = "spring_shop_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5));
    static Path home;

    @DynamicPropertySource
    static void databaseAndFolders(DynamicPropertyRegistry registry) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DB);
        } catch (SQLException e) {
            String reason = "PostgreSQL on 127.0.0.1:5432 is not reachable: " + e.getMessage();
            if (Boolean.getBoolean("backup.it.required")) {
                fail(reason + " (backup.it.required=true)");
            }
            assumeTrue(false, reason);
        }
        home = Files.createTempDirectory("spring_shop_");
        registry.add("spring.datasource.url", () -> SERVER + DB);
        registry.add("shop.home", () -> home.toString());
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (home != null) {
            FileSystemUtils.deleteRecursively(home);
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    @Autowired
    TestRestTemplate http;

    @Autowired
    BackupManager backups;

    @Autowired
    DataSource pool;

    final ObjectMapper json = new ObjectMapper();

    JsonNode get(String path) throws Exception {
        ResponseEntity<String> r = http.getForEntity(path, String.class);
        assertThat(r.getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
        return json.readTree(r.getBody());
    }

    long products() {
        return http.getForObject("/products/count", Long.class);
    }

    @Test
    void backUpOverTheEndpointListCheckHealthAndMetricsThenRestore() throws Exception {
        assertThat(backups.list()).as("a fresh install takes no pre-upgrade backup").isEmpty();
        http.postForObject("/products?name=blue mug&image=mug", null, Map.class);

        ResponseEntity<String> created =
                http.postForEntity("/actuator/backups", Map.of("labels", "before-sale"), String.class);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode backup = json.readTree(created.getBody());
        String id = backup.get("id").asText();
        assertThat(backup.get("database").get("dumper").asText()).isEqualTo("postgres");
        assertThat(backup.get("media").get("fileCount").asLong()).isEqualTo(1);
        assertThat(backup.get("host").get("application").asText()).isEqualTo("shop");
        assertThat(backup.get("host").get("version").asText()).isEqualTo("1.0.0");

        JsonNode list = get("/actuator/backups");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);
        assertThat(list.get(0).get("labels").toString()).isEqualTo("[\"manual\",\"before-sale\"]");

        JsonNode health = get("/actuator/health/backup");
        assertThat(health.get("status").asText()).isEqualTo("UNKNOWN"); // schedule off, no max-age: the age only
        assertThat(health.get("details").get("newest").asText()).isEqualTo(id);

        JsonNode timer = get("/actuator/metrics/backupkit.operation.duration?tag=operation:create&tag=outcome:success");
        assertThat(timer.get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
        JsonNode last = get("/actuator/metrics/backupkit.backup.last.success");
        assertThat(last.get("measurements").get(0).get("value").asDouble())
                .isEqualTo((double) java.time.Instant.parse(backup.get("created").asText()).getEpochSecond());

        http.postForObject("/products?name=red mug&image=red", null, Map.class);
        assertThat(products()).isEqualTo(2);

        // the admin's restore: it ends the pool's sessions, then the pool opens new ones
        RestoreResult restored = backups.restore(RestoreOptions.of(id).terminatingSessions());
        ((HikariDataSource) pool).getHikariPoolMXBean().softEvictConnections();
        assertThat(restored.restored().id().value()).isEqualTo(id);
        assertThat(products()).isEqualTo(1);
        assertThat(home.resolve("media/products/red_mug.png")).doesNotExist();
        assertThat(home.resolve("media/products/blue_mug.png")).hasContent("mug");
        assertThat(get("/actuator/metrics/backupkit.operation.duration?tag=operation:restore&tag=outcome:success")
                        .get("measurements")
                        .get(0)
                        .get("value")
                        .asDouble())
                .isEqualTo(1.0);
    }
}

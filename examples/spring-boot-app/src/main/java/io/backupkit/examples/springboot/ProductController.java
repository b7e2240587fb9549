package io.backupkit.examples.springboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Adds products with an uploaded image and counts them: the data the backups hold. */
@RestController
public class ProductController {
    private final JdbcTemplate jdbc;
    private final Path media;

    public ProductController(JdbcTemplate jdbc, @Value("${backupkit.media-dir}") Path media) throws IOException {
        this.jdbc = jdbc;
        this.media = Files.createDirectories(media); // a first start has none yet
    }

    @PostMapping("/products")
    public Map<String, Object> add(@RequestParam String name, @RequestParam String image) throws IOException {
        String file = "products/" + name.replaceAll("[^a-z0-9]", "_") + ".png";
        Files.createDirectories(media.resolve(file).getParent());
        Files.writeString(media.resolve(file), image);
        Long id = jdbc.queryForObject(
                "INSERT INTO product (name, image) VALUES (?, ?) RETURNING id", Long.class, name, file);
        return Map.of("id", id, "image", file);
    }

    @GetMapping("/products/count")
    public long count() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM product", Long.class);
        return n == null ? 0 : n;
    }
}

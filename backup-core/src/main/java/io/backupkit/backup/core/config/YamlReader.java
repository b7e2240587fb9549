package io.backupkit.backup.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.backupkit.backup.BackupConfigurationException;

/**
 * Parses the YAML config file. YAML support is an optional dependency of backup-core (the command
 * line tool brings it): a host that reads no config file does not need it, and one that does is
 * told which dependency to add.
 */
final class YamlReader {
    private YamlReader() {}

    static JsonNode read(String text, String key) throws JsonProcessingException {
        try {
            return Mapper.YAML.readTree(text);
        } catch (NoClassDefFoundError e) {
            throw new BackupConfigurationException(
                    key,
                    "reading a YAML config file needs com.fasterxml.jackson.dataformat:jackson-dataformat-yaml on the"
                            + " class path; add it (the backup-bom manages its version) or configure without a file",
                    e);
        }
    }

    /** Loaded on first use only, so the class path needs the YAML module only when a file is read. */
    private static final class Mapper {
        static final ObjectMapper YAML = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .build();
    }
}

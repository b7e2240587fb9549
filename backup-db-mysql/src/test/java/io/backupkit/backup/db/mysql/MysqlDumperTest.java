package io.backupkit.backup.db.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.backup.BackupConfigurationException;
import io.backupkit.backup.Secret;
import io.backupkit.backup.spi.DatabaseDumperProvider;
import io.backupkit.backup.spi.ProviderOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MysqlDumperTest {
    @Test
    void providerIsFoundAndHandlesMysqlAndMariadbUrls() {
        var ids = ServiceLoader.load(DatabaseDumperProvider.class).stream()
                .map(p -> p.get().id())
                .collect(Collectors.toList());
        assertThat(ids).contains("mysql");
        MysqlDumperProvider p = new MysqlDumperProvider();
        assertThat(p.supports("jdbc:mysql://h/db")).isTrue();
        assertThat(p.supports("jdbc:MariaDB://h/db")).isTrue();
        assertThat(p.supports("jdbc:postgresql://h/db")).isFalse();
        assertThat(p.supports(null)).isFalse();
    }

    @Test
    void optionFileQuotesAndEscapesValues() {
        String file = MysqlConnection.optionFile("us\"er", Secret.of("a\\b\"c'd#e;f g\nh"));

        assertThat(file).isEqualTo("[client]\nuser=\"us\\\"er\"\npassword=\"a\\\\b\\\"c\\'d#e;f g\\nh\"\n");
        assertThat(MysqlConnection.optionFile(null, null)).isEqualTo("[client]\n");
    }

    @Test
    void extraToolArgumentsAreLongOptionsTheDumperDoesNotOwn() {
        assertThat(MysqlOptions.extraArgs(opts(" --ssl-ca=/etc/ca.pem   --ssl-verify-server-cert "), "dump_args"))
                .containsExactly("--ssl-ca=/etc/ca.pem", "--ssl-verify-server-cert");
        assertThat(MysqlOptions.extraArgs(opts(List.of("--ssl", "--skip-extended-insert")), "dump_args"))
                .containsExactly("--ssl", "--skip-extended-insert");
        assertThat(MysqlOptions.extraArgs(opts(null), "dump_args")).isEmpty();
        for (String bad : new String[] {
            "--password=hunter2", "-phunter2", "--defaults-file=/x", "--host=h", "--user=u", "--databases", "x", "--"
        }) {
            assertThatThrownBy(() -> MysqlOptions.extraArgs(opts(bad), "dump_args"))
                    .as(bad)
                    .isInstanceOf(BackupConfigurationException.class)
                    .hasMessageContaining("database.options.dump_args")
                    .hasMessageNotContaining("hunter2");
        }
    }

    private static ProviderOptions opts(Object dumpArgs) {
        Map<String, Object> m = new HashMap<>();
        m.put("dump_args", dumpArgs);
        return new ProviderOptions("database.options", m);
    }

    @Test
    void identifiersAreQuoted() {
        assertThat(MysqlSql.q("we`ird")).isEqualTo("`we``ird`");
    }

    @Test
    void clientErrorsAreSummarised() {
        assertThat(MysqlFailure.errorSummary("--------------\nTHIS IS NOT SQL\n--------------\n\n"
                        + "ERROR 1064 (42000) at line 12: You have an error in your SQL syntax"))
                .isEqualTo("ERROR 1064 (42000) at line 12: You have an error in your SQL syntax");
        assertThat(MysqlFailure.errorSummary("something else")).isEqualTo("something else");
    }

    @Test
    void dumpTailSeesCompletionAndInvalidUtf8() {
        DumpTail ok = new DumpTail();
        byte[] text =
                "-- MariaDB dump\nINSERT 'é😀';\n-- Dump completed on 2026-11-27\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length; i += 7) {
            ok.update(text, i, Math.min(7, text.length - i));
        }
        assertThat(ok.completed()).isTrue();
        assertThat(ok.invalidUtf8At()).isEqualTo(-1);
        assertThat(ok.total()).isEqualTo(text.length);

        DumpTail cut = new DumpTail();
        cut.update(text, 0, text.length - 20);
        assertThat(cut.completed()).isFalse();

        DumpTail bad = new DumpTail();
        byte[] damaged = text.clone();
        damaged[5] = (byte) 0xFF;
        bad.update(damaged, 0, damaged.length);
        assertThat(bad.invalidUtf8At()).isEqualTo(5);

        DumpTail overlong = new DumpTail();
        overlong.update(new byte[] {'a', (byte) 0xC0, (byte) 0xAF}, 0, 3);
        assertThat(overlong.invalidUtf8At()).isEqualTo(1);

        DumpTail split = new DumpTail();
        split.update(new byte[] {'a', (byte) 0xE2}, 0, 2);
        assertThat(split.invalidUtf8At()).as("a sequence cut at the end").isEqualTo(2);
    }
}

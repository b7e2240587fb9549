package io.backupkit.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    @Test
    void concurrentPhasesAreSummedAndShown() {
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (ProgressListener l = new ProgressListener(
                new PrintWriter(err, true), new PrintStream(bar, true, StandardCharsets.UTF_8), false)) {
            l.phaseStarted(Phase.DATABASE_DUMP, -1);
            l.phaseStarted(Phase.MEDIA_ARCHIVE, 4 << 20);
            l.progress(Phase.DATABASE_DUMP, 3 << 20);
            l.progress(Phase.MEDIA_ARCHIVE, 1 << 20);
            assertThat(l.totalBytes()).isEqualTo(4 << 20);
            assertThat(l.activePhases()).isEqualTo("database dump + media archive");
            l.phaseFinished(Phase.DATABASE_DUMP);
            l.progress(Phase.MEDIA_ARCHIVE, 4 << 20);
            l.phaseFinished(Phase.MEDIA_ARCHIVE);
            // a phase that runs again (the safety backup's dump) adds to the total
            l.phaseStarted(Phase.DATABASE_DUMP, 10);
            l.progress(Phase.DATABASE_DUMP, 10);
            assertThat(l.totalBytes()).isEqualTo((7 << 20) + 10);
            l.warning("a symlink was skipped:\nmedia/link");
        }
        assertThat(bar.toString(StandardCharsets.UTF_8)).contains("backup").contains("MiB");
        assertThat(err.toString())
                .isEqualTo("backup: warning: a symlink was skipped: | media/link" + System.lineSeparator());
    }

    @Test
    void quietDropsWarningsAndNoBarDrawsNothing() {
        StringWriter err = new StringWriter();
        try (ProgressListener l = new ProgressListener(new PrintWriter(err, true), (PrintStream) null, true)) {
            l.phaseStarted(Phase.DATABASE_DUMP, 5);
            l.progress(Phase.DATABASE_DUMP, 5);
            l.warning("ignored");
            assertThat(l.totalBytes()).isEqualTo(5);
        }
        assertThat(err.toString()).isEmpty();
    }
}

package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClosingSessionsTest {
    @Test
    void sessionsThatLeaveWithinTheGraceAreNotInUse() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        List<String> left = ClosingSessions.settle(
                List.of("closing"), () -> looks.incrementAndGet() < 3 ? List.of("closing") : List.of());
        assertThat(left).isEmpty();
        assertThat(looks.get()).isEqualTo(3);
    }

    @Test
    void sessionsThatStayAreReportedAfterTheGrace() throws Exception {
        long start = System.nanoTime();
        List<String> left = ClosingSessions.settle(List.of("pool"), () -> List.of("pool"));
        assertThat(left).containsExactly("pool");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(ClosingSessions.GRACE_MILLIS, 10_000L);
    }

    @Test
    void noSessionsAskNothingMore() throws Exception {
        assertThat(ClosingSessions.<String>settle(List.of(), () -> {
                    throw new AssertionError("looked again");
                }))
                .isEmpty();
    }
}

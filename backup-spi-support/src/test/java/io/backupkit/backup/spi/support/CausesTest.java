package io.backupkit.backup.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class CausesTest {
    @Test
    void findsTheFirstMatchingCauseItselfFirst() {
        SocketTimeoutException inner = new SocketTimeoutException("slow");
        RuntimeException outer = new UncheckedIOException(new IOException("wrapper", inner));
        assertThat(Causes.find(outer, SocketTimeoutException.class)).containsSame(inner);
        assertThat(Causes.find(outer, IOException.class)).get().isNotSameAs(inner);
        assertThat(Causes.find(outer, RuntimeException.class)).containsSame(outer);
        assertThat(Causes.find(outer, InterruptedException.class)).isEmpty();
    }

    @Test
    void suppressedThrowablesCountOnlyWhenAskedFor() {
        RuntimeException last = new RuntimeException("attempt 3");
        ConnectException earlier = new ConnectException("attempt 1");
        last.addSuppressed(earlier);
        assertThat(Causes.find(last, ConnectException.class)).isEmpty();
        assertThat(Causes.findWithSuppressed(last, ConnectException.class)).containsSame(earlier);
        assertThat(Causes.unreachable(last)).isEmpty();
        assertThat(Causes.unreachableWithSuppressed(last)).containsSame(earlier);
    }

    @Test
    void unreachableIsARefusedConnectionAnUnknownHostOrNoRouteNotATimeout() {
        UnknownHostException unknown = new UnknownHostException("nowhere.invalid");
        assertThat(Causes.unreachable(new IOException(unknown))).containsSame(unknown);
        assertThat(Causes.unreachable(new IOException(new SocketTimeoutException())))
                .isEmpty();
    }

    @Test
    void aCauseCycleEndsTheSearch() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(Causes.find(a, ConnectException.class)).isEmpty();
    }
}

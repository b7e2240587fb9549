package io.backupkit.backup.tck;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures, for each test, every event of the given loggers at DEBUG, to check what a provider and
 * its SDK log (a secret must never show). Register with {@code @RegisterExtension}; the test needs
 * logback as its logging backend.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    /** One logged event: its logger, and its message with the stack trace of its exception, if any. */
    public record Event(String logger, String text) {}

    private final List<String> loggers;
    private final Map<String, Level> saved = new HashMap<>();
    private ListAppender<ILoggingEvent> appender;

    public LogCapture(String... loggers) {
        this.loggers = List.of(loggers);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new ListAppender<>();
        appender.setContext(logging);
        appender.start();
        for (String name : loggers) {
            Logger logger = logging.getLogger(name);
            saved.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            logger.addAppender(appender);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : loggers) {
            Logger logger = logging.getLogger(name);
            logger.detachAppender(appender);
            logger.setLevel(saved.get(name));
        }
        appender.stop();
    }

    /** What was logged so far in this test. */
    public List<Event> events() {
        return appender.list.stream()
                .map(e -> new Event(
                        e.getLoggerName(),
                        e.getFormattedMessage()
                                + (e.getThrowableProxy() == null
                                        ? ""
                                        : ThrowableProxyUtil.asString(e.getThrowableProxy()))))
                .toList();
    }
}

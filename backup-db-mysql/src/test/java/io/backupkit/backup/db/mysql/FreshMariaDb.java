package io.backupkit.backup.db.mysql;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * As a field with {@code @RegisterExtension}: a new database on the local MariaDB before each test
 * (before the class's {@code @BeforeEach} methods; skipped or failed as {@link MariaDbServer#require}
 * says when the server is not there), given to a set-up, dropped after the test (after the class's
 * {@code @AfterEach} methods).
 */
final class FreshMariaDb implements BeforeEachCallback, AfterEachCallback {
    /** What a test class does to its new database before each test. */
    @FunctionalInterface
    interface Setup {
        void on(String db) throws Exception;
    }

    private final Setup setUp;
    private String name;

    private FreshMariaDb(Setup setUp) {
        this.setUp = setUp;
    }

    static FreshMariaDb perTest(Setup setUp) {
        return new FreshMariaDb(setUp);
    }

    /** The database's name, once the test has begun. */
    String name() {
        return name;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        MariaDbServer.require();
        name = MariaDbServer.createDatabase();
        setUp.on(name);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        MariaDbServer.dropDatabase(name);
    }
}

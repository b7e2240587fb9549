package io.backupkit.backup.db.mysql;

import io.backupkit.backup.spi.DatabaseDumper;
import io.backupkit.backup.tck.DatabaseDumperContract;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The TCK dumper contract against the local MariaDB server. */
class MysqlDumperContractIT extends DatabaseDumperContract {
    private String db;

    @BeforeEach
    void createDatabase() throws Exception {
        MariaDbServer.require();
        db = MariaDbServer.createDatabase();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        MariaDbServer.dropDatabase(db);
    }

    @Override
    protected DatabaseDumper createDumper() {
        return new MysqlDumperProvider()
                .create(MariaDbServer.config(MariaDbServer.url(db), MariaDbServer.ROOT, null, Map.of()));
    }

    @Override
    protected void createFixture() throws Exception {
        MariaDbServer.exec(
                db,
                "CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                        + " note TEXT NULL, UNIQUE KEY uk_name (name))",
                "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,"
                        + " amount DECIMAL(12,2) CHECK (amount >= 0), payload LONGBLOB NULL,"
                        + " KEY ix_amount (amount), CONSTRAINT fk_customer FOREIGN KEY (customer_id)"
                        + " REFERENCES customer (id))",
                "CREATE SEQUENCE invoice_no START WITH 1000 INCREMENT BY 1",
                "CREATE VIEW big_orders AS SELECT o.id, c.name, o.amount FROM orders o JOIN customer c"
                        + " ON c.id = o.customer_id WHERE o.amount > 100",
                "INSERT INTO customer (name, note) VALUES ('Ada', NULL), ('Zoë 😀 日本', 'ünïcödé'),"
                        + " ('O''Brien \\\\ \"quoted\"', REPEAT('x', 5000))",
                "INSERT INTO orders (customer_id, amount, payload) VALUES (1, 10.50, NULL),"
                        + " (2, 250.00, RANDOM_BYTES(1024)), (3, 999.99, REPEAT(UNHEX('00FF7F80'), 50000))",
                "SELECT NEXTVAL(invoice_no)",
                "SELECT NEXTVAL(invoice_no)");
    }

    @Override
    protected void changeEverything() throws Exception {
        MariaDbServer.exec(
                db,
                "CREATE TABLE added (id INT PRIMARY KEY)",
                "INSERT INTO added VALUES (1)",
                "DELETE FROM orders WHERE id = 1",
                "INSERT INTO customer (name) VALUES ('new one')",
                "ALTER TABLE customer MODIFY note VARCHAR(9000) NULL",
                "CREATE VIEW added_view AS SELECT id FROM added",
                "CREATE PROCEDURE added_proc() SELECT 1",
                "SELECT NEXTVAL(invoice_no)",
                "ALTER SEQUENCE invoice_no RESTART WITH 5000",
                "UPDATE orders SET payload = RANDOM_BYTES(16) WHERE id = 2");
    }

    @Override
    protected String snapshot() throws Exception {
        return MysqlSnapshots.of(db);
    }
}

package io.backupkit.backup.db.mysql;

import java.sql.SQLException;

/**
 * A database with the hard parts of MySQL/MariaDB: views, triggers, procedures, functions, events,
 * BLOB/binary and spatial columns, utf8mb4 text with emoji, a fulltext index, foreign keys,
 * auto-increment counters past the last row, generated columns, a sequence, a unicode identifier.
 */
final class RichFixture {
    private RichFixture() {}

    static void create(String db) throws SQLException {
        MariaDbServer.exec(
                db,
                "CREATE TABLE author (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                        + " name_upper VARCHAR(100) AS (UPPER(name)) VIRTUAL, born DATE NULL,"
                        + " KEY ix_upper (name_upper)) ENGINE=InnoDB",
                "CREATE TABLE article (id BIGINT AUTO_INCREMENT PRIMARY KEY, author_id INT NOT NULL,"
                        + " title VARCHAR(200) NOT NULL, body MEDIUMTEXT NOT NULL,"
                        + " qty INT NOT NULL DEFAULT 1, price DECIMAL(10,2) NOT NULL DEFAULT 0,"
                        + " total DECIMAL(12,2) AS (qty * price) STORED,"
                        + " status ENUM('draft','published','gone') NOT NULL DEFAULT 'draft',"
                        + " flags SET('a','b','c') NULL, meta JSON NULL, bits BIT(5) NULL,"
                        + " created DATETIME(6) NOT NULL DEFAULT '2026-01-02 03:04:05.123456',"
                        + " FULLTEXT KEY ft_text (title, body),"
                        + " CONSTRAINT fk_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE)"
                        + " ENGINE=InnoDB",
                "CREATE TABLE attachment (id INT AUTO_INCREMENT PRIMARY KEY, article_id BIGINT NOT NULL,"
                        + " digest BINARY(16) NOT NULL, small VARBINARY(64) NULL, data LONGBLOB NULL,"
                        + " FOREIGN KEY (article_id) REFERENCES article (id)) ENGINE=InnoDB",
                "CREATE TABLE place (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL,"
                        + " pos POINT NOT NULL, area POLYGON NULL, SPATIAL INDEX sp_pos (pos)) ENGINE=InnoDB",
                "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(200) NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE `café` (`clé` INT PRIMARY KEY, `valeur` VARCHAR(20)) ENGINE=InnoDB",
                "CREATE SEQUENCE ticket START WITH 100 INCREMENT BY 5",
                "INSERT INTO author (name, born) VALUES ('Ada Lovelace', '1815-12-10'), ('Zoë 😀 日本', NULL),"
                        + " ('O''Brien \\\\ \"q\"', '1970-01-01'), ('to be deleted', NULL)",
                "DELETE FROM author WHERE name = 'to be deleted'",
                "INSERT INTO article (author_id, title, body, qty, price, status, flags, meta, bits) VALUES"
                        + " (1, 'Notes on the engine', 'analytical engine\\r\\nline two\\ttab', 2, 9.99,"
                        + " 'published', 'a,c', '{\"k\": [1, 2, \"ü\"]}', b'10101'),"
                        + " (2, 'Emoji 🎉 title', 'body with 😀 and 🇫🇷 and 日本語', 1, 100.00, 'draft', NULL, NULL,"
                        + " NULL), (3, 'Quotes', 'it''s a \"test\" \\\\ backslash', 3, 0.50, 'gone', 'b', '[]',"
                        + " b'00001')",
                "INSERT INTO attachment (article_id, digest, small, data) VALUES"
                        + " (1, UNHEX(MD5('a')), UNHEX('000A0D5C2722FF'), REPEAT(UNHEX('00FF0D0A5C27'), 20000)),"
                        + " (2, UNHEX(MD5('b')), '', RANDOM_BYTES(512)), (3, UNHEX(MD5('c')), NULL, NULL)",
                "INSERT INTO place (name, pos, area) VALUES ('origin', ST_GeomFromText('POINT(0 0)'), NULL),"
                        + " ('paris', ST_GeomFromText('POINT(2.3522 48.8566)'),"
                        + " ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'))",
                "INSERT INTO `café` VALUES (1, 'crème'), (2, NULL)",
                "SELECT NEXTVAL(ticket)",
                "CREATE VIEW published AS SELECT a.id, a.title, au.name AS author FROM article a"
                        + " JOIN author au ON au.id = a.author_id WHERE a.status = 'published'",
                "CREATE SQL SECURITY INVOKER VIEW article_totals AS SELECT author_id, SUM(total) AS total"
                        + " FROM article GROUP BY author_id",
                "CREATE TRIGGER article_bi BEFORE INSERT ON article FOR EACH ROW" + " SET NEW.title = TRIM(NEW.title)",
                "CREATE TRIGGER article_au AFTER UPDATE ON article FOR EACH ROW"
                        + " INSERT INTO audit (what) VALUES (CONCAT('updated ', NEW.id, ' ✓'))",
                "CREATE PROCEDURE add_article(IN p_author INT, IN p_title VARCHAR(200), OUT p_id BIGINT)"
                        + " MODIFIES SQL DATA COMMENT 'adds an article'\n"
                        + "BEGIN\n  INSERT INTO article (author_id, title, body) VALUES (p_author, p_title, '');\n"
                        + "  SET p_id = LAST_INSERT_ID();\nEND",
                "CREATE FUNCTION article_count(p_author INT) RETURNS INT READS SQL DATA DETERMINISTIC"
                        + " RETURN (SELECT COUNT(*) FROM article WHERE author_id = p_author)",
                "CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'"
                        + " ON COMPLETION PRESERVE DISABLE COMMENT 'keeps audit small'"
                        + " DO DELETE FROM audit WHERE id < 0",
                "UPDATE article SET price = 10.00 WHERE id = 1");
    }

    /** Changes the database in every way a restore must undo. */
    static void change(String db) throws SQLException {
        MariaDbServer.exec(
                db,
                "INSERT INTO author (name) VALUES ('newcomer')",
                "UPDATE author SET born = '2000-01-01' WHERE id = 1",
                "DELETE FROM attachment WHERE id = 3",
                "INSERT INTO article (author_id, title, body) VALUES (2, ' new ', 'new body')",
                "UPDATE article SET body = CONCAT(body, ' changed'), qty = qty + 1",
                "UPDATE attachment SET data = RANDOM_BYTES(64) WHERE id = 2",
                "UPDATE place SET pos = ST_GeomFromText('POINT(1 1)') WHERE id = 1",
                "UPDATE `café` SET valeur = 'thé' WHERE `clé` = 1",
                "SELECT NEXTVAL(ticket)",
                "ALTER TABLE author ADD COLUMN extra INT NULL",
                "ALTER TABLE article DROP INDEX ft_text",
                "DROP TRIGGER article_bi",
                "CREATE TRIGGER author_bi BEFORE INSERT ON author FOR EACH ROW SET NEW.name = UPPER(NEW.name)",
                "CREATE OR REPLACE VIEW published AS SELECT id, title FROM article",
                "DROP PROCEDURE add_article",
                "CREATE PROCEDURE newer_proc() SELECT 42",
                "CREATE FUNCTION newer_fn() RETURNS INT DETERMINISTIC RETURN 7",
                "ALTER EVENT purge_audit ON SCHEDULE EVERY 2 HOUR COMMENT 'changed'",
                "CREATE EVENT newer_event ON SCHEDULE EVERY 1 WEEK DISABLE DO SELECT 1",
                "CREATE TABLE newer_table (id INT PRIMARY KEY, FOREIGN KEY (id) REFERENCES author (id))",
                "INSERT INTO newer_table VALUES (1)",
                "CREATE VIEW newer_view AS SELECT * FROM newer_table",
                "CREATE SEQUENCE newer_seq");
    }
}

package fr.crt.hub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A throw-away PostgreSQL schema on the development server (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}, trust auth), for tests and benchmarks that run the hub as a separate process.
 * Override with {@code -Dhub.pg.url=jdbc:postgresql://host:port/db} and {@code -Dhub.pg.user=...}.
 */
public final class PgSchema implements AutoCloseable {

    public static final String BASE_URL = System.getProperty("hub.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("hub.pg.user", "postgres");
    public static final String PASSWORD = System.getProperty("hub.pg.password", "");

    private final String name;

    private PgSchema(String name) {
        this.name = name;
    }

    /** Creates {@code <prefix><random>}; the prefix must be a plain lower-case identifier. */
    public static PgSchema create(String prefix) throws SQLException {
        String name = (prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("bad schema name " + name);
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        }
        return new PgSchema(name);
    }

    public String name() {
        return name;
    }

    /** JDBC URL whose default schema is this one (what the hub is given). */
    public String url() {
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}

/// The store contract of DESIGN.md: the platform's tables, which relance only
/// reads, as DDL for each engine. `relance schema` prints it; the demo and the
/// tests create stores with it.
public enum StoreEngine: String, Sendable, CaseIterable {
    case sqlite, postgres
}

public enum Contract {
    /// The platform's tables, in creation order (foreign keys point backwards).
    public static let tables = ["practitioners", "practitioner_procedures", "assistants", "closures",
                                "patients", "blocked_patients", "requests", "messages"]

    public static func ddl(_ engine: StoreEngine) -> String {
        let t = Dialect(engine)
        return """
        -- relance store contract (\(engine.rawValue)). The platform owns and writes these
        -- tables; relance reads them and owns only the tables named relance_*.
        -- Timestamps are UTC\(engine == .sqlite ? " TEXT 'YYYY-MM-DDTHH:MM:SSZ', dates TEXT 'YYYY-MM-DD', booleans 0/1" : "").

        CREATE TABLE practitioners (
            id                  \(t.id) PRIMARY KEY,
            display_name        TEXT NOT NULL,
            email               TEXT,
            phone               TEXT,
            profile             TEXT NOT NULL DEFAULT 'complete' CHECK (profile IN ('complete', 'address_only')),
            specialty           TEXT,
            latitude            \(t.real) CHECK (latitude BETWEEN -90 AND 90),
            longitude           \(t.real) CHECK (longitude BETWEEN -180 AND 180),
            timezone            TEXT NOT NULL DEFAULT 'Europe/Paris',
            locale              TEXT NOT NULL DEFAULT 'fr',
            messaging_open      \(t.bool("messaging_open", true)),
            notify_each_request \(t.bool("notify_each_request", true)),
            sms_alerts          \(t.bool("sms_alerts", false)),
            forward_full_text   \(t.bool("forward_full_text", false))
        );

        CREATE TABLE practitioner_procedures (
            practitioner_id \(t.ref) NOT NULL REFERENCES practitioners(id),
            procedure       TEXT NOT NULL,
            PRIMARY KEY (practitioner_id, procedure)
        );

        CREATE TABLE assistants (
            id              \(t.id) PRIMARY KEY,
            practitioner_id \(t.ref) NOT NULL REFERENCES practitioners(id),
            display_name    TEXT NOT NULL,
            email           TEXT,
            phone           TEXT
        );

        CREATE TABLE closures (
            practitioner_id \(t.ref) NOT NULL REFERENCES practitioners(id),
            starts_on       \(t.date("starts_on")) NOT NULL,
            ends_on         \(t.date("ends_on")) NOT NULL,
            note            TEXT,
            CHECK (ends_on >= starts_on)
        );

        CREATE TABLE patients (
            id           \(t.id) PRIMARY KEY,
            display_name TEXT NOT NULL,
            email        TEXT,
            phone        TEXT,
            locale       TEXT NOT NULL DEFAULT 'fr',
            latitude     \(t.real) CHECK (latitude BETWEEN -90 AND 90),
            longitude    \(t.real) CHECK (longitude BETWEEN -180 AND 180),
            email_opt_in \(t.bool("email_opt_in", true)),
            sms_opt_in   \(t.bool("sms_opt_in", false))
        );

        CREATE TABLE blocked_patients (
            practitioner_id \(t.ref) NOT NULL REFERENCES practitioners(id),
            patient_id      \(t.ref) NOT NULL REFERENCES patients(id),
            PRIMARY KEY (practitioner_id, patient_id)
        );

        CREATE TABLE requests (
            id              \(t.id) PRIMARY KEY,
            practitioner_id \(t.ref) NOT NULL REFERENCES practitioners(id),
            patient_id      \(t.ref) NOT NULL REFERENCES patients(id),
            procedure       TEXT,
            status          TEXT NOT NULL DEFAULT 'new'
                            CHECK (status IN ('new', 'read', 'answered', 'refused', 'closed')),
            refusal_reason  TEXT CHECK (refusal_reason IN ('duplicate', 'spam', 'not_practised', 'not_interested')),
            handled_outside TEXT CHECK (handled_outside IN ('phone', 'email', 'in_person', 'other')),
            secondary       \(t.bool("secondary", false)),
            redirected_from \(t.ref) REFERENCES requests(id),
            created_at      \(t.timestamp("created_at")) NOT NULL,
            first_read_at   \(t.timestamp("first_read_at")),
            answered_at     \(t.timestamp("answered_at")),
            closed_at       \(t.timestamp("closed_at")),
            updated_at      \(t.timestamp("updated_at")) NOT NULL
        );

        CREATE TABLE messages (
            id         \(t.id) PRIMARY KEY,
            request_id \(t.ref) NOT NULL REFERENCES requests(id),
            author     TEXT NOT NULL CHECK (author IN ('patient', 'practitioner', 'assistant')),
            author_id  \(t.ref) NOT NULL,
            body       TEXT NOT NULL,
            created_at \(t.timestamp("created_at")) NOT NULL,
            deliver_at \(t.timestamp("deliver_at")),
            read_at    \(t.timestamp("read_at"))
        );

        """
    }

    /// Column types per engine; in SQLite, CHECKs keep TEXT timestamps in the contract's format.
    struct Dialect {
        let engine: StoreEngine
        init(_ engine: StoreEngine) { self.engine = engine }

        var id: String { engine == .sqlite ? "INTEGER" : "BIGINT" }
        var ref: String { engine == .sqlite ? "INTEGER" : "BIGINT" }
        var real: String { engine == .sqlite ? "REAL" : "DOUBLE PRECISION" }

        func bool(_ column: String, _ value: Bool) -> String {
            engine == .sqlite
                ? "INTEGER NOT NULL DEFAULT \(value ? 1 : 0) CHECK (\(column) IN (0, 1))"
                : "BOOLEAN NOT NULL DEFAULT \(value ? "TRUE" : "FALSE")"
        }

        func timestamp(_ column: String) -> String {
            engine == .sqlite
                ? "TEXT CHECK (\(column) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z')"
                : "TIMESTAMPTZ"
        }

        func date(_ column: String) -> String {
            engine == .sqlite
                ? "TEXT CHECK (\(column) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"
                : "DATE"
        }
    }
}

-- Ferry's broker store (DESIGN §5–§6). One schema for SQLite and PostgreSQL: only TEXT and
-- BIGINT columns (booleans are 0/1, times are Unix milliseconds, JSON is TEXT), no
-- auto-increment, no dialect-specific syntax. Secrets are never stored: only SHA-256 hashes of
-- credentials and ciphertext of DigitalOcean tokens that only the controller can open.

CREATE TABLE vendors (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE customers (
    id            TEXT PRIMARY KEY,
    vendor_id     TEXT NOT NULL REFERENCES vendors (id),
    name          TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- Status is derived: no approval key = invited; no controller keys = awaiting the controller.
CREATE TABLE appliances (
    id                     TEXT PRIMARY KEY,
    vendor_id              TEXT NOT NULL REFERENCES vendors (id),
    customer_id            TEXT NOT NULL REFERENCES customers (id),
    name                   TEXT NOT NULL,
    instance_id            TEXT NOT NULL,
    region                 TEXT NOT NULL,
    approval_key           TEXT,
    controller_signing_key TEXT,
    controller_sealing_key TEXT,
    steady_state_enabled   BIGINT NOT NULL,
    created_at_ms          BIGINT NOT NULL,
    UNIQUE (vendor_id, instance_id)
);

CREATE TABLE invitations (
    id             TEXT PRIMARY KEY,
    appliance_id   TEXT NOT NULL REFERENCES appliances (id),
    secret_hash    TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    accepted_at_ms BIGINT
);

CREATE TABLE releases (
    id            TEXT PRIMARY KEY,
    appliance_id  TEXT NOT NULL REFERENCES appliances (id),
    origin_digest TEXT NOT NULL,
    digest        TEXT NOT NULL,
    files_json    TEXT NOT NULL,
    report_json   TEXT NOT NULL,
    errors        BIGINT NOT NULL,
    warnings      BIGINT NOT NULL,
    deployable    BIGINT NOT NULL,
    note          TEXT,
    created_by    TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX releases_by_appliance ON releases (appliance_id, created_at_ms);

CREATE TABLE access_requests (
    id             TEXT PRIMARY KEY,
    appliance_id   TEXT NOT NULL REFERENCES appliances (id),
    phase          TEXT NOT NULL,
    window_json    TEXT NOT NULL,
    release_id     TEXT,
    release_digest TEXT,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    grant_id       TEXT,
    refusal        TEXT
);
CREATE INDEX access_requests_by_appliance ON access_requests (appliance_id, created_at_ms);

-- The signed grant is kept whole (`signed_json`) so that the controller can verify it again.
CREATE TABLE grants (
    id                TEXT PRIMARY KEY,
    appliance_id      TEXT NOT NULL REFERENCES appliances (id),
    phase             TEXT NOT NULL,
    window_starts_ms  BIGINT NOT NULL,
    window_ends_ms    BIGINT NOT NULL,
    release_digest    TEXT,
    nonce             TEXT NOT NULL,
    signed_json       TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    revoked_at_ms     BIGINT,
    access_request_id TEXT,
    UNIQUE (appliance_id, nonce)
);
CREATE INDEX grants_by_phase ON grants (appliance_id, phase, window_ends_ms);

CREATE TABLE sealed_tokens (
    appliance_id     TEXT NOT NULL REFERENCES appliances (id),
    phase            TEXT NOT NULL,
    sealed           TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    scopes_json      TEXT NOT NULL,
    expires_at_ms    BIGINT NOT NULL,
    registered_at_ms BIGINT NOT NULL,
    PRIMARY KEY (appliance_id, phase)
);

CREATE TABLE deploy_sessions (
    id             TEXT PRIMARY KEY,
    appliance_id   TEXT NOT NULL REFERENCES appliances (id),
    grant_id       TEXT NOT NULL REFERENCES grants (id),
    release_id     TEXT NOT NULL REFERENCES releases (id),
    phase          TEXT NOT NULL,
    release_digest TEXT NOT NULL,
    secret_hash    TEXT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    revoked_at_ms  BIGINT,
    created_by     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL
);
CREATE INDEX deploy_sessions_by_appliance ON deploy_sessions (appliance_id, created_at_ms);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    principal_id  TEXT NOT NULL,
    label         TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);
CREATE INDEX api_keys_by_principal ON api_keys (principal_id);

-- Dashboard sessions (cookie) with the hash of their CSRF token.
CREATE TABLE web_sessions (
    id            TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    principal_id  TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    csrf_hash     TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

-- The hash chain: hash = sha256(prev_hash || canonical(record)). Only ever appended to.
CREATE TABLE audit (
    seq          BIGINT PRIMARY KEY,
    at_ms        BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    appliance_id TEXT,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_by_appliance ON audit (appliance_id, seq);

-- One row. Every write transaction updates it first: that serialises writers on both databases
-- (a row lock on PostgreSQL, the write lock on SQLite) and keeps the chain's head, so that a
-- truncated tail is detected too.
CREATE TABLE audit_head (
    id        BIGINT PRIMARY KEY,
    writes    BIGINT NOT NULL,
    head_seq  BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, writes, head_seq, head_hash)
VALUES (1, 0, 0, '0000000000000000000000000000000000000000000000000000000000000000');

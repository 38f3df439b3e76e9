-- Stores with their settings (JSON of the settings' text values).
CREATE TABLE stores (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    settings TEXT NOT NULL
);
-- One row per (store, buyer): the unit the KPI facts are recomputed by.
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    store_id BIGINT NOT NULL REFERENCES stores (id),
    buyer TEXT NOT NULL,
    UNIQUE (store_id, buyer)
);
-- seq is the order of arrival.
CREATE TABLE messages (
    seq BIGSERIAL PRIMARY KEY,
    conv_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    sender BIGINT NOT NULL,
    agent TEXT,
    sent_at TEXT NOT NULL,
    content TEXT NOT NULL,
    kind BIGINT NOT NULL,
    UNIQUE (store_id, message_id)
);
CREATE INDEX messages_conv ON messages (conv_id);
CREATE TABLE orders (
    store_id BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    conv_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    amount_fen BIGINT NOT NULL,
    refund_fen BIGINT,
    refunded_at TEXT,
    PRIMARY KEY (store_id, order_id)
);
CREATE INDEX orders_conv ON orders (conv_id);
CREATE TABLE ratings (
    seq BIGSERIAL PRIMARY KEY,
    conv_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    agent TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    score BIGINT NOT NULL,
    UNIQUE (conv_id, agent, rated_at)
);
-- Per store, the KPI facts of its conversations in one compact value
-- (see kefu-db's store_facts module): a query of a month sums them in memory.
CREATE TABLE kpi_store_facts (
    store_id BIGINT PRIMARY KEY REFERENCES stores (id),
    facts BYTEA NOT NULL
);

-- Stores with their settings (JSON of the settings' text values).
CREATE TABLE stores (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    settings TEXT NOT NULL
);
-- One row per (store, buyer): the unit the KPI facts are recomputed by.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id),
    buyer TEXT NOT NULL,
    UNIQUE (store_id, buyer)
);
-- seq is the order of arrival.
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    conv_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    sender INTEGER NOT NULL,
    agent TEXT,
    sent_at TEXT NOT NULL,
    content TEXT NOT NULL,
    kind INTEGER NOT NULL,
    UNIQUE (store_id, message_id)
);
CREATE INDEX messages_conv ON messages (conv_id);
CREATE TABLE orders (
    store_id INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    conv_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    amount_fen INTEGER NOT NULL,
    refund_fen INTEGER,
    refunded_at TEXT,
    PRIMARY KEY (store_id, order_id)
);
CREATE INDEX orders_conv ON orders (conv_id);
CREATE TABLE ratings (
    seq INTEGER PRIMARY KEY,
    conv_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    agent TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    score INTEGER NOT NULL,
    UNIQUE (conv_id, agent, rated_at)
);
-- Per store, the KPI facts of its conversations in one compact value
-- (see kefu-db's store_facts module): a query of a month sums them in memory.
CREATE TABLE kpi_store_facts (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id),
    facts BLOB NOT NULL
);

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
-- A conversation's contribution per (agent, local day, local hour); see kefu-kpi.
CREATE TABLE kpi_facts (
    store_id INTEGER NOT NULL,
    conv_id INTEGER NOT NULL,
    agent TEXT,
    day INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    c_sessions INTEGER NOT NULL,
    c_manual_sessions INTEGER NOT NULL,
    c_bot_sessions INTEGER NOT NULL,
    c_unanswered_sessions INTEGER NOT NULL,
    c_first_response_n INTEGER NOT NULL,
    c_first_response_ms INTEGER NOT NULL,
    c_human_rounds INTEGER NOT NULL,
    c_response_ms INTEGER NOT NULL,
    c_within_3min INTEGER NOT NULL,
    c_slow_rounds INTEGER NOT NULL,
    c_unanswered_rounds INTEGER NOT NULL,
    c_buyer_messages INTEGER NOT NULL,
    c_agent_messages INTEGER NOT NULL,
    c_sales_fen INTEGER NOT NULL,
    c_silent_sales_fen INTEGER NOT NULL,
    c_after_sales_sessions INTEGER NOT NULL,
    c_ratings INTEGER NOT NULL,
    c_satisfied INTEGER NOT NULL,
    c_dissatisfied INTEGER NOT NULL,
    c_invited_sessions INTEGER NOT NULL
);
CREATE INDEX kpi_facts_conv ON kpi_facts (conv_id);
CREATE INDEX kpi_facts_day ON kpi_facts (day);

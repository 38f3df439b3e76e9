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
-- A conversation's contribution per (agent, local day, local hour); see kefu-kpi.
CREATE TABLE kpi_facts (
    store_id BIGINT NOT NULL,
    conv_id BIGINT NOT NULL,
    agent TEXT,
    day BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    flags BIGINT NOT NULL,
    c_sessions BIGINT NOT NULL,
    c_manual_sessions BIGINT NOT NULL,
    c_bot_sessions BIGINT NOT NULL,
    c_unanswered_sessions BIGINT NOT NULL,
    c_first_response_n BIGINT NOT NULL,
    c_first_response_ms BIGINT NOT NULL,
    c_human_rounds BIGINT NOT NULL,
    c_response_ms BIGINT NOT NULL,
    c_within_3min BIGINT NOT NULL,
    c_slow_rounds BIGINT NOT NULL,
    c_unanswered_rounds BIGINT NOT NULL,
    c_buyer_messages BIGINT NOT NULL,
    c_agent_messages BIGINT NOT NULL,
    c_sales_fen BIGINT NOT NULL,
    c_silent_sales_fen BIGINT NOT NULL,
    c_after_sales_sessions BIGINT NOT NULL,
    c_ratings BIGINT NOT NULL,
    c_satisfied BIGINT NOT NULL,
    c_dissatisfied BIGINT NOT NULL,
    c_invited_sessions BIGINT NOT NULL
);
CREATE INDEX kpi_facts_conv ON kpi_facts (conv_id);
CREATE INDEX kpi_facts_day ON kpi_facts (day);

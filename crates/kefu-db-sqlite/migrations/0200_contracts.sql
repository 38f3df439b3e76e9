-- Contracts, onboarding and billing (合同与结算, issue 11, spec contracts.md).
-- Days are local days since 1970-01-01; money is integer fen.

-- Every version of every contract, as the TOML of contracts.md §5. A
-- change is a new version from its day; rows are only ever added.
CREATE TABLE contract_versions (
    contract_id TEXT NOT NULL,
    version_from INTEGER NOT NULL,
    client TEXT NOT NULL,
    terms TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (contract_id, version_from)
);

-- Where each contract stands (contracts.md §3).
CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    client TEXT NOT NULL,
    state TEXT NOT NULL,
    signed_on INTEGER,
    service_start INTEGER,
    -- The last day served, once an end or a notice sets it.
    last_served INTEGER,
    -- How it ends or ended: notice, trial_cancellation, breach_by_client…
    ending TEXT,
    notice_on INTEGER,
    notice_by TEXT
);
CREATE INDEX contracts_client ON contracts (client);

-- The stores of each contract's latest version, to find a store's contract.
CREATE TABLE contract_stores (
    contract_id TEXT NOT NULL,
    store TEXT NOT NULL,
    PRIMARY KEY (contract_id, store)
);
CREATE INDEX contract_stores_store ON contract_stores (store);

-- Every step of a contract's life: who, when and why. Only ever added.
CREATE TABLE contract_steps (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    on_day INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX contract_steps_contract ON contract_steps (contract_id, id);

-- Agents (people) on a store: their platform sub-account, team and role.
CREATE TABLE store_agents (
    store TEXT NOT NULL,
    agent TEXT NOT NULL,
    account TEXT NOT NULL,
    team TEXT,
    role TEXT NOT NULL,
    PRIMARY KEY (store, agent)
);

-- Training done and assessments taken, per agent and store.
CREATE TABLE agent_trainings (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    store TEXT NOT NULL,
    on_day INTEGER NOT NULL,
    topic TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX agent_trainings_store ON agent_trainings (store, agent);
CREATE TABLE agent_assessments (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    store TEXT NOT NULL,
    on_day INTEGER NOT NULL,
    score REAL NOT NULL,
    pass_mark REAL NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX agent_assessments_store ON agent_assessments (store, agent);

-- Invoices and notes. Numbers come from one sequence (seq) and are never
-- reused; a contract has one invoice per month; an issued row never
-- changes. lines: the lines as JSON.
CREATE TABLE invoices (
    number TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    client TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    month TEXT NOT NULL,
    refers_to TEXT,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    net INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    lines TEXT NOT NULL,
    reason TEXT NOT NULL,
    drafted_ms INTEGER NOT NULL,
    issued_on INTEGER,
    confirmed_by TEXT,
    confirmed_ms INTEGER
);
CREATE UNIQUE INDEX invoices_month ON invoices (contract_id, month) WHERE kind = 'invoice';
CREATE INDEX invoices_client ON invoices (client, month);

-- A client's dispute of an invoice line, with its reason.
CREATE TABLE invoice_disputes (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_ms INTEGER NOT NULL,
    resolved_ms INTEGER
);
CREATE INDEX invoice_disputes_number ON invoice_disputes (number);

-- The client ledger: every invoice, payment, deposit, base fee and note.
-- Only ever added; the balance is summed in order of id.
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    client TEXT NOT NULL,
    entry_date INTEGER NOT NULL,
    contract_id TEXT,
    kind TEXT NOT NULL,
    amount INTEGER NOT NULL,
    refers_to TEXT,
    note TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX ledger_entries_client ON ledger_entries (client, id);

-- Sales a client declares for a month (a commission on declared sales).
CREATE TABLE declared_sales (
    contract_id TEXT NOT NULL,
    month TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (contract_id, month)
);

-- Idempotency keys of the organizations subgraph's mutations (lib/idempotency.ts): the first answer of
-- each transaction a request with an Idempotency-Key ran, written in that same transaction so it
-- commits or rolls back with the write it guards. One row per (caller, key, n-th transaction).
CREATE TABLE "organizations"."idempotency_key" (
    "caller"       TEXT           NOT NULL,
    "key"          TEXT           NOT NULL,
    "seq"          INTEGER        NOT NULL,
    "request_hash" CHAR(64)       NOT NULL,
    "result"       JSONB,
    "expires_at"   TIMESTAMPTZ(6) NOT NULL,
    "created_at"   TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("caller", "key", "seq")
);

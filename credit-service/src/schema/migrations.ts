/**
 * The off-chain index's schema `offchain`, as an append-only list: a migration, once released, is
 * never edited; a change is a new entry. Each runs in its own transaction.
 *
 * Every indexed row keeps the ledger's record exactly as the chaincode event carried it
 * (`record`, canonical JSON) beside the columns the queries filter on, and where on the ledger it
 * came from (`block_number`, `transaction_id`: for a record with versions, the latest one's).
 * Times are the ledger's (the transactions' timestamps), as timestamptz.
 */
export const migrations: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'the trails index: data items, authorizations, share trails, objections and the checkpoint',
    sql: `
      CREATE TABLE offchain.checkpoints (
        stream         text PRIMARY KEY,
        block_number   bigint NOT NULL CHECK (block_number >= 0),
        transaction_id text NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE offchain.data_items (
        code           text PRIMARY KEY,
        name           text NOT NULL,
        owner          text NOT NULL,
        share_type     text NOT NULL CHECK (share_type IN ('unconditional', 'conditional', 'not-shared')),
        sensitivity    smallint NOT NULL,
        registered_at  timestamptz NOT NULL,
        record         text NOT NULL,
        block_number   bigint NOT NULL,
        transaction_id text NOT NULL
      );
      CREATE INDEX data_items_owner ON offchain.data_items (owner, code);

      CREATE TABLE offchain.authorizations (
        authorization_id  text PRIMARY KEY,
        kind              text NOT NULL CHECK (kind IN ('consent', 'legal-basis')),
        grantee           text NOT NULL,
        items             text[] NOT NULL,
        purpose           text NOT NULL,
        valid_from        timestamptz NOT NULL,
        valid_until       timestamptz NOT NULL,
        subject           text,
        scenario          text,
        status            text NOT NULL CHECK (status IN ('active', 'revoked')),
        recorded_by       text NOT NULL,
        recorded_at       timestamptz NOT NULL,
        revoked_at        timestamptz,
        revocation_reason text,
        record            text NOT NULL,
        block_number      bigint NOT NULL,
        transaction_id    text NOT NULL
      );
      CREATE INDEX authorizations_grantee ON offchain.authorizations (grantee, recorded_at DESC);
      CREATE INDEX authorizations_subject ON offchain.authorizations (subject, recorded_at DESC) WHERE subject IS NOT NULL;
      CREATE INDEX authorizations_items ON offchain.authorizations USING gin (items);

      CREATE TABLE offchain.share_trails (
        trail_id         text PRIMARY KEY,
        department       text NOT NULL,
        officer          text NOT NULL,
        subject          text NOT NULL,
        items            text[] NOT NULL,
        purpose          text NOT NULL,
        authorization_id text,
        case_reference   text NOT NULL,
        result_digest    text NOT NULL,
        quality_rating   smallint,
        requested_at     timestamptz NOT NULL,
        outcome          text NOT NULL CHECK (outcome IN ('granted', 'refused')),
        refusal_check    text,
        refusal_reason   text,
        recorded_at      timestamptz NOT NULL,
        seal_key_id      text NOT NULL,
        record           text NOT NULL,
        block_number     bigint NOT NULL,
        transaction_id   text NOT NULL
      );
      -- Every query pages newest first by (recorded_at, trail_id); each index ends with both.
      CREATE INDEX share_trails_subject ON offchain.share_trails (subject, recorded_at DESC, trail_id DESC);
      CREATE INDEX share_trails_department ON offchain.share_trails (department, recorded_at DESC, trail_id DESC);
      CREATE INDEX share_trails_purpose ON offchain.share_trails (purpose, recorded_at DESC, trail_id DESC);
      CREATE INDEX share_trails_authorization ON offchain.share_trails (authorization_id, recorded_at DESC, trail_id DESC) WHERE authorization_id IS NOT NULL;
      CREATE INDEX share_trails_recorded_at ON offchain.share_trails (recorded_at DESC, trail_id DESC);
      CREATE INDEX share_trails_items ON offchain.share_trails USING gin (items);

      CREATE TABLE offchain.objections (
        trail_id       text PRIMARY KEY,
        subject        text NOT NULL,
        department     text NOT NULL,
        reason         text NOT NULL,
        raised_at      timestamptz NOT NULL,
        status         text NOT NULL CHECK (status IN ('open', 'answered')),
        answer_outcome text,
        answered_at    timestamptz,
        record         text NOT NULL,
        block_number   bigint NOT NULL,
        transaction_id text NOT NULL
      );
      CREATE INDEX objections_department ON offchain.objections (department, status, raised_at DESC);
      CREATE INDEX objections_subject ON offchain.objections (subject, raised_at DESC);`,
  },
  {
    version: 2,
    description: 'share trails by officer, for the auditor\'s trace by officer and the anomaly rules that group by officer',
    sql: `CREATE INDEX share_trails_officer ON offchain.share_trails (department, officer, recorded_at DESC, trail_id DESC);`,
  },
];

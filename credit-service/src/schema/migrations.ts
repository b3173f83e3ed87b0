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
  {
    version: 3,
    description: 'the credit index: credit records, objections, repairs, models, evaluations (the history) and each subject\'s standing (its latest evaluation, district and industry, lists)',
    sql: `
      CREATE TABLE offchain.credit_records (
        record_id       text PRIMARY KEY,
        subject         text NOT NULL,
        department      text NOT NULL,
        category        text NOT NULL,
        severity        text NOT NULL CHECK (severity IN ('minor', 'ordinary', 'serious')),
        status          text NOT NULL CHECK (status IN ('active', 'under-objection', 'withdrawn', 'repaired')),
        published       boolean NOT NULL,
        occurred_at     timestamptz NOT NULL,
        repairable_from timestamptz NOT NULL,
        effective_until timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL,
        ended_at        timestamptz,
        record          text NOT NULL,
        block_number    bigint NOT NULL,
        transaction_id  text NOT NULL
      );
      CREATE INDEX credit_records_subject ON offchain.credit_records (subject, recorded_at DESC, record_id DESC);
      -- "subjects with a record of this category in force": only records that can be in force.
      CREATE INDEX credit_records_category ON offchain.credit_records (category, subject, effective_until) WHERE status IN ('active', 'under-objection');
      CREATE INDEX credit_records_department ON offchain.credit_records (department, recorded_at DESC);

      CREATE TABLE offchain.credit_objections (
        record_id      text PRIMARY KEY,
        subject        text NOT NULL,
        department     text NOT NULL,
        status         text NOT NULL CHECK (status IN ('open', 'answered')),
        raised_at      timestamptz NOT NULL,
        answer_by      timestamptz NOT NULL,
        answer_outcome text,
        answered_at    timestamptz,
        record         text NOT NULL,
        block_number   bigint NOT NULL,
        transaction_id text NOT NULL
      );
      CREATE INDEX credit_objections_subject ON offchain.credit_objections (subject);
      CREATE INDEX credit_objections_department ON offchain.credit_objections (department, status, answer_by);

      CREATE TABLE offchain.credit_repairs (
        record_id        text PRIMARY KEY,
        subject          text NOT NULL,
        department       text NOT NULL,
        status           text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        applied_at       timestamptz NOT NULL,
        decided_at       timestamptz,
        record           text NOT NULL,
        block_number     bigint NOT NULL,
        transaction_id   text NOT NULL
      );
      CREATE INDEX credit_repairs_subject ON offchain.credit_repairs (subject);
      CREATE INDEX credit_repairs_department ON offchain.credit_repairs (department, status, applied_at);

      CREATE TABLE offchain.credit_models (
        version        integer PRIMARY KEY,
        name           text NOT NULL,
        registered_at  timestamptz NOT NULL,
        record         text NOT NULL,
        block_number   bigint NOT NULL,
        transaction_id text NOT NULL
      );

      -- Every evaluation ever made: a subject's history, and the city's changes over a period.
      CREATE TABLE offchain.credit_evaluations (
        evaluation_id          text PRIMARY KEY,
        subject                text NOT NULL,
        model_version          integer NOT NULL,
        score                  integer NOT NULL,
        grade                  text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
        previous_grade         text CHECK (previous_grade IN ('A', 'B', 'C', 'D')),
        previous_score         integer,
        previous_model_version integer,
        evaluated_at           timestamptz NOT NULL,
        trigger_kind           text NOT NULL,
        trigger_record_id      text,
        lists                  text[] NOT NULL,
        record                 text NOT NULL,
        block_number           bigint NOT NULL,
        transaction_id         text NOT NULL
      );
      CREATE INDEX credit_evaluations_subject ON offchain.credit_evaluations (subject, evaluated_at DESC, evaluation_id DESC);
      CREATE INDEX credit_evaluations_changes ON offchain.credit_evaluations (evaluated_at, evaluation_id) WHERE grade IS DISTINCT FROM previous_grade;

      -- Each subject's standing: its latest evaluation, and what officers filter it by.
      CREATE TABLE offchain.credit_subjects (
        subject        text PRIMARY KEY,
        subject_kind   text NOT NULL CHECK (subject_kind IN ('enterprise', 'person')),
        district       text,
        industry       text,
        grade          text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
        score          integer NOT NULL,
        model_version  integer NOT NULL,
        evaluation_id  text NOT NULL,
        evaluated_at   timestamptz NOT NULL,
        lists          text[] NOT NULL,
        record         text NOT NULL,
        block_number   bigint NOT NULL,
        transaction_id text NOT NULL
      );
      -- Searches page in subject order: each filter's index gives its subjects in that order, so a
      -- page reads about as many rows as it returns (a second filter, e.g. the grade within a
      -- district, is checked on the rows the first one's index gives).
      CREATE INDEX credit_subjects_grade ON offchain.credit_subjects (grade, subject);
      CREATE INDEX credit_subjects_district ON offchain.credit_subjects (district, subject) WHERE district IS NOT NULL;
      CREATE INDEX credit_subjects_industry ON offchain.credit_subjects (industry, subject) WHERE industry IS NOT NULL;
      CREATE INDEX credit_subjects_red_list ON offchain.credit_subjects (subject) WHERE lists @> ARRAY['red-list'];
      CREATE INDEX credit_subjects_seriously_dishonest_list ON offchain.credit_subjects (subject) WHERE lists @> ARRAY['seriously-dishonest-list'];
      CREATE INDEX credit_subjects_wage_arrears_blacklist ON offchain.credit_subjects (subject) WHERE lists @> ARRAY['wage-arrears-blacklist'];`,
  },
];

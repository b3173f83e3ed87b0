/**
 * The gateway's schema, as an append-only list: a migration, once released, is never edited;
 * a change is a new entry. Each runs in its own transaction.
 */
export const migrations: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'users of the gateway',
    sql: `
      CREATE TABLE users (
        id                 uuid PRIMARY KEY,
        username           text NOT NULL UNIQUE,
        role               text NOT NULL CHECK (role IN ('department-officer', 'credit-officer', 'auditor', 'citizen', 'admin')),
        department         text,
        password_hash      text,
        subject_key        text UNIQUE,
        citizen_public_key text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        created_by         text NOT NULL,
        disabled_at        timestamptz,
        CHECK ((role IN ('department-officer', 'admin')) = (department IS NOT NULL)),
        CHECK ((role = 'citizen') = (subject_key IS NOT NULL AND citizen_public_key IS NOT NULL AND password_hash IS NULL)),
        CHECK (role = 'citizen' OR password_hash IS NOT NULL)
      );`,
  },
  {
    version: 2,
    description: 'single-use login challenges for citizens',
    sql: `
      CREATE TABLE citizen_challenges (
        id         uuid PRIMARY KEY,
        user_id    uuid REFERENCES users (id),
        challenge  text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at    timestamptz
      );
      CREATE INDEX citizen_challenges_expires_at ON citizen_challenges (expires_at);`,
  },
  {
    version: 3,
    description: 'who disabled and re-enabled a user, and when, with every change kept',
    sql: `
      ALTER TABLE users
        ADD COLUMN disabled_by text,
        ADD COLUMN enabled_at  timestamptz,
        ADD COLUMN enabled_by  text;
      CREATE TABLE user_status_changes (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id    uuid NOT NULL REFERENCES users (id),
        change     text NOT NULL CHECK (change IN ('disabled', 'enabled')),
        changed_at timestamptz NOT NULL,
        changed_by text NOT NULL
      );
      CREATE INDEX user_status_changes_user ON user_status_changes (user_id, changed_at);`,
  },
  {
    version: 4,
    description: 'departments\' SM2 seal keys in the gateway\'s custody',
    sql: `
      CREATE TABLE seal_keys (
        key_id               text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{64}$'),
        department           text NOT NULL,
        public_key_pem       text NOT NULL,
        private_key_envelope bytea NOT NULL,
        state                text NOT NULL CHECK (state IN ('generated', 'active', 'retired', 'revoked')),
        created_at           timestamptz NOT NULL DEFAULT now(),
        created_by           text NOT NULL,
        changed_at           timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX seal_keys_one_active_per_department ON seal_keys (department) WHERE state = 'active';`,
  },
  {
    version: 5,
    description: 'the demo data source behind the data exchange',
    sql: `
      CREATE TABLE demo_source_records (
        subject_ref text NOT NULL,
        item        text NOT NULL,
        record      jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_ref, item)
      );`,
  },
  {
    version: 6,
    description: 'enterprises as users: an account bound to a USCC, logging in with an SM2 key as citizens do',
    // The checks of version 1 were unnamed, so they are dropped by what they are (every CHECK on
    // users) and written again, named, for the two kinds of subject users.
    sql: `
      ALTER TABLE users ADD COLUMN uscc text CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$');
      ALTER TABLE users RENAME COLUMN citizen_public_key TO login_public_key;
      DO $$
      DECLARE c record;
      BEGIN
        FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c' AND conname <> 'users_uscc_check' LOOP
          EXECUTE format('ALTER TABLE users DROP CONSTRAINT %I', c.conname);
        END LOOP;
      END $$;
      ALTER TABLE users
        ADD CONSTRAINT users_role CHECK (role IN ('department-officer', 'credit-officer', 'auditor', 'citizen', 'enterprise', 'admin')),
        ADD CONSTRAINT users_department CHECK ((role IN ('department-officer', 'admin')) = (department IS NOT NULL)),
        ADD CONSTRAINT users_citizen_subject CHECK ((role = 'citizen') = (subject_key IS NOT NULL)),
        ADD CONSTRAINT users_enterprise_subject CHECK ((role = 'enterprise') = (uscc IS NOT NULL)),
        ADD CONSTRAINT users_subject_login CHECK ((role IN ('citizen', 'enterprise')) = (login_public_key IS NOT NULL AND password_hash IS NULL)),
        ADD CONSTRAINT users_staff_login CHECK (role IN ('citizen', 'enterprise') OR password_hash IS NOT NULL);
      ALTER TABLE citizen_challenges RENAME TO subject_challenges;
      ALTER INDEX citizen_challenges_expires_at RENAME TO subject_challenges_expires_at;`,
  },
];

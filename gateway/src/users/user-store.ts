import { randomUUID } from 'node:crypto';
import type { Database } from '../database/database';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors';
import { departmentRoles, type Role } from '../roles';
import { usccProblem } from '../subjects/uscc';
import { assertValue, DepartmentId, Password, Role as RoleRule, Username } from '../values';
import { hashPassword, verifyPassword } from './passwords';
import type { NewUser, User } from './user';

/** The gateway's users, in Postgres. */
export interface UserStore {
  /** Creates a user; 409 when the username (or a citizen's subject key) is taken. */
  create(user: NewUser, createdBy: string): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  findBySubjectKey(subjectKey: string): Promise<User | undefined>;
  /** The user whose password this is, or undefined: the caller cannot tell which part was wrong. */
  authenticate(username: string, password: string): Promise<User | undefined>;
  list(filter: { department?: string }): Promise<User[]>;
  /**
   * Disables a user (their tokens stop working at once), recording who did it and when, or
   * returns them unchanged if they are disabled already; 404 when there is no such user.
   */
  disable(username: string, by: string): Promise<User>;
  /** Undoes a disable, recording who did it and when; an enabled user is returned unchanged. */
  enable(username: string, by: string): Promise<User>;
  /** True once any admin exists (bootstrap happens only before that). */
  hasAdmin(): Promise<boolean>;
  /**
   * Creates the first admin, or refuses with 409 if an admin exists. Concurrent bootstraps are
   * serialised, so two operators racing cannot both create one.
   */
  bootstrapAdmin(user: { username: string; department: string; password: string }, createdBy: string): Promise<User>;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  department: string | null;
  password_hash: string | null;
  subject_key: string | null;
  uscc: string | null;
  login_public_key: string | null;
  created_at: Date;
  created_by: string;
  disabled_at: Date | null;
  disabled_by: string | null;
  enabled_at: Date | null;
  enabled_by: string | null;
}

const columns = 'id, username, role, department, password_hash, subject_key, uscc, login_public_key, created_at, created_by, disabled_at, disabled_by, enabled_at, enabled_by';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    ...(row.department ? { department: row.department } : {}),
    ...(row.subject_key ? { subjectKey: row.subject_key } : {}),
    ...(row.uscc ? { uscc: row.uscc } : {}),
    ...(row.login_public_key ? { loginPublicKey: row.login_public_key } : {}),
    createdAt: row.created_at,
    createdBy: row.created_by,
    ...(row.disabled_at ? { disabledAt: row.disabled_at } : {}),
    ...(row.disabled_by ? { disabledBy: row.disabled_by } : {}),
    ...(row.enabled_at ? { enabledAt: row.enabled_at } : {}),
    ...(row.enabled_by ? { enabledBy: row.enabled_by } : {}),
  };
}

// A fixed hash to verify against when the username is unknown, so that a login for a missing
// user takes as long as one with a wrong password and does not reveal which usernames exist.
const absentUserHash = hashPassword('no user has this password');

export function newUserStore(db: Database, departments: ReadonlySet<string>): UserStore {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await db.pool.query<UserRow>(sql, params);
    return rows[0] ? toUser(rows[0]) : undefined;
  };

  /**
   * Disables or re-enables a user and records the change in user_status_changes, in one
   * transaction; a user already in the wanted state is returned as is, with nothing recorded.
   */
  const changeStatus = (username: string, change: 'disabled' | 'enabled', by: string) => db.transaction(async (client) => {
    const update = change === 'disabled'
      ? `UPDATE users SET disabled_at = now(), disabled_by = $2 WHERE username = $1 AND disabled_at IS NULL RETURNING id`
      : `UPDATE users SET disabled_at = NULL, disabled_by = NULL, enabled_at = now(), enabled_by = $2 WHERE username = $1 AND disabled_at IS NOT NULL RETURNING id`;
    const changed = (await client.query<{ id: string }>(update, [username, by])).rows[0];
    if (changed) {
      await client.query('INSERT INTO user_status_changes (user_id, change, changed_at, changed_by) VALUES ($1, $2, now(), $3)', [changed.id, change, by]);
    }
    const { rows } = await client.query<UserRow>(`SELECT ${columns} FROM users WHERE username = $1`, [username]);
    if (!rows[0]) throw new NotFoundError(`no user is named '${username}'`);
    return toUser(rows[0]);
  });

  return {
    async create(user, createdBy) {
      // Every path that creates a user (the API, `citytrust user add`, the first start) ends
      // here, so these checks are the last word on what can be stored.
      assertValue('username', Username, user.username);
      assertValue('role', RoleRule, user.role);
      const department = 'department' in user ? user.department : undefined;
      if (departmentRoles.has(user.role) && !department) {
        throw new InvalidRequestError(`a ${user.role} belongs to one department: give its MSP id`, 'department');
      }
      if (!departmentRoles.has(user.role) && department !== undefined) {
        throw new InvalidRequestError(`a ${user.role} does not belong to a department: leave department out`, 'department');
      }
      if (department !== undefined) assertKnownDepartment(department, departments);
      if (user.role === 'enterprise') {
        const problem = usccProblem(user.uscc);
        if (problem) throw new InvalidRequestError(`uscc is not valid: ${problem}`, 'uscc');
      }
      const passwordHash = 'password' in user ? await hashChecked(user.password) : null;
      try {
        const { rows } = await db.pool.query<UserRow>(
          `INSERT INTO users (id, username, role, department, password_hash, subject_key, uscc, login_public_key, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${columns}`,
          [randomUUID(), user.username, user.role, department ?? null, passwordHash,
            user.role === 'citizen' ? user.subjectKey : null, user.role === 'enterprise' ? user.uscc : null,
            'loginPublicKey' in user ? user.loginPublicKey : null, createdBy],
        );
        return toUser(rows[0]!);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          const what = (error as { constraint?: string }).constraint?.includes('subject_key') ? 'this citizen already has a login key' : `the username '${user.username}' is taken`;
          throw new ConflictError(what);
        }
        throw error;
      }
    },
    findById: (id) => one(`SELECT ${columns} FROM users WHERE id = $1`, [id]),
    findByUsername: (username) => one(`SELECT ${columns} FROM users WHERE username = $1`, [username]),
    findBySubjectKey: (subjectKey) => one(`SELECT ${columns} FROM users WHERE subject_key = $1`, [subjectKey]),
    async authenticate(username, password) {
      const { rows } = await db.pool.query<UserRow>(`SELECT ${columns} FROM users WHERE username = $1 AND disabled_at IS NULL AND password_hash IS NOT NULL`, [username]);
      const row = rows[0];
      const valid = await verifyPassword(password, row?.password_hash ?? (await absentUserHash));
      return row && valid ? toUser(row) : undefined;
    },
    async list({ department }) {
      const { rows } = await db.pool.query<UserRow>(
        `SELECT ${columns} FROM users WHERE ($1::text IS NULL OR department = $1) ORDER BY username`, [department ?? null]);
      return rows.map(toUser);
    },
    disable: (username, by) => changeStatus(username, 'disabled', by),
    enable: (username, by) => changeStatus(username, 'enabled', by),
    async hasAdmin() {
      const { rowCount } = await db.pool.query(activeAdminQuery);
      return (rowCount ?? 0) > 0;
    },
    async bootstrapAdmin(admin, createdBy) {
      assertValue('username', Username, admin.username);
      assertKnownDepartment(admin.department, departments);
      const passwordHash = await hashChecked(admin.password);
      return db.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['citytrust.bootstrap-admin']);
        if ((await client.query(activeAdminQuery)).rowCount) {
          throw new ConflictError('an admin already exists, so there is nothing to bootstrap; add users with `citytrust user add` or through an admin');
        }
        const { rows } = await client.query<UserRow>(
          `INSERT INTO users (id, username, role, department, password_hash, created_by) VALUES ($1, $2, 'admin', $3, $4, $5) RETURNING ${columns}`,
          [randomUUID(), admin.username, admin.department, passwordHash, createdBy],
        );
        return toUser(rows[0]!);
      });
    },
  };
}

const activeAdminQuery = `SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`;

async function hashChecked(password: string): Promise<string> {
  assertValue('password', Password, password);
  return hashPassword(password);
}

/** A department's MSP id must be well formed and one the network description lists. */
function assertKnownDepartment(department: string, departments: ReadonlySet<string>): void {
  assertValue('department', DepartmentId, department);
  if (!departments.has(department)) {
    throw new InvalidRequestError(`unknown department '${department}'; known: ${[...departments].join(', ')}`, 'department', { allowed: [...departments] });
  }
}

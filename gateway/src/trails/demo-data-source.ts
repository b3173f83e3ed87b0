import type { Database } from '../database/database';
import type { DataSource } from './data-source';

/**
 * The local default source: plainly fake records, made on first request and kept in Postgres
 * (`demo_source_records`) so that asking twice gives the same answer. Every record says that it
 * is demo data; nothing here resembles a real person or enterprise record.
 */
export function demoDataSource(database: Database): DataSource {
  return {
    async fetch(owner, subject, items) {
      const subjectRef = subject.kind === 'enterprise' ? `E:${subject.uscc}` : `P:${subject.subjectKey}`;
      const result: Record<string, unknown> = {};
      for (const item of items) {
        const fake = { demo: true, notice: 'DEMO DATA: not a real record', source: owner, item, subject: subjectRef.slice(0, 10) + '…' };
        const { rows } = await database.pool.query<{ record: unknown }>(
          `INSERT INTO demo_source_records (subject_ref, item, record) VALUES ($1, $2, $3)
           ON CONFLICT (subject_ref, item) DO UPDATE SET subject_ref = EXCLUDED.subject_ref RETURNING record`,
          [subjectRef, item, fake],
        );
        result[item] = rows[0]!.record;
      }
      return result;
    },
  };
}

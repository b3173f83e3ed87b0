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
      // Read first: a source is read far more often than it gains records, and a read costs no WAL flush.
      const { rows } = await database.pool.query<{ item: string; record: unknown }>(
        'SELECT item, record FROM demo_source_records WHERE subject_ref = $1 AND item = ANY($2)', [subjectRef, items],
      );
      for (const row of rows) result[row.item] = row.record;
      for (const item of items.filter((code) => !(code in result))) {
        const fake = { demo: true, notice: 'DEMO DATA: not a real record', source: owner, item, subject: subjectRef.slice(0, 10) + '…' };
        const inserted = await database.pool.query<{ record: unknown }>(
          `INSERT INTO demo_source_records (subject_ref, item, record) VALUES ($1, $2, $3)
           ON CONFLICT (subject_ref, item) DO UPDATE SET subject_ref = EXCLUDED.subject_ref RETURNING record`,
          [subjectRef, item, fake],
        );
        result[item] = inserted.rows[0]!.record;
      }
      return result;
    },
  };
}

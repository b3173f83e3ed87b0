import type { DataSubject, LicensePage, StoredLicense } from '@citytrust/shared';
import type { Ledger } from '../ledger/ledger';
import type { DataSource } from '../trails/data-source';

/**
 * The catalog item under which a holder's e-licenses are shared (电子证照库, one of the city's
 * foundational databases). A department reading a person's licenses goes through the data
 * exchange like any other personal data: its owner registers it in the catalog, an authorization
 * covers it, and each read is a share trail on the ledger.
 */
export const LICENSE_DATA_ITEM = 'EL-HOLDER-LICENSES';

const PAGE_SIZE = 1000;

/**
 * A data source that serves {@link LICENSE_DATA_ITEM} from the license contract and every other
 * item from `others`: the exchange asks it only after the ledger has authorized the access.
 */
export function licenseDataSource(ledger: Ledger, queryDepartment: string, others: DataSource): DataSource {
  return {
    async fetch(owner, subject, items) {
      const rest = items.filter((item) => item !== LICENSE_DATA_ITEM);
      const result = rest.length > 0 ? await others.fetch(owner, subject, rest) : {};
      if (rest.length === items.length) return result;
      return { ...result, [LICENSE_DATA_ITEM]: { licenses: await holderLicenses(ledger, queryDepartment, subject) } };
    },
  };
}

/** Every license of a holder, from the ledger's holder index, page by page. */
export async function holderLicenses(ledger: Ledger, department: string, holder: DataSubject): Promise<StoredLicense[]> {
  const licenses: StoredLicense[] = [];
  let bookmark = '';
  do {
    const bytes = await ledger.evaluate({ department, contract: 'license', transaction: 'listByHolder', arguments: [JSON.stringify(holder), String(PAGE_SIZE), bookmark] });
    const page = JSON.parse(Buffer.from(bytes).toString('utf8')) as LicensePage;
    licenses.push(...page.licenses);
    bookmark = page.licenses.length === PAGE_SIZE ? page.bookmark : '';
  } while (bookmark !== '');
  return licenses;
}

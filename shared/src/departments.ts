/**
 * The city departments that run CityTrust's nodes (委办局), keyed by their Fabric MSP id.
 * Names follow the glossary in docs/domain.md. The network description and the
 * gateway both read this list, so a department is added here once.
 */
export interface Department {
  /** Fabric MSP id: the department's identity on the ledger. */
  readonly mspId: string;
  /** English name, as in the glossary. */
  readonly name: string;
  /** Chinese name, as in the city plans. */
  readonly nameZh: string;
}

export const defaultDepartments: readonly Department[] = [
  { mspId: 'BigDataAdministrationMSP', name: 'Municipal Big Data Administration', nameZh: '市大数据管理局' },
  { mspId: 'MarketRegulationMSP', name: 'Administration for Market Regulation', nameZh: '市场监督管理局' },
  { mspId: 'CreditOfficeMSP', name: 'Development and Reform Commission, credit office', nameZh: '发改委信用办' },
];

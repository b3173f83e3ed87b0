import { Type, type Static } from '@sinclair/typebox';

/**
 * A department, by its Fabric MSP id. The schema checks the form; which departments exist comes
 * from the network description, and the user store refuses one it does not list.
 */
export const DepartmentId = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9]*MSP$',
  maxLength: 64,
  description: 'a department is named by its Fabric MSP id: a letter, then letters and digits, ending in MSP, at most 64 characters',
  examples: ['MarketRegulationMSP'],
});
export type DepartmentId = Static<typeof DepartmentId>;

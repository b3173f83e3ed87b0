import { Type } from '@sinclair/typebox';
import { DataSubjectInput } from './trail-schemas';

const strict = { additionalProperties: false } as const;

export const CreditCodeRequest = Type.Object({ subject: DataSubjectInput }, strict);

export const CreditCodeVerifyRequest = Type.Object({
  qr: Type.String({ minLength: 1, maxLength: 1024, description: 'The QR payload, `CTCC:1:…`.' }),
}, strict);

const Grade = Type.Union(['A', 'B', 'C', 'D'].map((grade) => Type.Literal(grade)), { description: 'The credit grade, best first.' });

/** What a credit code states; the same with or without its QR payload. */
const creditCodeFields = {
  subject: Type.String({ description: '`E:<USCC>` or `P:<subject key>`: the subject as the ledger keys it.' }),
  grade: Grade,
  score: Type.Integer(),
  modelVersion: Type.Integer({ minimum: 1, description: 'The evaluation model version the grade is under.' }),
  evaluatedAt: Type.String({ description: 'When the evaluation shown was made (ledger time).' }),
  validUntil: Type.String({ format: 'date-time', description: 'The code is void from then on (24 hours after it was made): a grade changes with the next record.' }),
  evaluationId: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The transaction of the evaluation shown.' }),
  keyId: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The credit office\'s seal key that sealed it.' }),
  signature: Type.String({ description: 'DER SM2 signature, base64, over SM3 of the canonical JSON of the statement `{type: "citytrust.credit-code", subject, grade, score, modelVersion, evaluatedAt, validUntil, evaluationId}`.' }),
};

export const CreditCodeView = Type.Object(creditCodeFields, { ...strict, $id: 'CreditCode', description: 'A verified credit code (信用码): what it states.' });

export const IssuedCreditCodeView = Type.Object({
  ...creditCodeFields,
  qr: Type.String({ description: 'The QR payload, `CTCC:1:…`; verify it offline with the credit office\'s public key (`verifyCreditCodeOffline` in @citytrust/shared) or with POST /api/v1/credit/codes/verify.' }),
}, { ...strict, $id: 'IssuedCreditCode', description: 'A credit code (信用码) sealed by the credit office.' });

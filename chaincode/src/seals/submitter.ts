import { X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { SealKeyPermissionError } from './seal-refusal';

/** Who submitted a transaction: their department (MSP id) and their Fabric identity. */
export interface Submitter {
  readonly department: string;
  /** The shim's client id form, `x509::<subject DN>::<issuer DN>`: names an identity, not a person's data. */
  readonly id: string;
  /** Whether the certificate carries the NodeOU `admin`: the department's administrator. */
  readonly isAdmin: boolean;
}

/**
 * The transaction's creator. The peer has already checked the creator's signature and that the
 * certificate chains to its MSP, so the MSP id and the certificate's OUs can be trusted here.
 */
export function submitterOf(ctx: Context): Submitter {
  const creator = ctx.stub.getCreator();
  const certificate = new X509Certificate(Buffer.from(creator.idBytes));
  const subject = certificate.subject.split('\n');
  return {
    department: creator.mspid,
    id: `x509::/${subject.join('/')}::/${certificate.issuer.split('\n').join('/')}`,
    isAdmin: subject.includes('OU=admin'),
  };
}

/**
 * The submitting department (MSP id) alone: what the seal check needs on every sealed record,
 * without parsing the certificate.
 */
export function submittingDepartment(ctx: Context): string {
  return ctx.stub.getCreator().mspid;
}

/** The submitter, who must be an administrator of their department; refuses anyone else with who may. */
export function requireDepartmentAdmin(ctx: Context, action: string): Submitter {
  const submitter = submitterOf(ctx);
  if (!submitter.isAdmin) {
    throw new SealKeyPermissionError(`only an administrator of ${submitter.department} (a certificate with OU=admin) may ${action}; this transaction was signed by ${submitter.id}`);
  }
  return submitter;
}

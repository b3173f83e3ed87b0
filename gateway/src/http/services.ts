import type { AccessView } from '../trails/access-view';
import type { AuditBundleBuilder } from '../audit-bundles/audit-bundle-builder';
import type { Authenticator } from '../auth/authenticator';
import type { AccessTokenIssuer } from '../auth/access-token';
import type { SubjectChallenges } from '../auth/subject-challenge';
import type { GatewayConfig } from '../config';
import type { CreditCodeService } from '../credit/credit-code-service';
import type { CreditGraphContext } from '../credit/credit-graph';
import type { CreditService } from '../credit/credit-service';
import type { Database } from '../database/database';
import type { ExplorerService } from '../explorer/explorer-service';
import type { Ledger } from '../ledger/ledger';
import type { LicenseService } from '../licenses/license-service';
import type { LicenseStatusView } from '../licenses/license-status-view';
import type { SealService } from '../seals/seal-service';
import type { SubjectKeyDeriver } from '../subjects/subject-key';
import type { TrailIndex } from '../trails/trail-index';
import type { TrailService } from '../trails/trail-service';
import type { UserStore } from '../users/user-store';
import type { GatewayMetrics } from './metrics';
import type { YogaServerInstance } from 'graphql-yoga';

/** What the HTTP layer needs from the rest of the gateway. */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly database: Database;
  readonly users: UserStore;
  readonly tokens: AccessTokenIssuer;
  readonly authenticator: Authenticator;
  readonly subjectChallenges: SubjectChallenges;
  readonly ledger: Ledger;
  readonly subjectKeys: SubjectKeyDeriver;
  readonly seals: SealService;
  readonly trails: TrailService;
  readonly licenses: LicenseService;
  /** Where public license verifications are answered from; it follows the ledger's events while the server runs. */
  readonly licenseView: LicenseStatusView;
  readonly accessView: AccessView;
  /** The off-chain index: citizens' logs, auditors' traces and the anomaly report. */
  readonly trailIndex: TrailIndex;
  /** Auditors' signed exports of a search, with the trails' proofs. */
  readonly auditBundles: AuditBundleBuilder;
  readonly credit: CreditService;
  readonly explorer: ExplorerService;
  /** The credit officers' GraphQL over the off-chain index (`/graphql`). */
  /** Credit codes (信用码) sealed by the credit office. */
  readonly creditCodes: CreditCodeService;
  readonly creditGraph: YogaServerInstance<CreditGraphContext, object>;
  readonly metrics: GatewayMetrics;
}

import type { Authenticator } from '../auth/authenticator';
import type { AccessTokenIssuer } from '../auth/access-token';
import type { CitizenChallenges } from '../auth/citizen-challenge';
import type { GatewayConfig } from '../config';
import type { Database } from '../database/database';
import type { ExplorerService } from '../explorer/explorer-service';
import type { Ledger } from '../ledger/ledger';
import type { SealService } from '../seals/seal-service';
import type { SubjectKeyDeriver } from '../subjects/subject-key';
import type { TrailService } from '../trails/trail-service';
import type { UserStore } from '../users/user-store';
import type { GatewayMetrics } from './metrics';

/** What the HTTP layer needs from the rest of the gateway. */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly database: Database;
  readonly users: UserStore;
  readonly tokens: AccessTokenIssuer;
  readonly authenticator: Authenticator;
  readonly citizenChallenges: CitizenChallenges;
  readonly ledger: Ledger;
  readonly subjectKeys: SubjectKeyDeriver;
  readonly seals: SealService;
  readonly trails: TrailService;
  readonly explorer: ExplorerService;
  readonly metrics: GatewayMetrics;
}

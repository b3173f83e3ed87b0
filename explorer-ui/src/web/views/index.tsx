import type { ComponentChildren } from 'preact';
import type { MessageKey } from '../i18n';
import { AnomaliesView } from './anomalies-view';
import { AuditTraceView } from './audit-trace-view';
import { BlocksView, BlockView } from './blocks-view';
import { CitizenPortal } from './citizen-portal';
import { EnterpriseProfileView } from './credit-profile';
import { CreditView } from './credit-view';
import { LicenseTimelineView, LicensesView } from './license-timeline-view';
import { LicenseVerifyView } from './license-verify-view';
import { NetworkView } from './network-view';
import { SignInView } from './sign-in-view';
import { TransactionsView, TransactionView } from './transactions-view';

/**
 * The explorer's views, one entry per domain view: where it lives (a hash route), its menu
 * label, who sees it in the menu, and what it renders. This list is the extension point: the
 * license, credit-officer and auditor views are added here as one entry each. The gateway
 * still decides what each role may read; `roles` only keeps menus honest.
 */
export interface ExplorerView {
  /** The route, with `:name` parameters, e.g. `/blocks/:number`. */
  readonly path: string;
  /** Its entry in the menu, if it has one. */
  readonly nav?: MessageKey;
  /** Who sees the menu entry: everyone, anyone signed in, or these roles. */
  readonly roles: 'anyone' | 'signed-in' | readonly string[];
  /** Whether the view needs a signed-in user; without one, the sign-in page shows instead. */
  readonly signIn: boolean;
  /**
   * Render for anyone signed in, whatever `roles` says, and let the gateway's 403 refuse: for
   * views whose every byte comes from one gateway operation, so the refusal names who may.
   */
  readonly gatewayDecides?: boolean;
  render(params: Record<string, string>): ComponentChildren;
}

const staff = ['department-officer', 'credit-officer', 'auditor', 'admin'];

export const explorerViews: readonly ExplorerView[] = [
  { path: '/network', nav: 'navNetwork', roles: 'signed-in', signIn: true, render: () => <NetworkView /> },
  { path: '/blocks', nav: 'navBlocks', roles: staff, signIn: true, render: () => <BlocksView /> },
  { path: '/blocks/:number', roles: staff, signIn: true, render: (p) => <BlockView number={p.number!} /> },
  { path: '/transactions', nav: 'navTransactions', roles: staff, signIn: true, render: () => <TransactionsView /> },
  { path: '/transactions/:transactionId', roles: staff, signIn: true, render: (p) => <TransactionView transactionId={p.transactionId!} /> },
  { path: '/licenses', nav: 'navLicenses', roles: staff, signIn: true, render: () => <LicensesView /> },
  // A citizen opens the timelines of their own licenses from the portal; the gateway refuses another's.
  { path: '/licenses/:identifier', roles: [...staff, 'citizen'], signIn: true, render: (p) => <LicenseTimelineView identifier={p.identifier!} /> },
  { path: '/verify', nav: 'navVerifyLicense', roles: 'anyone', signIn: false, render: () => <LicenseVerifyView /> },
  { path: '/citizen', nav: 'navCitizen', roles: 'anyone', signIn: false, render: () => <CitizenPortal /> },
  // Roles as gateway/src/authorization.ts grants searchTrails, getAnomalyReport and queryCreditGraph.
  { path: '/audit', nav: 'navAudit', roles: ['auditor'], signIn: true, gatewayDecides: true, render: () => <AuditTraceView /> },
  { path: '/audit/anomalies', roles: ['auditor'], signIn: true, gatewayDecides: true, render: () => <AnomaliesView /> },
  { path: '/credit', nav: 'navCredit', roles: ['credit-officer', 'auditor'], signIn: true, gatewayDecides: true, render: () => <CreditView /> },
  { path: '/credit/enterprises/:uscc', roles: ['credit-officer', 'auditor'], signIn: true, gatewayDecides: true, render: (p) => <EnterpriseProfileView uscc={p.uscc!} /> },
  { path: '/login', roles: 'anyone', signIn: false, render: () => <SignInView citizen={false} /> },
];

/** The view for a hash route and its parameters, or undefined for an unknown route. */
export function matchView(route: string): { view: ExplorerView; params: Record<string, string> } | undefined {
  const parts = route.split('/').filter(Boolean);
  for (const view of explorerViews) {
    const pattern = view.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((segment, i) => (segment.startsWith(':') ? ((params[segment.slice(1)] = decodeURIComponent(parts[i]!)), true) : segment === parts[i]))) {
      return { view, params };
    }
  }
  return undefined;
}

/**
 * The explorer's one way to the gateway: JSON over fetch with the session's token. Every
 * failure becomes an {@link ApiProblem} carrying the gateway's error code and message, so each
 * view can say what went wrong instead of going blank; a 401 also ends the session.
 */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: { readonly username: string; readonly role: string; readonly department?: string };
}

const storageKey = 'citytrust.session';
const listeners = new Set<() => void>();
let expired = false;

/** Whether the gateway ended the last session (its token expired or was refused), so sign-in can say why it is back. */
export function sessionExpired(): boolean {
  return expired;
}

export function currentSession(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Session | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function setSession(session: Session | undefined, endedByGateway = false): void {
  expired = endedByGateway;
  if (session) sessionStorage.setItem(storageKey, JSON.stringify(session));
  else sessionStorage.removeItem(storageKey);
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return await (await send(method, path, body)).json().catch(() => undefined) as T;
}

/** A document the gateway sends as an attachment: its bytes exactly as sent, their media type, and the file name it suggests. */
export async function apiDocument(path: string, body: unknown): Promise<{ bytes: Uint8Array; mediaType: string; fileName: string | undefined }> {
  const response = await send('POST', path, body);
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const mediaType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
  return { bytes: new Uint8Array(await response.arrayBuffer()), mediaType, fileName };
}

/** The gateway's answer when it is a success; otherwise the {@link ApiProblem} it stands for. */
async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const session = currentSession();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...(session ? { authorization: `Bearer ${session.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiProblem(0, 'network_error', `the gateway cannot be reached: ${(error as Error).message}`);
  }
  if (response.ok) return response;
  const json = await response.json().catch(() => undefined) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | undefined;
  if (response.status === 401 && session) setSession(undefined, true);
  const error = json?.error;
  throw new ApiProblem(response.status, error?.code ?? 'http_error', error?.message ?? `the gateway answered ${response.status}`, error?.details ?? {});
}

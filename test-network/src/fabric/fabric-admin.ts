import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';

/**
 * Fabric's own tools as bring-up runs them (`peer channel`, `peer lifecycle`, `osnadmin`,
 * `configtxgen`), and the two HTTP endpoints it reads: a node's `/healthz` (operations) and an
 * orderer's channel participation API (admin, mutual TLS).
 */

/** A Fabric tool exited non-zero; the message carries its own words. */
export class FabricCommandError extends Error {
  override readonly name = 'FabricCommandError';
  constructor(readonly command: string, readonly output: string) {
    super(`${command} failed: ${essence(output)}`);
  }
}

/** A Go panic's first line says what went wrong, the stack after it does not; otherwise the last lines do. */
function essence(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const panic = lines.find((line) => line.startsWith('panic:'));
  return panic ?? (lines.slice(-3).join(' | ') || 'no output');
}

/** Runs a Fabric binary with exactly `env`; resolves with its stdout. */
export function runFabric(binary: string, args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  const name = `${binary.split('/').pop() ?? binary} ${args.slice(0, 3).join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(binary, [...args], { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new FabricCommandError(name, `${stderr}\n${stdout}`.trim() || error.message));
      else resolve(stdout);
    });
  });
}

/** Whether `http://127.0.0.1:<port>/healthz` answers 200 (Fabric's operations service). */
export function healthy(port: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ ok: response.statusCode === 200, detail: body.trim() || `HTTP ${response.statusCode}` }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (error) => resolve({ ok: false, detail: error.message }));
    req.end();
  });
}

/** An orderer's view of a channel, from its channel participation API. */
export interface OrdererChannelInfo {
  readonly name: string;
  readonly height: number;
  /** `consenter` or `follower`. */
  readonly consensusRelation: string;
  /** `active`, `onboarding`, ... */
  readonly status: string;
}

export interface AdminTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** `GET /participation/v1/channels/<channel>` on an orderer's admin port; undefined when it has not joined. */
export function ordererChannel(adminPort: number, channel: string, tls: AdminTls): Promise<OrdererChannelInfo | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: adminPort,
      path: `/participation/v1/channels/${encodeURIComponent(channel)}`,
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      servername: 'localhost',
      timeout: 5_000,
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode === 404) return resolve(undefined);
        if (response.statusCode !== 200) return reject(new Error(`orderer admin 127.0.0.1:${adminPort} answered HTTP ${response.statusCode}: ${body.trim()}`));
        resolve(JSON.parse(body) as OrdererChannelInfo);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`orderer admin 127.0.0.1:${adminPort} did not answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

// Connecting to the cascade NATS cluster: a URL (a token may ride in it), CASCADE_NATS_TOKEN,
// optional TLS, and errors that say what to do.
import { AuthorizationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

export interface NatsOptions {
  /** `nats://[TOKEN@]host:4222` (or `tls://...`); several servers separated by commas. */
  readonly url: string;
  /** The cluster token; default: the one in the URL, else CASCADE_NATS_TOKEN. */
  readonly token?: string;
}

export interface ParsedNatsUrl {
  readonly servers: string[];
  readonly token: string | undefined;
  readonly tls: boolean;
  /** The servers without credentials, for messages and logs. */
  readonly display: string;
}

/** Splits `nats://TOKEN@h1:4222,nats://h2:4222` into servers and the token riding in them. */
export function parseNatsUrl(url: string): ParsedNatsUrl {
  const servers: string[] = [];
  let token: string | undefined;
  let tls = false;
  for (const raw of url.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    let parsed: URL;
    try {
      parsed = new URL(raw.includes('://') ? raw : `nats://${raw}`);
    } catch {
      throw new Error(`bad NATS URL '${raw}': expected nats://[TOKEN@]host:port`);
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (scheme !== 'nats' && scheme !== 'tls') throw new Error(`bad NATS URL '${raw}': the scheme must be nats:// or tls://, not ${scheme}://`);
    if (scheme === 'tls') tls = true;
    if (parsed.username !== '' && parsed.password === '') token = decodeURIComponent(parsed.username);
    else if (parsed.username !== '') throw new Error(`bad NATS URL: cascade uses a token (nats://TOKEN@host:4222), not a user and password`);
    servers.push(`${parsed.hostname.includes(':') ? `[${parsed.hostname}]` : parsed.hostname}:${parsed.port === '' ? '4222' : parsed.port}`);
  }
  if (servers.length === 0) throw new Error('no NATS URL given: expected nats://[TOKEN@]host:port');
  return { servers, token, tls, display: servers.map((s) => `${tls ? 'tls' : 'nats'}://${s}`).join(',') };
}

export interface ConnectOptions extends NatsOptions {
  /** Shown in the server's connection list. */
  readonly name: string;
  /** Keep reconnecting forever (workers) instead of giving up after about a minute. */
  readonly persistent?: boolean;
}

export async function connectCluster(options: ConnectOptions): Promise<NatsConnection> {
  const parsed = parseNatsUrl(options.url);
  const token = options.token ?? parsed.token ?? nonEmpty(process.env['CASCADE_NATS_TOKEN']);
  const caFile = nonEmpty(process.env['CASCADE_NATS_CA']);
  const certFile = nonEmpty(process.env['CASCADE_NATS_CERT']);
  const keyFile = nonEmpty(process.env['CASCADE_NATS_KEY']);
  const wantTls = parsed.tls || caFile !== undefined || certFile !== undefined;
  try {
    return await connect({
      servers: parsed.servers,
      name: options.name,
      ...(token === undefined ? {} : { token }),
      ...(wantTls ? { tls: { ...(caFile === undefined ? {} : { caFile }), ...(certFile === undefined ? {} : { certFile }), ...(keyFile === undefined ? {} : { keyFile }) } } : {}),
      maxReconnectAttempts: options.persistent === true ? -1 : 30,
      reconnectTimeWait: 2_000,
    });
  } catch (error) {
    if (error instanceof AuthorizationError || /authori[sz]ation/i.test(String(error))) {
      throw new Error(
        `NATS at ${parsed.display} refused the connection (authorization violation): ${token === undefined ? 'no token was given' : 'the token is wrong'}. ` +
          'Put the cluster token in the URL (nats://TOKEN@host:4222) or in CASCADE_NATS_TOKEN.',
      );
    }
    throw new Error(`cannot connect to NATS at ${parsed.display}: ${error instanceof Error ? error.message : String(error)} (is nats-server running? see cluster/README.md)`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

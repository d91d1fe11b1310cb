// Connecting to the cascade NATS cluster: a URL (a token may ride in it), CASCADE_NATS_TOKEN,
// optional TLS, and errors that say what to do.
import { AuthorizationError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { parseNatsUrl, type NatsOptions } from './nats-url.js';

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

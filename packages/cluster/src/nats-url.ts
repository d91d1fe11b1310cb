// A cluster URL, parsed without loading the NATS client: the CLI checks --nats up front (bad
// input is exit 2) and loads the client only when it connects. Exported as @cascade/cluster/url.
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

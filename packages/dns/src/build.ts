// Composable builders: add the DNS control plane and the resolver/client side to a ModelAssembly,
// and turn their reports into the `dns` and `dynamodb` parts of the summary.
import type { Actor, ActorId, ModelAssembly, Observer, SummaryInput } from '@cascade/kernel';
import { assert } from '@cascade/kernel';
import { ClientPool } from './clients.js';
import { Enactor } from './enactor.js';
import { DnsOperator } from './operator.js';
import type { DnsParams } from './params.js';
import { initialPlan, MAX_LOAD_BALANCERS } from './plan.js';
import { PlanStore } from './plan-store.js';
import { Planner } from './planner.js';
import { Resolver } from './resolver.js';
import { Route53, type Route53Report } from './route53.js';

/** The DNS model's actor kinds, for links to other components. */
export const DNS_KINDS = {
  planner: 'dns-planner',
  store: 'dns-plan-store',
  route53: 'route53',
  operator: 'dns-operator',
  enactor: 'dns-enactor',
  resolver: 'resolver',
  clients: 'dynamodb-clients',
} as const;

export interface DnsBuildOptions {
  readonly params: DnsParams;
  readonly sampleIntervalUs: number;
  /**
   * Actors that resolver i tells about DynamoDB availability changes
   * (`DynamoAvailabilityMessage`), e.g. a fleet's DWFM hosts in that AZ, all of one `kind`; the
   * link resolver <-> that kind has `latencyUs`. Default: none.
   */
  readonly subscribers?: { readonly kind: string; readonly of: (resolver: number) => readonly ActorId[]; readonly latencyUs: number };
  /**
   * Placement group of resolver i and its clients (e.g. the fleet group of its AZ); the
   * resolver latency then becomes a link of the assembly. Default: the control plane's group —
   * one group, no cross-group links, one window per run (the DNS model alone is small).
   */
  readonly resolverGroup?: (resolver: number) => number;
  /** Who watches the clients' error rate (resolved when the model is built, so it may name later blocks); the links to them are the caller's. */
  readonly observers?: () => readonly Observer[];
}

/** Actor ids and groups of an added DNS component, for wiring other components to it. */
export interface DnsComponent {
  readonly planner: ActorId;
  readonly store: ActorId;
  readonly route53: ActorId;
  readonly operator: ActorId;
  readonly firstEnactor: ActorId;
  readonly enactors: number;
  readonly firstResolver: ActorId;
  readonly firstClientPool: ActorId;
  readonly resolvers: number;
  /** Placement group of the control plane (planner, store, Route53, enactors, operator). */
  readonly controlGroup: number;
  /** Placement group of resolver i and its clients. */
  readonly resolverGroup: (resolver: number) => number;
}

/** Adds the whole DNS model: control plane, resolvers and their clients. */
export function addDns(assembly: ModelAssembly, options: DnsBuildOptions): DnsComponent {
  const p = options.params;
  const layout = p.layout;
  assert(layout.endpoints >= 1 && layout.regional >= 0 && layout.regional < layout.endpoints, 'regional endpoint out of range');
  assert(layout.loadBalancers >= 1 && layout.loadBalancers <= MAX_LOAD_BALANCERS, `1..${MAX_LOAD_BALANCERS} load balancers`);
  assert(p.enactor.count >= 1 && p.enactor.count <= 127, '1..127 enactors');
  const controlGroup = assembly.newGroups(1);
  // Cost for placement: a plan is about two events per endpoint, a client's resolution three.
  const resolutionsPerS = (p.resolvers.count * p.resolvers.clientsPerResolver * 1e6) / p.resolvers.clientIntervalUs;
  const clientsHere = options.resolverGroup === undefined ? 3 * resolutionsPerS : 0;
  assembly.weighGroups(controlGroup, 1, () => ((2 * layout.endpoints + 10) * 1e6) / p.planner.intervalUs + clientsHere);
  const resolverGroup = options.resolverGroup ?? (() => controlGroup);
  // Ids are known once every block is added; actors are created later, at build time.
  const ids = { planner: -1, store: -1, route53: -1, operator: -1, firstEnactor: -1, firstResolver: -1, firstClientPool: -1 };
  const initial = initialPlan(layout);

  const one = (kind: string, create: () => Actor): ActorId => assembly.addActors(1, { kind, name: () => kind, group: () => controlGroup, create }).first;
  ids.planner = one(DNS_KINDS.planner, () => new Planner(layout, p.planner, { store: ids.store, route53: ids.route53 }));
  ids.store = one(DNS_KINDS.store, () => new PlanStore(initial, { firstEnactor: ids.firstEnactor, sampleIntervalUs: options.sampleIntervalUs }));
  ids.route53 = one(
    DNS_KINDS.route53,
    () =>
      new Route53(layout, p.safety, {
        firstEnactor: ids.firstEnactor,
        enactors: p.enactor.count,
        store: ids.store,
        firstResolver: ids.firstResolver,
        sampleIntervalUs: options.sampleIntervalUs,
        maxLagUs: p.maxLagUs,
      }),
  );
  ids.operator = one(DNS_KINDS.operator, () => new DnsOperator(ids.route53, p.repairAtUs));

  const enactors = assembly.addActors(p.enactor.count, {
    kind: DNS_KINDS.enactor,
    name: (i) => `dns-enactor-${i}`,
    group: () => controlGroup,
    create: (i) =>
      new Enactor(layout, p.enactor, {
        index: i,
        store: ids.store,
        route53: ids.route53,
        stall: p.stall !== null && p.stall.enactor === i ? p.stall : null,
      }),
  });
  ids.firstEnactor = enactors.first;

  const resolvers = assembly.addActors(p.resolvers.count, {
    kind: DNS_KINDS.resolver,
    name: (i) => `resolver-${i}`,
    group: resolverGroup,
    create: (i) =>
      new Resolver({
        index: i,
        route53: ids.route53,
        ttlUs: p.ttlUs,
        negativeTtlUs: p.negativeTtlUs,
        subscribers: options.subscribers?.of(i) ?? [],
      }),
  });
  ids.firstResolver = resolvers.first;

  const pools = assembly.addActors(p.resolvers.count, {
    kind: DNS_KINDS.clients,
    name: (i) => `dynamodb-clients-${i}`,
    group: resolverGroup,
    create: (i) =>
      new ClientPool({
        resolver: ids.firstResolver + i,
        clients: p.resolvers.clientsPerResolver,
        intervalUs: p.resolvers.clientIntervalUs,
        pools: p.resolvers.count,
        sampleIntervalUs: options.sampleIntervalUs,
        observers: options.observers?.() ?? [],
      }),
  });
  ids.firstClientPool = pools.first;

  const api = p.apiLatencyUs;
  assembly.link(DNS_KINDS.planner, DNS_KINDS.store, api);
  assembly.link(DNS_KINDS.planner, DNS_KINDS.route53, api);
  assembly.link(DNS_KINDS.enactor, DNS_KINDS.store, api);
  assembly.link(DNS_KINDS.enactor, DNS_KINDS.route53, api);
  // Route53 and its plan store are one service: clean-up deletes plans in the same instant.
  assembly.link(DNS_KINDS.route53, DNS_KINDS.store, 0);
  // the operator's repair is its own response time (a hold), on the console's link
  assembly.link(DNS_KINDS.operator, DNS_KINDS.route53, 0);
  assembly.link(DNS_KINDS.resolver, DNS_KINDS.route53, p.resolvers.latencyUs);
  // a resolver and its clients share a host
  assembly.link(DNS_KINDS.resolver, DNS_KINDS.clients, 0);
  const subscribers = options.subscribers;
  if (subscribers !== undefined) assembly.link(DNS_KINDS.resolver, subscribers.kind, subscribers.latencyUs);

  const component: DnsComponent = {
    ...ids,
    enactors: p.enactor.count,
    resolvers: p.resolvers.count,
    controlGroup,
    resolverGroup,
  };
  assembly.summarize((input) => summarizeDns(input, component, p));
  return component;
}

interface PoolReport {
  readonly resolves: number;
  readonly failures: number;
  readonly firstFailureAt: number | null;
  readonly lastFailureAt: number | null;
  readonly recoveredAt: number | null;
}

/** The `dns` and `dynamodb` parts of the summary (times in seconds, null when it never happened). */
export function summarizeDns(input: SummaryInput, c: DnsComponent, p: DnsParams) {
  const r53 = input.reports[c.route53] as Route53Report;
  const store = input.reports[c.store] as { stored: number; storedMax: number; deleted: number };
  const enactors = Array.from({ length: c.enactors }, (_, i) => input.reports[c.firstEnactor + i]);
  const pools = Array.from({ length: c.resolvers }, (_, i) => input.reports[c.firstClientPool + i] as PoolReport);
  const resolvers = Array.from({ length: c.resolvers }, (_, i) => input.reports[c.firstResolver + i]);
  const failed = pools.filter((pool) => pool.firstFailureAt !== null);
  const unavailableFrom = failed.length === 0 ? null : Math.min(...failed.map((pool) => pool.firstFailureAt as number));
  const stillFailing = failed.some((pool) => pool.recoveredAt === null);
  const availableAt = failed.length === 0 || stillFailing ? null : Math.max(...failed.map((pool) => pool.recoveredAt as number));
  return {
    dns: {
      emptyRecordAt: r53.emptyRecordAt,
      restoredAt: r53.restoredAt,
      automationStuck: r53.automationStuck,
      violations: r53.violations,
      stuckFrom: r53.stuckFrom,
      violationCounts: r53.violationCounts,
      emptyEpisodes: r53.emptyEpisodes,
      emptyEndpointsMax: r53.emptyEndpointsMax,
      emptyEndpointsAtEnd: r53.emptyEndpointsAtEnd,
      endpoints: p.layout.endpoints,
      appliedGeneration: r53.appliedGeneration,
      intendedGeneration: r53.intendedGeneration,
      plansStored: store.stored,
      plansStoredMax: store.storedMax,
      plansDeleted: store.deleted,
      safety: { ...p.safety },
      route53: r53.counts,
      enactors,
    },
    dynamodb: {
      unavailableFrom,
      availableAt,
      resolutions: pools.reduce((n, pool) => n + pool.resolves, 0),
      resolutionFailures: pools.reduce((n, pool) => n + pool.failures, 0),
      resolvers,
    },
  };
}

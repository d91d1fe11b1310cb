// Composable builders: add the DNS control plane and the resolver/client side to a ModelAssembly,
// and turn their reports into the `dns` and `dynamodb` parts of the summary.
import type { ActorId, ModelAssembly, Observer, SummaryInput } from '@cascade/kernel';
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

export interface DnsBuildOptions {
  readonly params: DnsParams;
  readonly sampleIntervalUs: number;
  /**
   * Actors that resolver i tells about DynamoDB availability changes
   * (`DynamoAvailabilityMessage`), e.g. a fleet's DWFM hosts in that AZ. Default: none.
   */
  readonly subscribers?: (resolver: number) => readonly ActorId[];
  /** Delay of those notifications; it becomes a link of the assembly. Default: the resolver latency. */
  readonly notifyDelayUs?: number;
  /**
   * Placement group of resolver i and its clients (e.g. the fleet group of its AZ); the
   * resolver latency then becomes a link of the assembly. Default: the control plane's group —
   * one group, no cross-group links, one window per run (the DNS model alone is small).
   */
  readonly resolverGroup?: (resolver: number) => number;
  /** Who watches the clients' error rate (resolved when the model is built, so it may name later blocks); their delays must be links of the assembly. */
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
  const notifyDelayUs = options.notifyDelayUs ?? p.resolvers.latencyUs;
  const controlGroup = assembly.newGroups(1);
  // Cost for placement: a plan is about two events per endpoint, a client's resolution three.
  const resolutionsPerS = (p.resolvers.count * p.resolvers.clientsPerResolver * 1e6) / p.resolvers.clientIntervalUs;
  const clientsHere = options.resolverGroup === undefined ? 3 * resolutionsPerS : 0;
  assembly.weighGroups(controlGroup, 1, () => ((2 * layout.endpoints + 10) * 1e6) / p.planner.intervalUs + clientsHere);
  const resolverGroup = options.resolverGroup ?? (() => controlGroup);
  // Ids are known once every block is added; actors are created later, at build time.
  const ids = { planner: -1, store: -1, route53: -1, operator: -1, firstEnactor: -1, firstResolver: -1, firstClientPool: -1 };
  const initial = initialPlan(layout);
  const api = p.apiLatencyUs;

  const control = assembly.addActors(4, {
    name: (i) => ['dns-planner', 'dns-plan-store', 'route53', 'dns-operator'][i] as string,
    group: () => controlGroup,
    create: (i) => {
      switch (i) {
        case 0:
          return new Planner(layout, p.planner, { store: ids.store, route53: ids.route53, apiLatencyUs: api });
        case 1:
          return new PlanStore(initial, { firstEnactor: ids.firstEnactor, apiLatencyUs: api, sampleIntervalUs: options.sampleIntervalUs });
        case 2:
          return new Route53(layout, p.safety, {
            firstEnactor: ids.firstEnactor,
            enactors: p.enactor.count,
            store: ids.store,
            firstResolver: ids.firstResolver,
            apiLatencyUs: api,
            resolverLatencyUs: p.resolvers.latencyUs,
            sampleIntervalUs: options.sampleIntervalUs,
            maxLagUs: p.maxLagUs,
          });
        default:
          return new DnsOperator(ids.route53, p.repairAtUs);
      }
    },
  });
  ids.planner = control.first;
  ids.store = control.first + 1;
  ids.route53 = control.first + 2;
  ids.operator = control.first + 3;

  const enactors = assembly.addActors(p.enactor.count, {
    name: (i) => `dns-enactor-${i}`,
    group: () => controlGroup,
    create: (i) =>
      new Enactor(layout, p.enactor, {
        index: i,
        store: ids.store,
        route53: ids.route53,
        apiLatencyUs: api,
        stall: p.stall !== null && p.stall.enactor === i ? p.stall : null,
      }),
  });
  ids.firstEnactor = enactors.first;

  const resolvers = assembly.addActors(p.resolvers.count, {
    name: (i) => `resolver-${i}`,
    group: resolverGroup,
    create: (i) =>
      new Resolver({
        index: i,
        route53: ids.route53,
        latencyUs: p.resolvers.latencyUs,
        ttlUs: p.ttlUs,
        negativeTtlUs: p.negativeTtlUs,
        subscribers: options.subscribers?.(i) ?? [],
        notifyDelayUs,
      }),
  });
  ids.firstResolver = resolvers.first;

  const pools = assembly.addActors(p.resolvers.count, {
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

  if (p.resolvers.count > 0 && options.resolverGroup !== undefined) assembly.link(p.resolvers.latencyUs);
  // Subscribers may live in any group: their notifications must respect the lookahead.
  if (p.resolvers.count > 0 && options.subscribers !== undefined) assembly.link(notifyDelayUs);

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
export function summarizeDns(input: SummaryInput, c: DnsComponent, p: DnsParams): Record<string, unknown> {
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

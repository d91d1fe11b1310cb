// @cascade/dns: the DNS control plane of the 2025 race (Planner, plan store, Enactors, Route53,
// clean-up), resolvers with negative caching, DynamoDB clients, and the invariant monitors.
export { DNS_KINDS, addDns, summarizeDns, type DnsBuildOptions, type DnsComponent } from './build.js';
export { type DnsMessage, type DynamoAvailabilityMessage } from './messages.js';
export { INVARIANTS, MAX_VIOLATIONS_KEPT, type Invariant, type Violation } from './monitor.js';
export {
  SAFETY_2025,
  type DnsParams,
  type EnactorParams,
  type EnactorStall,
  type PlannerParams,
  type ResolverParams,
  type SafetySwitches,
  type VersionCheck,
} from './params.js';
export {
  MAX_LOAD_BALANCERS,
  REGIONAL_ENDPOINT_NAME,
  endpointName,
  initialPlan,
  planAddressCount,
  planRecord,
  type EndpointLayout,
  type Plan,
  type WeightedAddress,
} from './plan.js';

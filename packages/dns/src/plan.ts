// A DNS plan: one generation of the Planner's output. It is compact on purpose — a generation,
// the load balancers' health and a weight seed — and every endpoint's record is derived from it,
// so a plan costs the same for 300 endpoints or 100,000 and generations share nothing mutable.

export interface Plan {
  readonly generation: number;
  readonly createdAtUs: number;
  /** Bit i set iff load balancer i was healthy when the plan was made. */
  readonly healthyMask: number;
  /** Seeds the per-endpoint weights. */
  readonly weightSeed: number;
}

/** The shape of the endpoint space: which endpoint is the regional one, which LBs serve which. */
export interface EndpointLayout {
  /** All endpoints, the regional one included. */
  readonly endpoints: number;
  /** Index of `dynamodb.us-east-1.amazonaws.com` in the enactors' pass order. */
  readonly regional: number;
  /** Load balancers in the pool, at most 30 (a plan keeps their health in one int). */
  readonly loadBalancers: number;
  /** Load balancers behind each ordinary endpoint; the regional endpoint uses all of them. */
  readonly lbsPerEndpoint: number;
}

export const REGIONAL_ENDPOINT_NAME = 'dynamodb.us-east-1.amazonaws.com';
export const MAX_LOAD_BALANCERS = 30;

export function allHealthyMask(loadBalancers: number): number {
  return loadBalancers >= 31 ? 0x7fffffff : (1 << loadBalancers) - 1;
}

/** The generation every record holds at t = 0: all load balancers healthy. */
export function initialPlan(layout: EndpointLayout): Plan {
  return { generation: 1, createdAtUs: 0, healthyMask: allHealthyMask(layout.loadBalancers), weightSeed: 0 };
}

/** Bit mask of the load balancers that may serve `endpoint`. */
export function endpointLbMask(layout: EndpointLayout, endpoint: number): number {
  const n = layout.loadBalancers;
  if (endpoint === layout.regional) return allHealthyMask(n);
  const k = Math.min(layout.lbsPerEndpoint, n);
  const start = hash32(endpoint) % n;
  let mask = 0;
  for (let i = 0; i < k; i++) mask |= 1 << ((start + i) % n);
  return mask;
}

/** Number of addresses in `endpoint`'s record under `plan` (0: the plan leaves it empty). */
export function planAddressCount(layout: EndpointLayout, plan: Plan, endpoint: number): number {
  return popcount(plan.healthyMask & endpointLbMask(layout, endpoint));
}

export interface WeightedAddress {
  readonly address: string;
  readonly weight: number;
}

/** The record `plan` gives `endpoint`: LB addresses with weights 1..255. For reports and tests. */
export function planRecord(layout: EndpointLayout, plan: Plan, endpoint: number): WeightedAddress[] {
  const mask = plan.healthyMask & endpointLbMask(layout, endpoint);
  const out: WeightedAddress[] = [];
  for (let lb = 0; lb < layout.loadBalancers; lb++) {
    if ((mask & (1 << lb)) === 0) continue;
    const weight = 1 + (hash32(plan.weightSeed ^ hash32(endpoint * 31 + lb)) % 255);
    out.push({ address: `10.${Math.floor(lb / 250)}.${lb % 250}.${1 + (endpoint % 250)}`, weight });
  }
  return out;
}

export function endpointName(layout: EndpointLayout, endpoint: number): string {
  return endpoint === layout.regional ? REGIONAL_ENDPOINT_NAME : `endpoint-${endpoint}.internal`;
}

/** Every endpoint's load-balancer mask, computed once (hot loops read it instead of hashing). */
export function endpointLbMasks(layout: EndpointLayout): Int32Array {
  const masks = new Int32Array(layout.endpoints);
  for (let e = 0; e < layout.endpoints; e++) masks[e] = endpointLbMask(layout, e);
  return masks;
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function hash32(value: number): number {
  let h = Math.imul((value | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// An order-independent fingerprint of the processed events: each event's identity (time, key,
// target) is hashed and the hashes are summed per lane, so partitions can be merged in any order.
export const DIGEST_LANES = 2;

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const TWO_POW_32 = 4294967296;

export class EventDigest {
  readonly lanes = new Int32Array(DIGEST_LANES);

  add(timeUs: number, k1: number, k2: number, target: number): void {
    const tLo = timeUs | 0;
    const tHi = (timeUs / TWO_POW_32) | 0;
    const k1Lo = k1 | 0;
    const k1Hi = (k1 / TWO_POW_32) | 0;
    const k2Lo = k2 | 0;
    let h = fmix(tLo ^ 0x6a09e667);
    h = fmix(h ^ tHi ^ Math.imul(target, 0x9e3779b1));
    h = fmix(h ^ k1Lo);
    h = fmix(h ^ Math.imul(k1Hi, 0x27d4eb2f) ^ k2Lo);
    const l = this.lanes;
    l[0] = (l[0] as number) + h;
    l[1] = (l[1] as number) + fmix(h ^ 0xbb67ae85);
  }

  merge(lanes: ArrayLike<number>): void {
    for (let i = 0; i < DIGEST_LANES; i++) this.lanes[i] = (this.lanes[i] as number) + (lanes[i] as number);
  }

  hex(): string {
    return Array.from(this.lanes, (v) => (v >>> 0).toString(16).padStart(8, '0')).join('');
  }
}

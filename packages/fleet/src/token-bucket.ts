// A DWFM host's admission token bucket (lease-storm rule 7): r tokens/s, burst max(1, r), full at
// t = 0. Levels are integers in units of 1e-12 token so refills are exact for any rate with at most
// six decimals (r <= 9000/s keeps every level below 2^53).
import { ZERO_US } from '@cascade/kernel';

const UNITS_PER_TOKEN = 1e12;

export const TOKEN_RATE_MAX = 9000;

export class TokenBucket {
  private levelUnits: number;
  private lastUs = ZERO_US;
  private readonly unitsPerUs: number;
  private readonly burstUnits: number;

  constructor(ratePerS: number) {
    this.unitsPerUs = Math.round(ratePerS * 1e6);
    this.burstUnits = Math.max(UNITS_PER_TOKEN, this.unitsPerUs * 1e6);
    this.levelUnits = this.burstUnits;
  }

  /** Takes one token at `nowUs` if there is one. */
  take(nowUs: number): boolean {
    if (nowUs > this.lastUs) {
      this.levelUnits = Math.min(this.burstUnits, this.levelUnits + this.unitsPerUs * (nowUs - this.lastUs));
      this.lastUs = nowUs;
    }
    if (this.levelUnits < UNITS_PER_TOKEN) return false;
    this.levelUnits -= UNITS_PER_TOKEN;
    return true;
  }
}

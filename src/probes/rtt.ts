/**
 * nmap's adaptive probe timeout (timing.cc): the first answer sets srtt = r and
 * rttvar = clamp(r, 5 ms, 2 s); later answers move srtt by 1/8 and rttvar by 1/4 of the error
 * (RFC 6298 constants). timeout = srtt + 4·rttvar, clamped to [min, max]; before any answer it
 * is the initial timeout.
 */
export class RttEstimator {
  private srtt = -1;
  private rttvar = -1;

  constructor(
    private readonly initialMs = 1000,
    private readonly minMs = 100,
    private readonly maxMs = 10_000,
  ) {}

  /** Feeds one measured round trip in milliseconds. */
  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srtt < 0) {
      this.srtt = r;
      this.rttvar = Math.min(Math.max(r, 5), 2000);
      return;
    }
    const delta = r - this.srtt;
    this.srtt += delta / 8;
    this.rttvar += (Math.abs(delta) - this.rttvar) / 4;
  }

  /** Current per-probe timeout in milliseconds. */
  timeoutMs(): number {
    if (this.srtt < 0) return this.initialMs;
    return Math.min(this.maxMs, Math.max(this.minMs, this.srtt + 4 * this.rttvar));
  }

  /** srtt + 4·rttvar without the min/max clamp, or undefined before the first answer. */
  spreadMs(): number | undefined {
    return this.srtt < 0 ? undefined : this.srtt + 4 * this.rttvar;
  }

  /** Smoothed RTT in ms, or undefined before the first answer. */
  smoothedMs(): number | undefined {
    return this.srtt < 0 ? undefined : this.srtt;
  }
}

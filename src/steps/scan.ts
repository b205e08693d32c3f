import type { ScanBody } from '../generated/scenario.js';
import { parsePorts, formatPorts } from '../probes/ports.js';
import type { PortState } from '../probes/scan-types.js';
import { parseTemplate, type TimingOptions, type TimingTemplate } from '../probes/timing.js';
import { durationMs } from '../util/duration.js';
import { defineStep } from './kind.js';
import { checkTarget, targetAddress } from './target.js';

const STATES: PortState[] = ['open', 'closed', 'filtered', 'open|filtered'];
const METHOD_NAMES = { connect: 'connect', syn: 'SYN', udp: 'UDP' } as const;

/** The state each port must have, from `open`/`closed`/`filtered`/`open|filtered` lists and one `rest`. */
export function expectedStates(expect: NonNullable<ScanBody['expect']>, scanned: number[]): Map<number, PortState> {
  const want = new Map<number, PortState>();
  let rest: PortState | undefined;
  for (const s of STATES) {
    const v = expect[s];
    if (v === 'rest') rest = s;
    else for (const p of v ?? []) want.set(p, s);
  }
  if (rest) for (const p of scanned) if (!want.has(p)) want.set(p, rest);
  return want;
}

/** nmap's timing controls of the step, as scan options. */
function timingOf(b: ScanBody): TimingOptions {
  const t: TimingOptions = {};
  if (b.timing !== undefined) t.timing = typeof b.timing === 'number' ? (b.timing as TimingTemplate) : parseTemplate(b.timing);
  if (b.initialRttTimeout !== undefined) t.initialTimeoutMs = durationMs(b.initialRttTimeout, 1000);
  if (b.minRttTimeout !== undefined) t.minTimeoutMs = durationMs(b.minRttTimeout, 100);
  if (b.maxRttTimeout !== undefined) t.maxTimeoutMs = durationMs(b.maxRttTimeout, 10_000);
  if (b.maxRetries !== undefined) t.maxRetries = b.maxRetries;
  if (b.scanDelay !== undefined) t.scanDelayMs = durationMs(b.scanDelay, 0);
  return t;
}

export const scan = defineStep({
  kind: 'scan',
  describe: (b) =>
    `${METHOD_NAMES[b.method ?? 'connect']} scan of ${b.target} ports ${Array.isArray(b.ports) ? formatPorts(b.ports) : b.ports}`,
  host: (b) => b.from ?? 'local',
  defaultTimeoutMs: 120_000,
  check(b, scope) {
    scope.host(b.from, ['from']);
    checkTarget(b.target, scope, ['target']);
    let ports: number[] = [];
    try {
      ports = parsePorts(b.ports);
    } catch (e) {
      scope.error(['ports'], 'bad-value', (e as Error).message);
    }
    const e = b.expect ?? {};
    if (STATES.filter((s) => e[s] === 'rest').length > 1) scope.error(['expect'], 'bad-value', 'only one state can be "rest"');
    if (e['open|filtered'] !== undefined && b.method !== 'udp') {
      scope.error(
        ['expect', 'open|filtered'],
        'bad-value',
        'open|filtered is a state of UDP scans only; expected method: udp, or filtered for a TCP scan',
      );
    }
    for (const s of STATES) {
      const v = e[s];
      if (!Array.isArray(v)) continue;
      v.forEach((p, i) => {
        if (ports.length && !ports.includes(p)) scope.error(['expect', s, i], 'bad-value', `port ${p} is not among the scanned ports`);
      });
    }
  },
  async run(b, ctx) {
    const host = b.from ?? 'local';
    const result = await ctx.host(host).call('scan', {
      target: targetAddress(b.target, ctx),
      ports: parsePorts(b.ports),
      method: b.method ?? 'connect',
      allow: ctx.run.allowedTargets,
      ...timingOf(b),
    });
    ctx.detail('probe', { kind: 'scan', ...result });
    if (!b.expect) return;
    const want = expectedStates(
      b.expect,
      result.ports.map((p) => p.port),
    );
    for (const s of STATES) {
      const ports = [...want].filter(([, st]) => st === s).map(([p]) => p);
      if (b.expect[s] === undefined) continue;
      const actual = result.ports.filter((p) => ports.includes(p.port) && p.state !== s);
      ctx.check({
        title: `${s} ports`,
        expected: ports.length ? formatPorts(ports) : 'none',
        actual: actual.length
          ? actual.map((p) => `${p.port} is ${p.state} (${p.reason})`).join(', ')
          : ports.length
            ? formatPorts(ports)
            : 'none',
        passed: actual.length === 0,
        fraction: ports.length ? (ports.length - actual.length) / ports.length : 1,
      });
    }
  },
});

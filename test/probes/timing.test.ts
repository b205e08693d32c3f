/**
 * nmap's timing controls: the -T templates' values, the RTT-timeout options moving each other
 * as NmapOps does, nmap's time syntax, and the scan engine's retransmission rule and
 * parallelism under them (a scripted transport: no sockets, no root).
 */
import { describe, expect, it } from 'vitest';
import { ScanEngine } from '../../src/probes/scan-engine.js';
import { parseNmapTime, parseTemplate, resolveTiming } from '../../src/probes/timing.js';
import { diagnostics } from '../helpers/scenario.js';

describe('resolveTiming: nmap -T0..-T5 and the RTT options', () => {
  it("T3 (no options) is nmap's default", () => {
    expect(resolveTiming({})).toEqual({
      initialMs: 1000,
      minMs: 100,
      maxMs: 10_000,
      maxRetries: 10,
      scanDelayMs: 0,
      maxTcpScanDelayMs: 1000,
      maxUdpScanDelayMs: 1000,
    });
    expect(resolveTiming({ timing: 3 })).toEqual(resolveTiming({}));
  });
  it('T4 and T5 as nmap documents them', () => {
    expect(resolveTiming({ timing: 4 })).toMatchObject({
      initialMs: 500,
      minMs: 100,
      maxMs: 1250,
      maxRetries: 6,
      scanDelayMs: 0,
      maxTcpScanDelayMs: 10,
    });
    expect(resolveTiming({ timing: 5 })).toMatchObject({
      initialMs: 250,
      minMs: 50,
      maxMs: 300,
      maxRetries: 2,
      scanDelayMs: 0,
      maxTcpScanDelayMs: 5,
    });
  });
  it('T0-T2 send one probe at a time, 5 min, 15 s and 400 ms apart; T0/T1 raise the max timeout to their initial one', () => {
    expect(resolveTiming({ timing: 0 })).toMatchObject({ initialMs: 300_000, maxMs: 300_000, scanDelayMs: 300_000, maxParallelism: 1 });
    expect(resolveTiming({ timing: 1 })).toMatchObject({ initialMs: 15_000, maxMs: 15_000, scanDelayMs: 15_000, maxParallelism: 1 });
    expect(resolveTiming({ timing: 2 })).toMatchObject({ initialMs: 1000, maxMs: 10_000, scanDelayMs: 400, maxParallelism: 1 });
  });
  it('options override the template, and one timeout moves the others so min <= initial <= max', () => {
    expect(resolveTiming({ timing: 5, maxRetries: 0, initialTimeoutMs: 100 })).toMatchObject({
      initialMs: 100,
      minMs: 50,
      maxMs: 300,
      maxRetries: 0,
    });
    expect(resolveTiming({ maxTimeoutMs: 200 })).toMatchObject({ initialMs: 200, minMs: 100, maxMs: 200 });
    expect(resolveTiming({ minTimeoutMs: 2000 })).toMatchObject({ initialMs: 2000, minMs: 2000, maxMs: 10_000 });
    expect(resolveTiming({ initialTimeoutMs: 20_000 })).toMatchObject({ initialMs: 20_000, maxMs: 20_000 });
    expect(resolveTiming({ initialTimeoutMs: 20 })).toMatchObject({ initialMs: 20, minMs: 20 });
  });
  it('refuses what nmap refuses', () => {
    expect(() => resolveTiming({ maxTimeoutMs: 0 })).toThrow(/max-rtt-timeout/);
    expect(() => resolveTiming({ maxRetries: -1 })).toThrow(/max-retries/);
    expect(() => resolveTiming({ timing: 6 as 5 })).toThrow(/0-5/);
  });
});

describe('nmap time values and template names', () => {
  it('bare numbers are seconds; ms, s, m, h', () => {
    expect(parseNmapTime('2')).toBe(2000);
    expect(parseNmapTime('250ms')).toBe(250);
    expect(parseNmapTime('0.5s')).toBe(500);
    expect(parseNmapTime('2m')).toBe(120_000);
    expect(parseNmapTime('1h')).toBe(3_600_000);
    expect(parseNmapTime('5x')).toBeUndefined();
    expect(parseNmapTime('-1')).toBeUndefined();
  });
  it('-T takes a digit or the name', () => {
    expect(parseTemplate('4')).toBe(4);
    expect(parseTemplate('Insane')).toBe(5);
    expect(parseTemplate('paranoid')).toBe(0);
    expect(parseTemplate('6')).toBeUndefined();
  });
});

/**
 * Runs the engine over `ports` with a scripted network: `answers(port, attempt)` says what the
 * probe meets (undefined: silence). Returns probes sent per port and the most in flight at once.
 */
async function scripted(
  ports: number[],
  opts: Parameters<typeof resolveTiming>[0] & { tries?: number; window?: number },
  answers: (port: number, attempt: number) => 'open' | 'closed' | undefined,
  rttMs = (_port: number, _attempt: number) => 0.05,
  exact = false,
) {
  const engine = new ScanEngine(ports, { target: '127.0.0.1', ports, initialTimeoutMs: opts.initialTimeoutMs ?? 20, ...opts }, 64);
  engine.exactAttempts = exact;
  const sent = new Map<number, number>();
  let inflight = 0;
  let most = 0;
  engine.transport = {
    send(port, attempt) {
      sent.set(port, attempt);
      inflight++;
      most = Math.max(most, inflight);
      const a = answers(port, attempt);
      if (a)
        setImmediate(() => {
          inflight--;
          engine.answer(port, a, a === 'open' ? 'syn-ack' : 'reset', a === 'open' ? 'SYN/ACK' : 'RST', rttMs(port, attempt));
        });
    },
    cancel() {
      inflight--;
    },
  };
  await engine.run();
  return { sent, most, engine, result: engine.result('127.0.0.1', 'syn', 'portable') };
}

describe("the engine under nmap's retransmission rule", () => {
  it('a silent port gets 2 probes while every answer came to a first probe, whatever max retries allows', async () => {
    const { sent, result } = await scripted([1, 2, 3], { timing: 4 }, (p) => (p === 1 ? 'open' : undefined));
    expect([...sent]).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
    expect(result.ports.map((p) => p.state)).toEqual(['open', 'filtered', 'filtered']);
  });
  it('once a retransmission was answered, silent ports get one more (nmap max_successful_tryno + 1)', async () => {
    // port 1 answers only its second probe; ports 2-3 never answer: after port 1's answer they
    // may have 3 probes. Port 1's timeout comes first (it is sent first), so ports 2 and 3 see it.
    const { sent, result } = await scripted([1, 2, 3], { maxRetries: 10, window: 1 }, (p, attempt) =>
      p === 1 && attempt === 2 ? 'closed' : undefined,
    );
    expect(sent.get(1)).toBe(2);
    expect(sent.get(2)).toBe(3);
    expect(sent.get(3)).toBe(3);
    expect(result.ports.map((p) => p.state)).toEqual(['closed', 'filtered', 'filtered']);
  });
  it('max retries caps it: --max-retries 0 is one probe per port', async () => {
    const { sent } = await scripted([1, 2], { maxRetries: 0 }, () => undefined);
    expect([...sent.values()]).toEqual([1, 1]);
  });
  it('an explicit `tries` overrides the rule', async () => {
    const { sent } = await scripted([1, 2], { tries: 4 }, () => undefined);
    expect([...sent.values()]).toEqual([4, 4]);
  });
  it('T2 keeps one probe in flight (nmap max_parallelism 1), with its scan delay', async () => {
    const { most, result } = await scripted([1, 2, 3, 4], { timing: 2, scanDelayMs: 1 }, () => 'closed');
    expect(most).toBe(1);
    expect(result.ports.map((p) => p.state)).toEqual(['closed', 'closed', 'closed', 'closed']);
  });
  it('T3 fills its window', async () => {
    const { most } = await scripted([1, 2, 3, 4], {}, () => 'closed');
    expect(most).toBe(4);
  });
});

describe('the engine slows down on drops, as nmap does under a rate limit', () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => 100 + i);
  it('answers only to retransmissions (drops) boost the send delay once per burst of drops', async () => {
    // all 40 first probes go out at once: after 11 drops the delay is boosted, and the other
    // answers are to probes sent before that boost, which no longer count (nmap's prevSent rule)
    const { engine, result } = await scripted(range(40), {}, (_p, attempt) => (attempt === 2 ? 'closed' : undefined));
    expect(result.ports.every((p) => p.state === 'closed')).toBe(true);
    expect(engine.delayBoosts.map(([, d]) => d)).toEqual([5]);
  });
  it('drops of probes sent after a boost boost it again: 5 ms, then doubled', async () => {
    const { engine } = await scripted(range(60), { window: 4, initialTimeoutMs: 5, minTimeoutMs: 1 }, (_p, attempt) =>
      attempt === 2 ? 'closed' : undefined,
    );
    expect(engine.delayBoosts.map(([, d]) => d).slice(0, 2)).toEqual([5, 10]);
  });
  it("never past the template's max scan delay (T5: 5 ms)", async () => {
    const { engine } = await scripted(range(40), { timing: 5 }, (_p, attempt) => (attempt === 2 ? 'closed' : undefined));
    expect(engine.delayBoosts.map(([, d]) => d)).toEqual([5]);
    expect(engine.sendDelayMs()).toBe(5);
  });
  it('answers to first probes do not slow it down', async () => {
    const { engine } = await scripted(range(40), {}, () => 'closed');
    expect(engine.sendDelayMs()).toBe(0);
    expect(engine.delayBoosts).toEqual([]);
  });
  it('an answer only to a 5th probe (max_successful_tryno 4 > 3) boosts it at once', async () => {
    // each port answers one probe later than the one before: max_successful_tryno climbs 1, 2, 3, 4
    const { engine, sent } = await scripted([1, 2, 3, 4], { window: 1, initialTimeoutMs: 5, minTimeoutMs: 1 }, (p, attempt) =>
      attempt === p + 1 ? 'closed' : undefined,
    );
    expect([...sent.values()]).toEqual([2, 3, 4, 5]);
    expect(engine.delayBoosts.map(([, d]) => d)).toEqual([5]);
  });
});

describe('answers the transport cannot tie to a try (SYN, UDP)', () => {
  // port 1 answers fast; port 2's answer comes after its retransmission but 30 ms after it, far
  // slower than this path's srtt + 4 rttvar: a late answer to the first probe, as nmap (which
  // tells tries apart by source port) would see it, so silent port 3 still gets 2 probes
  const answers = (p: number, attempt: number) => (p === 1 ? 'closed' : p === 2 && attempt === 2 ? 'closed' : undefined);
  const rtt = (p: number) => (p === 2 ? 30 : 0.05);
  it('a slow answer after a retransmission is a late answer to the first probe', async () => {
    const { sent } = await scripted([1, 2, 3], { window: 1, initialTimeoutMs: 5 }, answers, rtt);
    expect(sent.get(3)).toBe(2);
  });
  it('where the transport knows the try (connect), it counts as an answered retransmission', async () => {
    const { sent } = await scripted([1, 2, 3], { window: 1, initialTimeoutMs: 5 }, answers, rtt, true);
    expect(sent.get(3)).toBe(3);
  });
});

describe('answers already queued when the engine times probes out', () => {
  // On a loaded machine a round of sends can take longer than the timeout (on loopback each
  // send runs the target's answer too, so the answers are queued by the time it returns). A
  // transport whose answers wait until it is polled, whose rounds of sends take 3 timeouts:
  // every answer must count, and no probe be retransmitted or called silent.
  async function slowRounds(withPoll: boolean) {
    const ports = Array.from({ length: 128 }, (_, i) => i + 1);
    const engine = new ScanEngine(
      ports,
      { target: '127.0.0.1', ports, initialTimeoutMs: 10, minTimeoutMs: 10, maxTimeoutMs: 10, tries: 1 },
      64,
    );
    const queued: number[] = [];
    const sent: number[] = [];
    engine.transport = {
      send(port) {
        sent.push(port);
        queued.push(port);
      },
      cancel() {},
      flush() {
        const until = performance.now() + 30; // the round's send calls (bounded: 30 ms)
        while (performance.now() < until);
      },
      ...(withPoll
        ? {
            poll() {
              for (const port of queued.splice(0)) engine.answer(port, 'closed', 'reset', 'RST', 0.01);
            },
          }
        : {}),
    };
    await engine.run();
    return { sent, states: new Set(engine.result('127.0.0.1', 'syn', 'native').ports.map((p) => p.state)) };
  }
  it('the engine polls the transport before judging, with the deadline read before the poll', async () => {
    // two windows of 64: the second is sent from inside the poll's answers, 30 ms before the
    // timeout check that follows; it is younger than the deadline read before the poll
    const { sent, states } = await slowRounds(true);
    expect(sent).toHaveLength(128);
    expect([...states]).toEqual(['closed']);
  });
  it('(the same transport unpolled: its probes time out, so the case above can fail)', async () => {
    const { states } = await slowRounds(false);
    expect([...states]).toEqual(['filtered']);
  });
});

describe("the scan step's timing keys", () => {
  it("take nmap's templates (number or name), RTT timeouts, max retries and scan delay", () => {
    const ok = diagnostics(
      'name: t\nsteps:\n  - scan: { target: 127.0.0.1, ports: 1-10, timing: 5 }\n  - scan: { target: 127.0.0.1, ports: 1-10, timing: aggressive, initialRttTimeout: 100ms, minRttTimeout: 50ms, maxRttTimeout: 1s, maxRetries: 0, scanDelay: 10ms }\n',
    );
    expect(ok).toEqual([]);
    expect(diagnostics('name: t\nsteps:\n  - scan: { target: 127.0.0.1, ports: 1-10, timing: 7 }\n').length).toBeGreaterThan(0);
    expect(diagnostics('name: t\nsteps:\n  - scan: { target: 127.0.0.1, ports: 1-10, maxRetries: -1 }\n').length).toBeGreaterThan(0);
  });
});

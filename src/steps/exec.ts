import { resolve } from 'node:path';
import type { TextMatch } from '../generated/scenario.js';
import { showCommand } from '../util/command-line.js';
import { show } from './data.js';
import { substitute } from '../util/vars.js';
import { StepTimeout } from './step-timeout.js';
import { defineStep } from './kind.js';

/** Checks a text against a TextMatch; returns what was expected, in words. */
export function textMatch(m: TextMatch, text: string): { passed: boolean; expected: string } {
  if (typeof m === 'string') return { passed: text.includes(m), expected: `contains ${show(m)}` };
  const parts: { passed: boolean; expected: string }[] = [];
  if (m.equals !== undefined)
    parts.push({ passed: text.replace(/\n$/, '') === m.equals.replace(/\n$/, ''), expected: `equals ${show(m.equals)}` });
  if (m.contains !== undefined) parts.push({ passed: text.includes(m.contains), expected: `contains ${show(m.contains)}` });
  if (m.regex !== undefined) parts.push({ passed: new RegExp(m.regex, 'm').test(text), expected: `matches /${m.regex}/` });
  if (m.empty !== undefined) parts.push({ passed: (text.length === 0) === m.empty, expected: m.empty ? 'is empty' : 'is not empty' });
  return { passed: parts.every((p) => p.passed), expected: parts.map((p) => p.expected).join(' and ') };
}

function clip(s: string, n = 2000): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s;
}

export const exec = defineStep({
  kind: 'exec',
  describe: (b) => `run ${showCommand(b.run)}`,
  host: (b) => b.on ?? 'local',
  defaultTimeoutMs: 30_000,
  check(b, scope) {
    scope.host(b.on, ['on']);
    for (const k of ['stdout', 'stderr'] as const) {
      const m = b.expect?.[k];
      if (m && typeof m === 'object' && m.regex !== undefined) {
        try {
          new RegExp(m.regex);
        } catch (e) {
          scope.error(['expect', k, 'regex'], 'bad-regex', `not a valid regular expression: ${(e as Error).message}`);
        }
      }
    }
  },
  async run(b, ctx) {
    const vars = ctx.run.vars;
    const run = typeof b.run === 'string' ? substitute(b.run, vars) : b.run.map((a) => substitute(a, vars));
    const r = await ctx.host(b.on ?? 'local').call('exec', {
      run,
      cwd: resolve(ctx.run.scenarioDir, b.cwd ?? '.'),
      env: b.env,
      stdin: b.stdin,
      timeoutMs: Math.max(1, ctx.timeLeftMs()),
    });
    ctx.detail('exec', {
      command: showCommand(run),
      exitCode: r.exitCode,
      signal: r.signal,
      timedOut: r.timedOut,
      stdout: r.stdout,
      stderr: r.stderr,
      ...(r.truncated ? { truncated: true } : {}),
    });
    if (r.spawnError) throw new Error(`could not run ${showCommand(run)}: ${r.spawnError}`);
    if (r.timedOut) throw new StepTimeout(`the command did not finish within ${Math.round(r.durationMs)} ms and was killed`);
    const wantExit = b.expect?.exit ?? 0;
    const actualExit = r.timedOut ? 'killed: timed out' : r.signal ? `killed by ${r.signal}` : String(r.exitCode);
    ctx.check({ title: 'exit code', expected: String(wantExit), actual: actualExit, passed: !r.timedOut && r.exitCode === wantExit });
    for (const k of ['stdout', 'stderr'] as const) {
      const m = b.expect?.[k];
      if (m === undefined) continue;
      const res = textMatch(m, r[k]);
      ctx.check({ title: k, expected: res.expected, actual: show(clip(r[k])), passed: res.passed });
    }
  },
});

/** Runs the peer DNS tools (dig, nslookup, dnsmasq) against loopback servers, for differential tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DigRecord {
  name: string;
  ttl: number;
  type: string;
  data: string;
}
export interface DigResult {
  status: string;
  flags: string[];
  answers: DigRecord[];
  authority: DigRecord[];
  additional: DigRecord[];
  transport: string;
  raw: string;
}

const trimDot = (s: string) => (s.endsWith('.') && s.length > 1 ? s.slice(0, -1) : s);

/** dig's presentation data in wirelab's form: no trailing dots, TXT strings unquoted and joined. */
function normData(type: string, data: string): string {
  if (type === 'TXT') return [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')).join('');
  return data
    .split(/\s+/)
    .map((t) => trimDot(t.toLowerCase()))
    .join(' ');
}

/** Parses dig's default output. */
export function parseDig(raw: string): DigResult {
  const res: DigResult = { status: '', flags: [], answers: [], authority: [], additional: [], transport: '', raw };
  let section: DigRecord[] | undefined;
  for (const line of raw.split('\n')) {
    const st = /status: (\w+)/.exec(line);
    if (st) res.status = st[1];
    const fl = /^;; flags: ([^;]*);/.exec(line);
    if (fl) res.flags = fl[1].trim().split(/\s+/);
    const sv = /^;; SERVER: .*\((\w+)\)$/.exec(line);
    if (sv) res.transport = sv[1];
    if (line.startsWith(';; ANSWER SECTION')) section = res.answers;
    else if (line.startsWith(';; AUTHORITY SECTION')) section = res.authority;
    else if (line.startsWith(';; ADDITIONAL SECTION')) section = res.additional;
    else if (line === '' || line.startsWith(';')) section = line === '' ? undefined : section;
    else if (section) {
      const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
      if (m) section.push({ name: trimDot(m[1].toLowerCase()), ttl: Number(m[2]), type: m[3], data: normData(m[3], m[4]) });
    }
  }
  return res;
}

/** `dig @server -p port ...args` (one try, 2 s), parsed. */
export async function dig(server: string, port: number, args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', [`@${server}`, '-p', String(port), '+tries=1', '+time=2', ...args], { timeout: 20_000 });
  return parseDig(stdout);
}

/** `nslookup [options] name server` with `-port=`; returns stdout and the exit code. */
export async function nslookup(server: string, port: number, args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('nslookup', [`-port=${port}`, '-timeout=2', '-retry=1', ...args, server], { timeout: 20_000 });
    return { stdout, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; code?: number };
    return { stdout: err.stdout ?? '', code: typeof err.code === 'number' ? err.code : -1 };
  }
}

/** A dnsmasq serving only local data on one loopback address; `stop()` kills it by PID. */
export async function startDnsmasq(address: string, port: number, data: string[]): Promise<{ proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn(
    'dnsmasq',
    [
      '-k',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      '--bind-interfaces',
      `--listen-address=${address}`,
      `--port=${port}`,
      '--pid-file=',
      '--user=root',
      ...data,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    process.kill(proc.pid!, 'SIGTERM');
    await exited;
  };
  // wait until it answers (bounded: 50 × 100 ms)
  for (let i = 0; i < 50; i++) {
    if (proc.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
    if (await udpAnswers(address, port)) return { proc, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`dnsmasq did not answer on ${address}#${port}: ${stderr}`);
}

/** True if something answers a DNS query (root SOA) on address#port within 200 ms. */
function udpAnswers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const q = Buffer.from('abcd01000001000000000000' + '0000060001', 'hex');
    const done = (ok: boolean) => {
      clearTimeout(t);
      sock.close();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), 200);
    sock.on('message', () => done(true));
    sock.on('error', () => done(false));
    sock.send(q, port, address);
  });
}

/**
 * Small namespace topologies for the probe tests (prefix `wlt5-`), built with ip/nft and torn
 * down in `destroy()` (call it from afterAll/finally). Addresses come from 198.51.100.0/24 and
 * 203.0.113.0/24 and exist only inside the namespaces. Namespaces keep the kernel's default ICMP
 * rate limits (a burst of 6 errors per destination, then one a second), as real hosts do; a lab
 * made with `{ icmpRatelimit: 0 }` sets net.ipv4.icmp_ratelimit in each of its namespaces, for
 * tests about scan states that send more probes than that.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export const PREFIX = 'wlt5-';

export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
}

export function inNs(ns: string, cmd: string, args: string[], input?: string): string {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

export class Lab {
  readonly namespaces: string[] = [];
  readonly children: ChildProcess[] = [];
  constructor(
    readonly tag: string,
    readonly opts: { icmpRatelimit?: number } = {},
  ) {}

  ns(role: string): string {
    return `${PREFIX}${this.tag}-${role}`;
  }

  addNs(role: string, forward = false): string {
    const name = this.ns(role);
    try {
      sh('ip', ['netns', 'del', name]); // left over from a killed run
    } catch {
      // not there
    }
    sh('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    inNs(name, 'ip', ['link', 'set', 'lo', 'up']);
    const limit = this.opts.icmpRatelimit === undefined ? [] : [`net.ipv4.icmp_ratelimit=${this.opts.icmpRatelimit}`];
    inNs(name, 'sysctl', ['-qw', ...limit, `net.ipv4.ip_forward=${forward ? 1 : 0}`]);
    return name;
  }

  /** A veth between two namespaces, each end named and addressed (CIDR) in its namespace. */
  link(a: string, aIf: string, aAddr: string, b: string, bIf: string, bAddr: string): void {
    sh('ip', ['link', 'add', aIf, 'netns', a, 'type', 'veth', 'peer', 'name', bIf, 'netns', b]);
    inNs(a, 'ip', ['addr', 'add', aAddr, 'dev', aIf]);
    inNs(b, 'ip', ['addr', 'add', bAddr, 'dev', bIf]);
    inNs(a, 'ip', ['link', 'set', aIf, 'up']);
    inNs(b, 'ip', ['link', 'set', bIf, 'up']);
  }

  route(ns: string, dest: string, via: string): void {
    inNs(ns, 'ip', ['route', 'add', dest, 'via', via]);
  }

  nft(ns: string, ruleset: string): void {
    inNs(ns, 'nft', ['-f', '-'], ruleset);
  }

  /** Starts TCP listeners on `ports` inside `ns` (a node process, killed by PID on destroy). */
  listen(ns: string, ports: number[]): Promise<void> {
    return this.helper(
      ns,
      `const net=require('net');let n=0;for(const p of ${JSON.stringify(ports)}){net.createServer(s=>s.destroy()).listen(p,'::',()=>{if(++n===${ports.length})console.log('ready')})}`,
    );
  }

  /** UDP sockets on `answer` ports (each datagram gets a reply) and `silent` ports (never reply) inside `ns`. */
  listenUdp(ns: string, answer: number[], silent: number[]): Promise<void> {
    const all = JSON.stringify([...answer.map((p) => [p, 1]), ...silent.map((p) => [p, 0])]);
    return this.helper(
      ns,
      `const d=require('dgram');const all=${all};let n=0;for(const [p,a] of all){const s=d.createSocket('udp4');s.on('message',(m,r)=>{if(a)s.send('reply',r.port,r.address)});s.bind(p,'0.0.0.0',()=>{if(++n===all.length)console.log('ready')})}`,
    );
  }

  /** Runs `code` with node inside `ns` until destroy; resolves when it prints `ready`. */
  private async helper(ns: string, code: string): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the helper in the namespace did not start')), 10_000);
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (c) => reject(new Error(`the helper in the namespace exited ${c}`)));
    });
  }

  destroy(): void {
    for (const c of this.children) if (c.pid && c.exitCode === null) c.kill('SIGKILL');
    for (const ns of this.namespaces.reverse()) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Client 198.51.100.1 ↔ server 198.51.100.2. On the server, `open` ports listen, `reset` ports
 * are answered by `reject with tcp reset`, `drop` ports are silently dropped (ports not listed
 * get the kernel's own RST).
 */
export async function serverPair(
  tag: string,
  ports: { open: number[]; reset: number[]; drop: number[]; icmp?: number[] },
  opts: { icmpRatelimit?: number } = {},
): Promise<Lab & { cli: string; srv: string }> {
  const lab = new Lab(tag, opts);
  try {
    const cli = lab.addNs('cli');
    const srv = lab.addNs('srv');
    lab.link(cli, 'c0', '198.51.100.1/24', srv, 's0', '198.51.100.2/24');
    const set = (l: number[]) => `{ ${l.join(', ')} }`;
    const rules = [
      ports.reset.length ? `tcp dport ${set(ports.reset)} reject with tcp reset` : '',
      ports.drop.length ? `tcp dport ${set(ports.drop)} drop` : '',
      ports.icmp?.length ? `tcp dport ${set(ports.icmp)} reject` : '',
    ].filter(Boolean);
    lab.nft(srv, `table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy accept;\n ${rules.join('\n ')}\n }\n}\n`);
    if (ports.open.length) await lab.listen(srv, ports.open);
    return Object.assign(lab, { cli, srv });
  } catch (e) {
    lab.destroy();
    throw e;
  }
}

/** Addresses of `chainOf(n)`: hop k (1-based) is router k's address facing the client; the destination is 203.0.113.2. */
export function chainHop(k: number, routers: number): string {
  return k > routers ? '203.0.113.2' : `198.51.100.${4 * (k - 1) + 2}`;
}

/**
 * cli → r1 → … → rN → dst (N = `routers`, 0-6), with the kernel's default ICMP limits. Link i
 * (0-based) is 198.51.100.(4i+1)/30 ↔ .(4i+2)/30, the last one 203.0.113.1/30 ↔ .2/30.
 * `silent` routers (1-based) drop their own time-exceeded; `silentDst` drops all input at dst.
 */
export function chainOf(
  tag: string,
  routers: number,
  opts: { silent?: number[]; silentDst?: boolean } = {},
): Lab & { cli: string; dst: string; dstReceived: () => number } {
  const lab = new Lab(tag);
  try {
    const names = [lab.addNs('cli')];
    for (let k = 1; k <= routers; k++) names.push(lab.addNs(`r${k}`, true));
    names.push(lab.addNs('dst'));
    const addr = (i: number, side: 1 | 2) => (i === routers ? `203.0.113.${side}` : `198.51.100.${4 * i + side}`);
    for (let i = 0; i <= routers; i++) lab.link(names[i], 'e1', `${addr(i, 1)}/30`, names[i + 1], 'e0', `${addr(i, 2)}/30`);
    for (let i = 0; i < routers; i++) lab.route(names[i], 'default', addr(i, 2));
    for (let k = 1; k <= routers; k++) lab.route(names[k], '198.51.100.0/24', addr(k - 1, 1));
    lab.route(names[routers + 1], 'default', addr(routers, 1));
    for (const k of opts.silent ?? []) {
      lab.nft(
        names[k],
        'table inet wlt5 {\n chain output {\n type filter hook output priority 0; policy accept;\n icmp type time-exceeded drop\n }\n}\n',
      );
    }
    if (opts.silentDst)
      lab.nft(names[routers + 1], 'table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy drop;\n }\n}\n');
    // counts what reaches the destination from the client (before a silent destination drops it)
    lab.nft(
      names[routers + 1],
      `table inet wlt5c {\n chain input {\n type filter hook input priority -10; policy accept;\n ip saddr ${addr(0, 1)} counter\n }\n}\n`,
    );
    const dstReceived = () => Number(/packets (\d+)/.exec(inNs(names[routers + 1], 'nft', ['list', 'table', 'inet', 'wlt5c']))![1]);
    return Object.assign(lab, { cli: names[0], dst: '203.0.113.2', dstReceived });
  } catch (e) {
    lab.destroy();
    throw e;
  }
}

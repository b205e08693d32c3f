/**
 * Each lab host's own /etc files, which `wirelab shell` and `exec` bind over /etc/hosts and
 * /etc/resolv.conf inside the session's mount namespace (as `ip netns exec` does with
 * /etc/netns/NAME/): a hosts file naming the lab's hosts, and the host's resolver (the
 * topology's, or none: then the resolver library asks 127.0.0.1 inside the namespace, never
 * the machine's resolver).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHost } from '../generated/lab-state.js';
import { NETNS_ETC } from '../topology/apply.js';
import { labFilesDir } from './state.js';

export function hostFiles(lab: string, host: string): { hosts: string; resolvConf: string; rc: string } {
  const d = join(labFilesDir(lab), 'hosts', host);
  return { hosts: join(d, 'hosts'), resolvConf: join(d, 'resolv.conf'), rc: join(labFilesDir(lab), 'bashrc') };
}

export function hostsFileText(self: string, hosts: LabHost[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const h of hosts) for (const a of h.addresses) lines.push(`${a}\t${h.name}`);
  return `# wirelab lab host ${self}\n${lines.join('\n')}\n`;
}

/** Writes every host's hosts file and resolv.conf, and the shell's rc file (prompt: [lab host]). */
export function writeHostFiles(lab: string, hosts: LabHost[]): void {
  for (const h of hosts) {
    const f = hostFiles(lab, h.name);
    mkdirSync(join(f.hosts, '..'), { recursive: true });
    writeFileSync(f.hosts, hostsFileText(h.name, hosts));
    const topo = join(NETNS_ETC, h.netns, 'resolv.conf');
    writeFileSync(
      f.resolvConf,
      existsSync(topo) ? readFileSync(topo) : `# wirelab lab ${lab}: host ${h.name} has no resolver (the topology gives it none)\n`,
    );
  }
  writeFileSync(
    hostFiles(lab, '').rc,
    [
      '# wirelab shell: the system-wide bash set-up, then a prompt naming the lab and the host',
      '[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc',
      `PS1='[\${WIRELAB_LAB} \${WIRELAB_HOST}] \\w\\$ '`,
      '',
    ].join('\n'),
  );
}

/**
 * The command line that runs `cmd` inside a lab host: its network namespace (`ip netns exec`,
 * which also gives a private mount namespace and binds /etc/netns/NAME/), a UTS namespace with
 * the host's name, and the host's hosts file and resolv.conf bound over /etc's.
 */
export function enterArgv(lab: string, host: LabHost, cmd: string[]): string[] {
  const f = hostFiles(lab, host.name);
  const script = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && hostname "$3" && shift 3 && exec "$@"';
  return [
    'ip',
    'netns',
    'exec',
    host.netns,
    'unshare',
    '--uts',
    '--',
    'sh',
    '-c',
    script,
    'wirelab-enter',
    f.hosts,
    f.resolvConf,
    host.name,
    ...cmd,
  ];
}

/** Reads the parts of a resolv.conf(5) file a stub resolver uses. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
}

/** `nameserver`, `search` (or `domain`; the last one wins, as in glibc) and `options ndots:N`. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1 };
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && rest[0]) conf.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') conf.search = rest.filter(Boolean);
    else if (key === 'options')
      for (const o of rest) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m) conf.ndots = Math.min(15, Number(m[1]));
      }
  }
  return conf;
}

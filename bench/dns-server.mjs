// The fixture DNS server in its own process for bench/dns.mjs: serves h0..h(N-1).bench.example A
// on ADDRESS:0, prints the port on stdout, and exits when stdin closes (or after 10 minutes).
// Usage: node bench/dns-server.mjs ADDRESS N
import { startDnsServer } from '../dist/dns/server.js';

const [address = '127.3.9.1', n = '1000'] = process.argv.slice(2);
const records = Array.from({ length: Number(n) }, (_, i) => ({ name: `h${i}`, type: 'A', value: `198.51.100.${i % 250}` }));
const server = await startDnsServer({ zones: [{ origin: 'bench.example', records }], address, port: 0, maxTransactions: 0 });
process.stdout.write(`${server.port}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 600_000).unref();

// Runs one probe op from dist/ and prints its JSON result: node probe-runner.mjs '{"op":"scan","args":{...}}'
// Used by the namespace tests as `ip netns exec NS node probe-runner.mjs ...`.
const { op, args } = JSON.parse(process.argv[2]);
const { probeOps } = await import(new URL('../../dist/probes/ops.js', import.meta.url).href);
const result = await probeOps[op](args, {});
process.stdout.write(JSON.stringify(result));

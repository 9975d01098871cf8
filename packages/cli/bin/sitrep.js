#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
// Plain JavaScript so it runs before anything is compiled or checked: refuse old Node early with
// a useful message rather than failing later on a missing built-in such as node:sqlite.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `sitrep needs Node.js >= 22.12 (this is ${process.versions.node}). ` +
      'Run `. scripts/node-env.sh` in the repository to use Node 24, or `npm start`, which does it for you.\n',
  );
  process.exit(1);
}
const { main } = await import('../dist/main.js');
await main(process.argv);

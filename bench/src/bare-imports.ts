// A bare Node process that imports the packages named on its command line and nothing
// else, then reports its idle resident memory: what a service's libraries alone cost,
// beside which the gateway bench sets each service's own footprint.
import { setTimeout as sleep } from 'node:timers/promises';

for (const name of process.argv.slice(2)) await import(name);
await sleep(1_000);
console.log(JSON.stringify({ rss_bytes: process.memoryUsage.rss() }));

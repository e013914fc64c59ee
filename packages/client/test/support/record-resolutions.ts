// Loaded with `--import` by dependency-tree.test.ts into a fresh Node process: records every
// module that process resolves (through `import` and `require` alike, which is why these are
// the synchronous in-thread hooks) with the module that asked for it, and prints them as one
// JSON array when the process exits.
import { writeSync } from 'node:fs';
import { registerHooks, type ResolveFnOutput } from 'node:module';

const resolutions: { url: string; parentUrl: string | undefined }[] = [];

registerHooks({
  resolve(specifier, context, nextResolve) {
    let result: ResolveFnOutput;
    try {
      result = nextResolve(specifier, context);
    } catch (error) {
      // The sources import `./x.js` meaning `./x.ts`, as tsc's NodeNext resolution reads it.
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      result = nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
    }
    resolutions.push({ url: result.url, parentUrl: context.parentURL });
    return result;
  },
});

process.on('exit', () => {
  writeSync(1, JSON.stringify(resolutions));
});

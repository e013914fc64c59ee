// What the insights service does with `replacedTemplates`: a template the miner generalised
// or merged away now means the template that replaced it. A union-find over template text,
// so that each message can be scored by the template it ends up in.
export interface TemplateRenames {
  record(replaced: readonly string[], replacement: string): void;
  resolve(template: string): string;
}

export function createTemplateRenames(): TemplateRenames {
  const parent = new Map<string, string>();
  const resolve = (template: string): string => {
    let root = template;
    while (parent.has(root)) root = parent.get(root)!;
    return root;
  };
  return {
    record(replaced, replacement) {
      for (const old of replaced) {
        const from = resolve(old);
        const to = resolve(replacement);
        if (from !== to) parent.set(from, to);
      }
    },
    resolve,
  };
}

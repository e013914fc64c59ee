// Every relative link in the repository's Markdown resolves inside the repository: a clone
// has nothing beside it (no ../shared/…), and a link to an ignored file (dist/, .causeloop/)
// works only on the machine that wrote it. Anchors are checked against the headings of the
// target file with GitHub's slug rules.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

/** The lines outside fenced code blocks, numbered from 1; inline code spans blanked unless `keepCode`. */
function proseLines(markdown: string, keepCode = false): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      return;
    }
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && text.trim() === marker) fence = undefined;
      return;
    }
    lines.push({ text: keepCode ? text : text.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length)), line: index + 1 });
  });
  return lines;
}

/** Inline links and images `[x](target "title")`, `[x](<target>)`, and reference definitions `[x]: target`. */
function extractLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    for (const match of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
      links.push({ target: unbracket(match[1]!), line });
    }
    const definition = /^ {0,3}\[(?:[^\]\\]|\\.)+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (definition !== null) links.push({ target: unbracket(definition[1]!), line });
  }
  return links;
}

function unbracket(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target;
}

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown, true)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const plain = heading
      .replaceAll('`', '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
      .replace(/<[^>]+>/g, '') // inline HTML
      .replace(/(\*\*|__|\*|~~)/g, ''); // emphasis markers (a single `_` is kept, as GitHub does inside words)
    const base = plain
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

interface LinkProblem {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/** Targets with a scheme (https:, mailto:, …) point outside by design and are not checked. */
const external = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Checks one Markdown file's links against the repository's files (`files`: paths relative
 * to the root, `/`-separated). Markdown is read through `read` so tests can feed fixtures.
 */
function checkLinks(
  file: string,
  files: ReadonlySet<string>,
  read: (relativePath: string) => string,
): LinkProblem[] {
  const directories = new Set<string>(['']);
  for (const known of files) {
    for (let directory = path.posix.dirname(known); directory !== '.'; directory = path.posix.dirname(directory)) {
      directories.add(directory);
    }
  }
  const problems: LinkProblem[] = [];
  const markdown = read(file);
  for (const { target, line } of extractLinks(markdown)) {
    if (external.test(target) || target.startsWith('//')) continue;
    const report = (problem: string) => problems.push({ file, line, target, problem });
    const hashAt = target.indexOf('#');
    const rawPath = hashAt === -1 ? target : target.slice(0, hashAt);
    const anchor = hashAt === -1 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
    let resolved = file;
    if (rawPath !== '') {
      const decoded = decodeURIComponent(rawPath.split('?')[0]!);
      // GitHub resolves a leading `/` against the repository root.
      const joined = decoded.startsWith('/')
        ? path.posix.normalize(decoded.slice(1))
        : path.posix.join(path.posix.dirname(file), decoded);
      resolved = joined.replace(/\/$/, '') || '';
      if (resolved === '..' || resolved.startsWith('../') || path.posix.isAbsolute(resolved)) {
        report('points outside the repository');
        continue;
      }
      if (resolved === '.') resolved = '';
      if (!files.has(resolved) && !directories.has(resolved)) {
        report('names no file or directory of the repository');
        continue;
      }
    }
    if (anchor !== undefined && anchor !== '' && resolved.endsWith('.md') && files.has(resolved)) {
      if (!headingAnchors(read(resolved)).has(anchor)) report(`has no heading for #${anchor}`);
    }
  }
  return problems;
}

/**
 * The repository's files as a clone has them: tracked plus new (untracked, not ignored)
 * ones, so documents not yet committed are checked too, and ignored ones never count.
 */
function repositoryFiles(): Set<string> {
  const output = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Set(output.split('\0').filter((file) => file !== '' && existsSync(path.join(repositoryRoot, file))));
}

describe('relative links in the repository Markdown', () => {
  const files = repositoryFiles();
  const markdownFiles = [...files].filter((file) => file.endsWith('.md')).sort();
  const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');

  it('finds the Markdown files, the README and docs/ among them', () => {
    expect(markdownFiles).toContain('README.md');
    expect(markdownFiles).toContain('docs/architecture.md');
  });

  it('all resolve to a file or directory inside the repository, anchors included', () => {
    const problems = markdownFiles.flatMap((file) => checkLinks(file, files, read));
    expect(problems.map(({ file, line, target, problem }) => `${file}:${line} ${target} ${problem}`)).toEqual([]);
  });
});

describe('the link check itself', () => {
  const fixture: Record<string, string> = {
    'README.md': [
      '# Causeloop',
      '## Two commands',
      '## `npm start` and the **runner**',
      '## Two commands',
      'See [the contract](../shared/DESIGN.md), [docs](docs/), [arch](docs/architecture.md#tenant-isolation),',
      '[gone](docs/gone.md), [here](#two-commands-1), [code](#npm-start-and-the-runner), [nowhere](#nope),',
      '[site](https://example.com/x), [mail](mailto:a@example.com), ![diagram](docs/shape.svg "Shape"),',
      '`[not a link](../outside.md)`',
      '```sh',
      '[also not a link](../outside.md)',
      '```',
      '[ref]: /docs/architecture.md#missing',
      '[root]: ../../etc/passwd',
    ].join('\n'),
    'docs/architecture.md': '# Architecture\n\n## Tenant isolation\n',
  };
  const files = new Set([...Object.keys(fixture), 'docs/shape.svg']);
  const problems = checkLinks('README.md', files, (file) => fixture[file] ?? '');

  it('refuses links that leave the repository or name nothing in it', () => {
    expect(problems).toContainEqual(expect.objectContaining({ target: '../shared/DESIGN.md', problem: 'points outside the repository' }));
    expect(problems).toContainEqual(expect.objectContaining({ target: '../../etc/passwd', problem: 'points outside the repository' }));
    expect(problems).toContainEqual(expect.objectContaining({ target: 'docs/gone.md', line: 6 }));
  });

  it('checks anchors against GitHub heading slugs, in the same file and in others', () => {
    expect(problems).toContainEqual(expect.objectContaining({ target: '#nope', problem: 'has no heading for #nope' }));
    expect(problems).toContainEqual(expect.objectContaining({ target: '/docs/architecture.md#missing' }));
    expect(problems.map((problem) => problem.target)).not.toContain('#two-commands-1');
    expect(problems.map((problem) => problem.target)).not.toContain('#npm-start-and-the-runner');
    expect(problems.map((problem) => problem.target)).not.toContain('docs/architecture.md#tenant-isolation');
  });

  it('passes directories, images and external links, and ignores code', () => {
    expect(problems.map((problem) => problem.target).sort()).toEqual(
      ['#nope', '../../etc/passwd', '../shared/DESIGN.md', '/docs/architecture.md#missing', 'docs/gone.md'].sort(),
    );
  });
});

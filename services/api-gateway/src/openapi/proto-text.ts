import type { DescField, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';
import { protoComments } from '@causeloop/proto/proto_comments.js';

/** A declaration whose proto comment can describe part of the document. */
type Commented = DescService | DescMethod | DescMessage | DescField;

/** The leading comment written above the declaration in proto/, if any. */
export function protoComment(desc: Commented): string | undefined {
  const name = desc.kind === 'rpc' || desc.kind === 'field' ? `${desc.parent.typeName}.${desc.name}` : desc.typeName;
  return protoComments[name];
}

/**
 * An RPC's or service's comment as prose: Go-style comments open with the declared name
 * ("ListScopes returns the scope catalogue…"), which reads badly where the reader sees an
 * operation or a tag, not the RPC, so the name goes and the next word is capitalised.
 */
export function proseOf(desc: DescService | DescMethod): string | undefined {
  const comment = protoComment(desc);
  if (comment === undefined) return undefined;
  const withoutName = comment.startsWith(`${desc.name} `) ? comment.slice(desc.name.length + 1) : comment;
  return withoutName.charAt(0).toUpperCase() + withoutName.slice(1);
}

/**
 * Summary and description of a routed RPC: the summary is the comment's first clause, as
 * a sentence (sidebars and generated clients show it on one line), the description the
 * whole comment when it says more. An RPC without a comment is summarised by its name in
 * words ("Create personal access token").
 */
export function operationText(method: DescMethod): { summary: string; description?: string } {
  const prose = proseOf(method);
  if (prose === undefined) return { summary: nameInWords(method.name) };
  const summary = firstClause(prose);
  return summary === prose.replaceAll('\n', ' ') ? { summary } : { summary, description: prose };
}

/**
 * Up to the first full stop that ends a sentence ("e.g. x" does not), semicolon or colon,
 * on one line and ending with a full stop.
 */
function firstClause(text: string): string {
  const oneLine = text.replaceAll('\n', ' ');
  const end = /[.!?](?=\s+[A-Z]|$)|[;:](?=\s)/.exec(oneLine);
  if (end === null) return oneLine;
  const stop = end[0] === ';' || end[0] === ':' ? '.' : end[0];
  return `${oneLine.slice(0, end.index)}${stop}`;
}

function nameInWords(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

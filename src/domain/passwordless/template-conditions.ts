/**
 * The `{% if %}…{% elsif %}…{% else %}…{% endif %}` blocks of passwordless templates, resolved in one left-to-right
 * scan with a stack of open blocks. Templates are written by tenant administrators and rendered on
 * every `/passwordless/start`, so the work must stay linear in the template's length whatever it
 * holds: tags are found with indexOf, never with a regex that could backtrack (one did, and a
 * 5 KB template stalled the whole server for a minute).
 *
 * What is a tag (as before): `{%`, an optional `-`, `if <condition>` / `elsif <condition>` / `else` /
 * `endif`, an optional `-`, `%}`, with any whitespace around the words; no `%` inside. Anything else
 * — a stray `elsif`, `else` or `endif`, an `if` without a condition, an `if` never closed — stays in
 * the text as written (blocks inside an unclosed one are still resolved). A block keeps the first
 * branch whose condition holds, or that follows an `else`. The Management API refuses templates
 * holding any other tag (`unsupportedTag`), so what it accepted renders as written.
 */

type Tag = { kind: 'if'; condition: string } | { kind: 'elsif'; condition: string } | { kind: 'else' } | { kind: 'endif' };

interface FoundTag {
  start: number;
  /** Just past the closing `%}`. */
  end: number;
  tag: Tag;
}

interface OpenBlock {
  /** The condition of each branch (`if`, then each `elsif`); undefined for a branch after `else`. */
  conditions: Array<string | undefined>;
  /** The text of each branch so far, in the same order. */
  branches: string[];
  /** The literal tag that opened each branch, to write an unclosed block back as it was. */
  openers: string[];
}

export function resolveConditions(template: string, holds: (condition: string) => boolean): string {
  const blocks: OpenBlock[] = [];
  let resolved = '';
  const write = (text: string): void => {
    const block = blocks.at(-1);
    if (!block) resolved += text;
    else block.branches[block.branches.length - 1] += text;
  };

  let position = 0;
  for (const { start, end, tag } of tagsIn(template)) {
    write(template.slice(position, start));
    const literal = template.slice(start, end);
    position = end;
    const block = blocks.at(-1);
    if (tag.kind === 'if') {
      blocks.push({ conditions: [tag.condition], branches: [''], openers: [literal] });
    } else if (!block) {
      write(literal);
    } else if (tag.kind === 'elsif' || tag.kind === 'else') {
      block.conditions.push(tag.kind === 'elsif' ? tag.condition : undefined);
      block.branches.push('');
      block.openers.push(literal);
    } else {
      blocks.pop();
      const chosen = block.conditions.findIndex((condition) => condition === undefined || holds(condition));
      write(chosen === -1 ? '' : block.branches[chosen]!);
    }
  }
  write(template.slice(position));

  for (let block = blocks.pop(); block; block = blocks.pop()) {
    write(block.openers.map((opener, i) => opener + block!.branches[i]!).join(''));
  }
  return resolved;
}

/**
 * The tags of `template`, in order. A tag holds no `%`, so the first `%` after a `{%` either starts
 * its `%}` or shows that this `{%` opens no tag; either way the scan moves on past what it read, and
 * every character is looked at a bounded number of times.
 */
function* tagsIn(template: string): Generator<FoundTag> {
  let from = 0;
  for (;;) {
    const start = template.indexOf('{%', from);
    if (start === -1) return;
    const percent = template.indexOf('%', start + 2);
    if (percent === -1) return;
    if (template[percent + 1] === '}') {
      const tag = parseTag(template.slice(start + 2, percent));
      if (tag) {
        yield { start, end: percent + 2, tag };
        from = percent + 2;
        continue;
      }
    }
    from = start + 2;
  }
}

function parseTag(inside: string): Tag | undefined {
  // Liquid's whitespace-control dashes (`{%-`, `-%}`) are accepted and change nothing here.
  let words = inside;
  if (words.startsWith('-')) words = words.slice(1);
  if (words.endsWith('-')) words = words.slice(0, -1);
  words = words.trim();
  if (words === 'else') return { kind: 'else' };
  if (words === 'endif') return { kind: 'endif' };
  for (const kind of ['if', 'elsif'] as const) {
    if (words.startsWith(kind) && /\s/.test(words.charAt(kind.length))) {
      const condition = words.slice(kind.length + 1).trim();
      return condition ? { kind, condition } : undefined;
    }
  }
  return undefined;
}

/**
 * The first Liquid tag of `template` that the rendering above would leave as text (`{% for %}`,
 * `{% unless %}`, `{% assign %}`, an `if` without a condition, a condition `conditionOk` refuses, a
 * stray `elsif`/`else`/`endif`, an `if` never closed), as written (at most 60 characters);
 * undefined when every tag is rendered. Linear, like tagsIn.
 */
export function unsupportedTag(template: string, conditionOk: (condition: string) => boolean): string | undefined {
  const open: number[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf('{%', from);
    if (start === -1) break;
    const percent = template.indexOf('%', start + 2);
    const closed = percent !== -1 && template[percent + 1] === '}';
    const tag = closed ? parseTag(template.slice(start + 2, percent)) : undefined;
    const stray = tag !== undefined && tag.kind !== 'if' && open.length === 0;
    if (!tag || stray || ((tag.kind === 'if' || tag.kind === 'elsif') && !conditionOk(tag.condition))) {
      return template.slice(start, Math.min(closed ? percent + 2 : template.length, start + 60));
    }
    if (tag.kind === 'if') open.push(start);
    else if (tag.kind === 'endif') open.pop();
    from = percent + 2;
  }
  const unclosed = open.pop();
  return unclosed === undefined ? undefined : template.slice(unclosed, Math.min(template.indexOf('%}', unclosed) + 2, unclosed + 60));
}

/**
 * `a or b or c` → `['a', 'b', 'c']`: splits where the word `or` stands between whitespace, like
 * `condition.split(/\s+or\s+/)` did, but without that regex's quadratic backtracking on long runs
 * of whitespace.
 */
export function alternativesOf(condition: string): string[] {
  // Words at even indexes, the whitespace runs between them at odd ones.
  const pieces = condition.split(/(\s+)/);
  const alternatives: string[] = [];
  let from = 0;
  for (let i = 2; i < pieces.length - 1; i += 2) {
    // `i > from`: the whitespace before this word was not already taken by the previous `or`.
    if (pieces[i] === 'or' && i > from) {
      alternatives.push(pieces.slice(from, i - 1).join(''));
      from = i + 2;
    }
  }
  alternatives.push(pieces.slice(from).join(''));
  return alternatives;
}

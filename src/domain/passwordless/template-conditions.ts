/**
 * The `{% if %}…{% else %}…{% endif %}` blocks of passwordless templates, resolved in one left-to-right
 * scan with a stack of open blocks. Templates are written by tenant administrators and rendered on
 * every `/passwordless/start`, so the work must stay linear in the template's length whatever it
 * holds: tags are found with indexOf, never with a regex that could backtrack (one did, and a
 * 5 KB template stalled the whole server for a minute).
 *
 * What is a tag (as before): `{%`, an optional `-`, `if <condition>` / `else` / `endif`, an optional
 * `-`, `%}`, with any whitespace around the words; no `%` inside. Anything else — a stray `else` or
 * `endif`, an `if` without a condition, an `if` never closed — stays in the text as written
 * (blocks inside an unclosed one are still resolved). A block with several `else` keeps the branch
 * after the first one.
 */

type Tag = { kind: 'if'; condition: string } | { kind: 'else' } | { kind: 'endif' };

interface FoundTag {
  start: number;
  /** Just past the closing `%}`. */
  end: number;
  tag: Tag;
}

interface OpenBlock {
  condition: string;
  /** The text of each branch so far: `[then, after the first else, …]`. */
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
      blocks.push({ condition: tag.condition, branches: [''], openers: [literal] });
    } else if (!block) {
      write(literal);
    } else if (tag.kind === 'else') {
      block.branches.push('');
      block.openers.push(literal);
    } else {
      blocks.pop();
      write(holds(block.condition) ? block.branches[0]! : (block.branches[1] ?? ''));
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
  if (words.startsWith('if') && /\s/.test(words.charAt(2))) {
    const condition = words.slice(3).trim();
    return condition ? { kind: 'if', condition } : undefined;
  }
  return undefined;
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

/**
 * The plain-text alternative of a passwordless email, made from its HTML body. The body comes from
 * a template a tenant administrator wrote, so every step is linear in its length: the steps that
 * were regexes able to backtrack quadratically or worse (`<[^>]+>` on `<<<<…`, `[ \t]+\n` on long
 * runs of spaces, the link and script patterns) are forward scans with indexOf, where a search never
 * re-reads what an earlier one already passed.
 */

export function htmlToText(html: string): string {
  const text = withoutTags(withLinksSpelledOut(withoutScriptsAndStyles(html)).replace(/<br\s*\/?>|<\/p>|<\/div>|<\/h\d>|<\/li>/gi, '\n'))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return withoutTrailingBlanks(text).replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * indexOf for searches whose start only moves forward: an answer still ahead of the new start is
 * reused, so a whole pass reads the text once however many times it asks.
 */
function forwardSearch(text: string, needle: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf(needle, from);
    return found;
  };
}

/** Lower-cases ASCII letters only, so that indexes in the copy are indexes in the original. */
const asciiLowerCase = (text: string): string => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** Drops `<script…</script>` and `<style…</style>` (any case), each up to its first closing tag. */
function withoutScriptsAndStyles(html: string): string {
  const lower = asciiLowerCase(html);
  const closing = { script: forwardSearch(lower, '</script>'), style: forwardSearch(lower, '</style>') };
  const opening = /<(script|style)/g;
  let kept = '';
  let position = 0;
  for (let match = opening.exec(lower); match; match = opening.exec(lower)) {
    const name = match[1] as keyof typeof closing;
    const close = closing[name](match.index + 1 + name.length);
    if (close === -1) continue;
    kept += html.slice(position, match.index);
    position = close + name.length + 3;
    opening.lastIndex = position;
  }
  return kept + html.slice(position);
}

/**
 * `<a … href="URL" …>label</a>` becomes `label (URL)`. The opening tag ends at its first `>` and
 * the URL is its last `href="…"` closed inside it; the label runs to the next `</a>`.
 */
function withLinksSpelledOut(html: string): string {
  const lower = asciiLowerCase(html);
  const nextTagEnd = forwardSearch(lower, '>');
  const nextHref = forwardSearch(lower, 'href="');
  const nextQuote = forwardSearch(lower, '"');
  const nextClosing = forwardSearch(lower, '</a>');
  const opening = /<a\s/g;
  let spelled = '';
  let position = 0;
  // Several `<a ` may share one tag end (`<a <a href="x">`); its last href is looked up once.
  let tagEnd = -1;
  let lastHref = -1;
  for (let match = opening.exec(lower); match; match = opening.exec(lower)) {
    const start = match.index;
    if (tagEnd < start + 3) {
      tagEnd = nextTagEnd(start + 3);
      if (tagEnd === -1) break;
      lastHref = -1;
      for (let href = nextHref(start + 3); href !== -1 && href + 6 <= tagEnd; href = nextHref(href + 1)) lastHref = href;
    }
    if (lastHref < start + 3) continue;
    const quote = nextQuote(lastHref + 6);
    if (quote === -1 || quote > tagEnd) continue;
    const close = nextClosing(tagEnd + 1);
    if (close === -1) break;
    spelled += `${html.slice(position, start)}${html.slice(tagEnd + 1, close)} (${html.slice(lastHref + 6, quote)})`;
    position = close + 4;
    opening.lastIndex = position;
  }
  return spelled + html.slice(position);
}

/** Drops every `<…>` with something inside; a `<` that no `>` follows is text. */
function withoutTags(text: string): string {
  let kept = '';
  let position = 0;
  let from = 0;
  for (;;) {
    const open = text.indexOf('<', from);
    if (open === -1) break;
    const close = text.indexOf('>', open + 1);
    if (close === -1) break;
    if (close === open + 1) {
      from = close;
      continue;
    }
    kept += text.slice(position, open);
    position = from = close + 1;
  }
  return kept + text.slice(position);
}

/** Spaces and tabs at the end of each line (but the last, which the final trim takes care of). */
function withoutTrailingBlanks(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    let end = line.length;
    while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    lines[i] = line.slice(0, end);
  }
  return lines.join('\n');
}

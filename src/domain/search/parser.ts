/**
 * Tokens → the query tree, enforcing the depth and term caps (caps.ts).
 *
 *   or  := and (OR and)*
 *   and := not ([AND] not)*        terms side by side are ANDed; AND binds tighter than OR
 *   not := NOT not | ( or ) | term
 *
 * Each term is handed to the resource's `leaf` compiler as soon as it is read, so the first
 * problem in reading order is the one reported, whether it is one of grammar or of a field.
 */
import type { QueryNode, RangeToken, TermToken, Token } from './ast.js';
import type { SearchCaps } from './caps.js';
import type { Fail } from './problems.js';
import type { QuerySyntax } from './tokenizer.js';

export interface ParseOptions<Leaf> {
  readonly caps: SearchCaps;
  readonly depthCheck: QuerySyntax['depthCheck'];
  /** Length of the query text, to place a problem found at its end. */
  readonly textLength: number;
  readonly leaf: (token: TermToken | RangeToken) => Leaf;
  readonly fail: Fail;
}

export function parseTokens<Leaf>(tokens: Token[], options: ParseOptions<Leaf>): QueryNode<Leaf> {
  return new Parser(tokens, options).parse();
}

class Parser<Leaf> {
  private pos = 0;
  private terms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly options: ParseOptions<Leaf>,
  ) {}

  parse(): QueryNode<Leaf> {
    const tree = this.or(0);
    // `and` stops only before OR, `)` or the end, and `or` takes every OR: what is left is a `)`.
    const extra = this.peek();
    if (extra) this.options.fail({ kind: 'unopenedGroup', at: extra.at });
    return tree;
  }

  private or(depth: number): QueryNode<Leaf> {
    const items = [this.and(depth)];
    while (this.peek()?.kind === 'OR') {
      const or = this.tokens[this.pos++]!;
      this.expectOperandAfter('OR', or.at);
      items.push(this.and(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(depth: number): QueryNode<Leaf> {
    const items = [this.not(depth)];
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'AND') {
        this.pos++;
        this.expectOperandAfter('AND', next.at);
      } else if (!this.startsOperand()) break;
      items.push(this.not(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private not(depth: number): QueryNode<Leaf> {
    const token = this.peek();
    if (token?.kind === 'NOT') {
      this.pos++;
      this.openLevel(depth, () => this.expectOperandAfter('NOT', token.at));
      return { kind: 'not', item: this.not(depth + 1) };
    }
    if (token?.kind === '(') {
      this.pos++;
      this.openLevel(depth, () => {
        if (this.peek()?.kind === ')') this.options.fail({ kind: 'emptyGroup', at: token.at });
      });
      const inner = this.or(depth + 1);
      if (this.peek()?.kind !== ')') this.options.fail({ kind: 'unclosedGroup', at: token.at });
      this.pos++;
      return inner;
    }
    if (token?.kind === 'term' || token?.kind === 'range') {
      this.pos++;
      if (++this.terms > this.options.caps.maxTerms) this.options.fail({ kind: 'tooManyTerms', max: this.options.caps.maxTerms, at: token.at });
      return { kind: 'leaf', leaf: this.options.leaf(token) };
    }
    return this.options.fail({ kind: 'expectedTerm', at: token?.at ?? this.options.textLength - 1, ...(token ? { next: token } : {}) });
  }

  /**
   * A NOT or `(` was just read at `depth`: one level more than the cap is refused, and so is an
   * opener with nothing to open (`checkOperand`); `depthCheck` says which is named when both are wrong.
   */
  private openLevel(depth: number, checkOperand: () => void): void {
    if (this.options.depthCheck === 'after-operand') checkOperand();
    const { maxDepth } = this.options.caps;
    if (depth >= maxDepth) {
      const next = this.peek();
      this.options.fail({ kind: 'tooDeep', max: maxDepth, ...(next ? { at: next.at } : {}) });
    }
    if (this.options.depthCheck === 'on-open') checkOperand();
  }

  private expectOperandAfter(operator: 'AND' | 'OR' | 'NOT', at: number): void {
    if (this.startsOperand()) return;
    const next = this.peek();
    this.options.fail({ kind: 'danglingOperator', operator, at, ...(next ? { next } : {}) });
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private startsOperand(): boolean {
    const kind = this.peek()?.kind;
    return kind === 'term' || kind === 'range' || kind === '(' || kind === 'NOT';
  }
}

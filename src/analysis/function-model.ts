// The function model (docs/architecture.md, "Analyses"): the statements of one function with their branch
// structure, so that every expression knows the conditions that dominate it. Kernel mm code encodes
// invariants in its branch shapes (remove_migration_pte's "writable arm / else-if uffd-wp arm"),
// and in early exits (move_present_pte's `if (!PageAnonExclusive(..)) goto out;`), so both are
// kept: if/else-if arms as numbered arms of one chain, early exits as negated guards on what follows.

import type { SyntaxNode } from '../lang/parser.js';

export interface Guard {
  /** The condition expression as written. */
  expr: SyntaxNode;
  /** true: the code runs when expr holds; false: when it does not. */
  positive: boolean;
  /** Added by an earlier `if (cond) { ...; return/goto; }` rather than by an enclosing branch. */
  earlyExit?: boolean;
}

export interface ArmMark {
  /** One id per if/else-if chain or switch. */
  chain: number;
  arm: number;
}

/**
 * One level of a structural position: the block and the statement's index in it. `entered` marks a
 * bare `{ }` block, which runs whenever the statement holding it runs (unlike an if arm or a loop
 * body), so a definition inside it still dominates what follows the block.
 */
export type PathStep = [block: number, index: number, entered?: true];

export interface Point {
  /** Conditions that hold whenever this point runs, outermost first. */
  guards: Guard[];
  arms: ArmMark[];
  /** Structural position from the function body down. */
  path: PathStep[];
}

export interface Assignment {
  node: SyntaxNode;
  /** The assigned place as written (`pte`, `vmf->orig_pte`, `entry`). */
  target: string;
  /** `=`, `|=`, `&=`, ... ; declarations with an initializer are `=`. */
  operator: string;
  value: SyntaxNode;
  point: Point;
  /** Byte offset after which the new value is visible (end of the assignment). */
  order: number;
}

export interface Call {
  node: SyntaxNode;
  name: string;
  args: SyntaxNode[];
  point: Point;
}

export interface FunctionModel {
  name: string;
  node: SyntaxNode;
  body: SyntaxNode;
  /** Parameter name -> declared type text. */
  params: Map<string, string>;
  calls: Call[];
  assignments: Assignment[];
  /** Statement-level points, by node id; expression points are derived with pointOf(). */
  statementPoints: Map<number, Point>;
  pointOf(node: SyntaxNode): Point;
}

const EXIT_TYPES = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);
/** Calls that never return: an arm ending in one exits like a return. */
const NORETURN_CALLS = new Set(['BUG', 'panic', 'do_exit', 'unreachable']);

/** Wrappers that return their (first) argument unchanged as a truth value (likely(), unlikely(), !!). */
export const TRANSPARENT_WRAPPERS = new Set(['likely', 'unlikely', 'data_race', 'READ_ONCE', 'WARN_ON_ONCE', 'WARN_ON', 'WARN_ONCE']);

/**
 * `bareBlocksRun: false` for a fragment rebuilt from patch hunks: there a bare `{` stands for an
 * unseen block header (an if arm, a loop), so it must not be taken as always entered.
 */
export function buildFunctionModel(fn: SyntaxNode, options: { bareBlocksRun?: boolean } = {}): FunctionModel | undefined {
  const body = fn.childForFieldName('body');
  const declarator = fn.childForFieldName('declarator');
  if (!body || !declarator) return undefined;
  const fnDeclarator = findFunctionDeclarator(declarator);
  const name = fnDeclarator?.childForFieldName('declarator')?.text ?? '?';
  const params = new Map<string, string>();
  const paramList = fnDeclarator?.childForFieldName('parameters');
  if (paramList) {
    for (const p of paramList.namedChildren) {
      if (p.type !== 'parameter_declaration') continue;
      const id = declaredName(p.childForFieldName('declarator'));
      if (id) params.set(id, typeText(p));
    }
  }

  const model: FunctionModel = {
    name,
    node: fn,
    body,
    params,
    calls: [],
    assignments: [],
    statementPoints: new Map(),
    // Asked again and again of the same nodes once the model is built (value flow, rules); the
    // walk below fills statementPoints and calls pointOf() itself, never this memo.
    pointOf: (node) => {
      let p = points.get(node.id);
      if (!p) points.set(node.id, (p = pointOf(model, node)));
      return p;
    },
  };
  const points = new Map<number, Point>();
  const walker = new Walker(model, options.bareBlocksRun ?? true);
  walker.block(body, { guards: [], arms: [], path: [] });
  return model;
}

function findFunctionDeclarator(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'function_declarator') return node;
  for (const child of node.namedChildren) {
    const found = findFunctionDeclarator(child);
    if (found) return found;
  }
  return undefined;
}

/** The identifier a declarator declares (`*pte`, `pte[2]`, `pte = x` all name `pte`). */
export function declaredName(node: SyntaxNode | null): string | undefined {
  let cur: SyntaxNode | null = node;
  while (cur) {
    if (cur.type === 'identifier') return cur.text;
    cur = cur.childForFieldName('declarator') ?? cur.namedChildren.find((c) => c.type === 'identifier') ?? null;
  }
  return undefined;
}

function typeText(decl: SyntaxNode): string {
  const t = decl.childForFieldName('type');
  const d = decl.childForFieldName('declarator');
  const stars = d && d.type === 'pointer_declarator' ? ' *' : '';
  return (t?.text ?? '') + stars;
}

class Walker {
  private nextChain = 1;
  constructor(
    private readonly model: FunctionModel,
    private readonly bareBlocksRun: boolean,
  ) {}

  block(block: SyntaxNode, ctx: Point, entered = false): void {
    // Guards added by earlier early-exit ifs of this block hold for the statements after them.
    const extra: Guard[] = [];
    let index = 0;
    for (const stmt of block.namedChildren) {
      if (stmt.type === 'comment') continue;
      const here: Point = {
        // Guard lists are never written: a statement with no early exit before it shares its block's.
        guards: extra.length === 0 ? ctx.guards : [...ctx.guards, ...extra],
        arms: ctx.arms,
        path: [...ctx.path, entered ? [block.id, index, true] : [block.id, index]],
      };
      this.statement(stmt, here);
      if (stmt.type === 'if_statement') {
        const cond = stmt.childForFieldName('condition');
        const cons = stmt.childForFieldName('consequence');
        const alt = elseBody(stmt);
        if (cond && cons) {
          const consExits = alwaysExits(cons);
          const altExits = alt ? alwaysExits(alt) : false;
          if (consExits && !altExits) extra.push({ expr: cond, positive: false, earlyExit: true });
          else if (altExits && !consExits) extra.push({ expr: cond, positive: true, earlyExit: true });
        }
      }
      index++;
    }
  }

  /** A statement used as the body of if/while/for: give it a level of its own. */
  private body(stmt: SyntaxNode, ctx: Point): void {
    if (stmt.type === 'compound_statement') {
      this.block(stmt, ctx);
      return;
    }
    this.statement(stmt, { ...ctx, path: [...ctx.path, [stmt.id, 0]] });
  }

  statement(stmt: SyntaxNode, ctx: Point): void {
    this.model.statementPoints.set(stmt.id, ctx);
    switch (stmt.type) {
      case 'compound_statement':
        this.block(stmt, ctx, this.bareBlocksRun);
        return;
      case 'if_statement':
        this.ifChain(stmt, ctx, this.nextChain++, 0);
        return;
      case 'while_statement':
      case 'for_statement': {
        const cond = stmt.childForFieldName('condition');
        for (const field of ['initializer', 'condition', 'update']) {
          const part = stmt.childForFieldName(field);
          if (part) this.expression(part);
        }
        const loopCtx: Point = cond ? { ...ctx, guards: [...ctx.guards, { expr: cond, positive: true }] } : ctx;
        const body = stmt.childForFieldName('body');
        if (body) this.body(body, loopCtx);
        return;
      }
      case 'do_statement': {
        const body = stmt.childForFieldName('body');
        if (body) this.body(body, ctx);
        const cond = stmt.childForFieldName('condition');
        if (cond) this.expression(cond);
        return;
      }
      case 'switch_statement': {
        const cond = stmt.childForFieldName('condition');
        if (cond) this.expression(cond);
        const body = stmt.childForFieldName('body');
        if (!body) return;
        const chain = this.nextChain++;
        let arm = 0;
        for (const item of body.namedChildren) {
          if (item.type !== 'case_statement') continue;
          const armCtx: Point = { ...ctx, arms: [...ctx.arms, { chain, arm: arm++ }] };
          this.model.statementPoints.set(item.id, armCtx);
          // The case's statements are its children after the label value.
          const value = item.childForFieldName('value');
          const pseudo = { ...armCtx, path: [...armCtx.path, [item.id, 0] as [number, number]] };
          let i = 0;
          for (const s of item.namedChildren) {
            if (s.type === 'comment' || (value && s.id === value.id)) continue;
            this.statement(s, { ...pseudo, path: [...armCtx.path, [item.id, i++]] });
          }
        }
        return;
      }
      case 'labeled_statement': {
        const inner = stmt.namedChildren.find((c) => c.type !== 'statement_identifier');
        if (inner) this.statement(inner, ctx);
        return;
      }
      case 'declaration':
        this.declaration(stmt, ctx);
        return;
      case 'return_statement':
      case 'expression_statement':
        for (const c of stmt.namedChildren) this.expression(c);
        return;
      default:
        for (const c of stmt.namedChildren) {
          if (c.type.endsWith('_statement') || c.type === 'compound_statement') this.statement(c, ctx);
          else if (c.type !== 'comment') this.expression(c);
        }
    }
  }

  private ifChain(stmt: SyntaxNode, ctx: Point, chain: number, arm: number): void {
    const cond = stmt.childForFieldName('condition');
    if (cond) this.expression(cond);
    const cons = stmt.childForFieldName('consequence');
    const thenCtx: Point = {
      ...ctx,
      guards: cond ? [...ctx.guards, { expr: cond, positive: true }] : ctx.guards,
      arms: [...ctx.arms, { chain, arm }],
    };
    if (cons) this.body(cons, thenCtx);
    const alt = elseBody(stmt);
    if (!alt) return;
    const elseCtx: Point = {
      ...ctx,
      guards: cond ? [...ctx.guards, { expr: cond, positive: false }] : ctx.guards,
    };
    if (alt.type === 'if_statement') {
      // else-if: the same chain, next arm; arms of one chain are mutually exclusive.
      this.model.statementPoints.set(alt.id, elseCtx);
      this.ifChain(alt, elseCtx, chain, arm + 1);
    } else {
      this.body(alt, { ...elseCtx, arms: [...ctx.arms, { chain, arm: arm + 1 }] });
    }
  }

  private declaration(decl: SyntaxNode, ctx: Point): void {
    for (const d of decl.namedChildren) {
      if (d.type === 'init_declarator') {
        const target = declaredName(d.childForFieldName('declarator'));
        const value = d.childForFieldName('value');
        if (target && value && value.type !== 'initializer_list') {
          this.expression(value);
          this.model.assignments.push({ node: d, target, operator: '=', value, point: ctx, order: d.endIndex });
        }
      }
    }
  }

  /** Records calls and assignments inside an expression, in evaluation order. */
  expression(node: SyntaxNode): void {
    const stack: SyntaxNode[] = [node];
    const found: SyntaxNode[] = [];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'call_expression' || n.type === 'assignment_expression') found.push(n);
      if (n.type === 'compound_statement' || n.type === 'compound_literal_expression') continue;
      for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
    }
    for (const n of found) {
      if (n.type === 'call_expression') {
        const fnNode = n.childForFieldName('function');
        const argsNode = n.childForFieldName('arguments');
        if (!fnNode || fnNode.type !== 'identifier') continue;
        const args = argsNode ? argsNode.namedChildren.filter((c) => c.type !== 'comment') : [];
        this.model.calls.push({ node: n, name: fnNode.text, args, point: pointOf(this.model, n) });
      } else {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        const op = n.childForFieldName('operator')?.text ?? n.children[1]?.text ?? '=';
        if (left && right) {
          this.model.assignments.push({ node: n, target: placeName(left), operator: op, value: right, point: pointOf(this.model, n), order: n.endIndex });
        }
      }
    }
  }
}

function elseBody(ifStmt: SyntaxNode): SyntaxNode | undefined {
  const alt = ifStmt.childForFieldName('alternative');
  if (!alt) return undefined;
  if (alt.type === 'else_clause') return alt.namedChildren.find((c) => c.type !== 'comment');
  return alt;
}

/** Does every path through this statement leave the enclosing block? */
export function alwaysExits(stmt: SyntaxNode): boolean {
  if (EXIT_TYPES.has(stmt.type)) return true;
  if (stmt.type === 'compound_statement') {
    const stmts = stmt.namedChildren.filter((c) => c.type !== 'comment');
    return stmts.length > 0 && alwaysExits(stmts[stmts.length - 1]);
  }
  if (stmt.type === 'if_statement') {
    const cons = stmt.childForFieldName('consequence');
    const alt = elseBody(stmt);
    return !!cons && !!alt && alwaysExits(cons) && alwaysExits(alt);
  }
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChildren[0];
    if (e?.type === 'call_expression') {
      const f = e.childForFieldName('function');
      return !!f && NORETURN_CALLS.has(f.text);
    }
  }
  return false;
}

/** A stable name for an assigned place: `pte`, `vmf->orig_pte`, `*ptep`. */
export function placeName(node: SyntaxNode): string {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n.text.replace(/\s+/g, '');
}

/**
 * The point of any node: the statement point of its nearest recorded ancestor, plus the guards of
 * ternaries and short-circuit operators between them (`c ? MIGRATE_PFN_WRITE : 0`, `a && f(x)`).
 */
function pointOf(model: FunctionModel, node: SyntaxNode): Point {
  const extra: Guard[] = [];
  let child: SyntaxNode = node;
  let cur: SyntaxNode | null = node;
  while (cur) {
    const recorded = model.statementPoints.get(cur.id);
    // Points are never written: without guards of its own an expression shares its statement's.
    if (recorded) return extra.length === 0 ? recorded : { ...recorded, guards: [...recorded.guards, ...extra.reverse()] };
    if (cur.type === 'conditional_expression' && child.id !== cur.id) {
      const cond = cur.childForFieldName('condition');
      const cons = cur.childForFieldName('consequence');
      const alt = cur.childForFieldName('alternative');
      if (cond && cons && child.id === cons.id) extra.push({ expr: cond, positive: true });
      if (cond && alt && child.id === alt.id) extra.push({ expr: cond, positive: false });
    }
    if (cur.type === 'binary_expression' && child.id !== cur.id) {
      const op = cur.childForFieldName('operator')?.text;
      const left = cur.childForFieldName('left');
      const right = cur.childForFieldName('right');
      if (left && right && child.id === right.id) {
        if (op === '&&') extra.push({ expr: left, positive: true });
        if (op === '||') extra.push({ expr: left, positive: false });
      }
    }
    child = cur;
    cur = cur.parent;
  }
  return { guards: extra.reverse(), arms: [], path: [] };
}

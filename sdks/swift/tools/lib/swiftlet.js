'use strict';
// swiftlet: runs a small subset of Swift, parsed by tree-sitter-swift, with Swift's semantics for
// that subset. It exists because no Swift compiler is available where bloop's CI runs: instead of
// a hand-written JavaScript copy of the SDK's signing, capping and batching code (which could drift
// from the Swift), CI executes the Swift source files themselves (Sources/BloopClient/Wire/*.swift)
// against the conformance vectors.
//
// The subset: enums/structs holding `static let` constants and `static func` functions, top-level
// funcs; `let`/`var` with explicit types; Int, Int64, Int32, UInt8, UInt32, UInt64, Bool, String and
// arrays of them; integer, hex and string literals; if/else, while, for-in over ranges, arrays and
// `String.utf8`; return/break/continue; operators + - * / % & | ^ ~ << >> &+ &- &* == != < <= > >=
// && || ! ..< ... and compound assignments; `inout` parameters with `&`; Array(...),
// [T](repeating:count:), String(decoding:as:), String(Int), integer conversions (trapping) and
// `truncatingIfNeeded:`; .count .isEmpty .append(_:) .append(contentsOf:) .utf8; subscripts with an
// Int or a range.
//
// Swift's rules are kept where they matter for wire compatibility: integers have fixed widths,
// arithmetic overflow traps (&+ &- &* wrap), conversions trap when the value does not fit, array
// indexes are bounds-checked, operands of an arithmetic operator must have the same type (no implicit
// conversion; literals take the type of their context), `let` cannot be reassigned, arrays are
// values (copied on assignment). Operator precedence follows Swift's precedence groups (the
// tree-sitter grammar's own precedence is not Swift's, so operator chains are re-associated here).
// Anything outside the subset is an error naming the file and line, never silently misread.
//
// It checks the algorithm as written in Swift, not the compiled binary: it is no substitute for
// `swift test` on a machine with a Swift toolchain.

const fs = require('node:fs');
const path = require('node:path');
const { swiftParser, syntaxErrors } = require('./parser');

class SwiftTrap extends Error {}
class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// Types and values

const INT_TYPES = {
  Int: { bits: 64n, signed: true },
  Int64: { bits: 64n, signed: true },
  Int32: { bits: 32n, signed: true },
  UInt8: { bits: 8n, signed: false },
  UInt32: { bits: 32n, signed: false },
  UInt64: { bits: 64n, signed: false },
};
const SCALARS = new Set([...Object.keys(INT_TYPES), 'Bool', 'String']);

const isInt = (t) => typeof t === 'string' && t in INT_TYPES;
const isArrayType = (t) => t !== null && typeof t === 'object' && 'array' in t;
const typeName = (t) => (isArrayType(t) ? `[${typeName(t.array)}]` : String(t));
const sameType = (a, b) => a === b || (typeof a === 'object' && typeof b === 'object' && typeName(a) === typeName(b));

const BOUNDS = {};
for (const [name, { bits, signed }] of Object.entries(INT_TYPES)) {
  BOUNDS[name] = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}
const bounds = (t) => BOUNDS[t];

// Small values are shared (values are never mutated in place), which spares the garbage collector.
const SMALL = {};
for (const name of Object.keys(INT_TYPES)) {
  SMALL[name] = Array.from({ length: 256 }, (_, k) => ({ t: name, v: BigInt(k) }));
}
function intValue(t, v) {
  return v >= 0n && v < 256n ? SMALL[t][Number(v)] : { t, v };
}

/** A value of integer type `t`, or a trap (as Swift's checked arithmetic) naming `where`/`what`. */
function checked(t, v, where, what = 'arithmetic overflow') {
  const [lo, hi] = bounds(t);
  if (v < lo || v > hi) throw new SwiftTrap(`${where}: ${what}: ${v} does not fit in ${t}`);
  return intValue(t, v);
}

function wrapped(t, v) {
  const { bits, signed } = INT_TYPES[t];
  const mod = 1n << bits;
  let r = ((v % mod) + mod) % mod;
  if (signed && r >= mod / 2n) r -= mod;
  return intValue(t, r);
}

const literal = (v) => ({ t: 'IntLiteral', v: BigInt(v) });
const bool = (b) => ({ t: 'Bool', v: b });
const str = (s) => ({ t: 'String', v: s });

/** A literal takes the type its context asks for (Swift's literal typing). */
function coerce(value, type, where) {
  if (value.t === type) return value;
  if (value.t === 'IntLiteral') {
    if (isInt(type)) return checked(type, value.v, where, 'integer literal overflows');
    throw new Unsupported(`${where}: an integer literal cannot be a ${typeName(type)}`);
  }
  if (value.t === 'ArrayLiteral') {
    if (!isArrayType(type)) throw new Unsupported(`${where}: an array literal cannot be a ${typeName(type)}`);
    return { t: type, v: value.v.map((e) => coerce(e, type.array, where)) };
  }
  if (!sameType(value.t, type)) {
    throw new Unsupported(`${where}: type mismatch: ${typeName(value.t)} where ${typeName(type)} is expected`);
  }
  return value;
}

/** Array values are copied when stored: Swift arrays are values. */
function copy(value) {
  if (isArrayType(value.t)) return { t: value.t, v: value.v.map(copy) };
  return value;
}

function defaultLiteral(value) {
  if (value.t === 'IntLiteral') return { t: 'Int', v: value.v };
  if (value.t === 'ArrayLiteral') throw new Unsupported('an array literal needs a type annotation');
  return value;
}

function utf8Bytes(s) {
  return [...Buffer.from(s, 'utf8')].map((b) => SMALL.UInt8[b]);
}

// ---------------------------------------------------------------------------------------------
// From tree-sitter nodes to a small AST

const BINARY_NODES = new Set([
  'additive_expression', 'multiplicative_expression', 'bitwise_operation', 'comparison_expression',
  'equality_expression', 'conjunction_expression', 'disjunction_expression', 'infix_expression',
  'range_expression',
]);
const SKIP = new Set(['comment', 'multiline_comment']);

// Swift's precedence groups, highest first.
const PRECEDENCE = [
  ['<<', '>>', '&<<', '&>>'],
  ['*', '/', '%', '&', '&*'],
  ['+', '-', '|', '^', '&+', '&-'],
  ['..<', '...'],
  ['<', '<=', '>', '>=', '==', '!='],
  ['&&'],
  ['||'],
];
const LEVEL = new Map();
PRECEDENCE.forEach((ops, i) => ops.forEach((op) => LEVEL.set(op, PRECEDENCE.length - i)));
const NON_ASSOCIATIVE = new Set(['<', '<=', '>', '>=', '==', '!=', '..<', '...']);
const ASSIGNMENT_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '&+=', '&-=', '&*=']);

class Converter {
  constructor(file, source) {
    this.file = file;
    this.source = source;
  }

  where(node) {
    return `${path.basename(this.file)}:${node.startPosition.row + 1}`;
  }

  fail(node, message) {
    return new Unsupported(`${this.where(node)}: ${message}: ${node.text.split('\n')[0].slice(0, 80)}`);
  }

  named(node) {
    const out = [];
    for (let i = 0; i < node.namedChildCount; i++) {
      const c = node.namedChild(i);
      if (!SKIP.has(c.type)) out.push(c);
    }
    return out;
  }

  tokens(node) {
    const out = [];
    for (let i = 0; i < node.childCount; i++) out.push(node.child(i));
    return out;
  }

  // --- declarations

  declarations(root) {
    const decls = { types: new Map(), functions: new Map() };
    for (const node of this.named(root)) {
      if (node.type === 'class_declaration') {
        const name = this.named(node).find((c) => c.type === 'type_identifier').text;
        const body = this.named(node).find((c) => c.type === 'enum_class_body' || c.type === 'class_body');
        const members = { lets: new Map(), functions: new Map() };
        for (const member of this.named(body)) {
          const modifiers = this.named(member).find((c) => c.type === 'modifiers');
          if (!modifiers || !/\bstatic\b/.test(modifiers.text)) throw this.fail(member, 'only static members are supported');
          if (member.type === 'property_declaration') {
            const decl = this.binding(member);
            if (decl.mutable) throw this.fail(member, 'only static let is supported');
            members.lets.set(decl.name, decl);
          } else if (member.type === 'function_declaration') {
            const fn = this.func(member);
            members.functions.set(fn.name, fn);
          } else {
            throw this.fail(member, `unsupported member ${member.type}`);
          }
        }
        decls.types.set(name, members);
      } else if (node.type === 'function_declaration') {
        const fn = this.func(node);
        decls.functions.set(fn.name, fn);
      } else {
        throw this.fail(node, `unsupported declaration ${node.type}`);
      }
    }
    return decls;
  }

  type(node) {
    if (node.type === 'user_type') {
      const ids = this.named(node);
      if (ids.length !== 1 || ids[0].type !== 'type_identifier') throw this.fail(node, 'unsupported type');
      const t = ids[0].text;
      if (!SCALARS.has(t)) throw this.fail(node, `unsupported type ${t}`);
      return t;
    }
    if (node.type === 'array_type') {
      const inner = this.named(node);
      if (inner.length !== 1) throw this.fail(node, 'unsupported array type');
      return { array: this.type(inner[0]) };
    }
    throw this.fail(node, `unsupported type ${node.type}`);
  }

  func(node) {
    const parts = this.tokens(node);
    let name = null;
    const params = [];
    let returns = null;
    let body = null;
    let afterArrow = false;
    for (const c of parts) {
      if (c.type === 'simple_identifier' && name === null) name = c.text;
      else if (c.type === 'parameter') params.push(this.parameter(c));
      else if (c.type === '->') afterArrow = true;
      else if (afterArrow && (c.type === 'user_type' || c.type === 'array_type')) returns = this.type(c);
      else if (c.type === 'function_body') body = this.block(this.named(c).find((s) => s.type === 'statements'));
      else if (c.isNamed() && !['modifiers', 'comment'].includes(c.type)) throw this.fail(c, `unsupported in a function declaration: ${c.type}`);
    }
    return { name, params, returns, body: body || [], where: this.where(node) };
  }

  parameter(node) {
    const ids = this.named(node).filter((c) => c.type === 'simple_identifier').map((c) => c.text);
    const inout = this.named(node).some((c) => c.type === 'parameter_modifiers' && /\binout\b/.test(c.text));
    const typeNode = this.named(node).find((c) => c.type === 'user_type' || c.type === 'array_type');
    if (!typeNode || ids.length < 1 || ids.length > 2) throw this.fail(node, 'unsupported parameter');
    const label = ids[0];
    const local = ids.length === 2 ? ids[1] : ids[0];
    return { label: label === '_' ? null : label, name: local, type: this.type(typeNode), inout };
  }

  binding(node) {
    const kind = this.named(node).find((c) => c.type === 'value_binding_pattern').text;
    const pattern = this.named(node).find((c) => c.type === 'pattern');
    const annotation = this.named(node).find((c) => c.type === 'type_annotation');
    if (!annotation) throw this.fail(node, 'the subset wants an explicit type on every let/var');
    const typeNode = this.named(annotation)[0];
    const parts = this.tokens(node);
    const eq = parts.findIndex((c) => c.type === '=');
    if (eq < 0) throw this.fail(node, 'a let/var needs a value');
    const valueNode = parts.slice(eq + 1).find((c) => c.isNamed() && !SKIP.has(c.type));
    if (!pattern || this.named(pattern).length !== 1) throw this.fail(node, 'unsupported pattern');
    return {
      kind: 'decl', name: pattern.text, mutable: kind === 'var', type: this.type(typeNode),
      value: this.expr(valueNode), where: this.where(node),
    };
  }

  // --- statements

  block(statementsNode) {
    if (!statementsNode) return [];
    return this.named(statementsNode).map((s) => this.statement(s));
  }

  blockAfter(node, startIndex) {
    // The statements node that follows `{` in an if/while/for (absent when the block is empty).
    const parts = this.tokens(node);
    for (let i = startIndex; i < parts.length; i++) {
      if (parts[i].type === 'statements') return { stmts: this.block(parts[i]), next: i + 1 };
      if (parts[i].type === '}') return { stmts: [], next: i + 1 };
    }
    throw this.fail(node, 'block not found');
  }

  statement(node) {
    const where = this.where(node);
    switch (node.type) {
      case 'property_declaration':
        return this.binding(node);
      case 'assignment': {
        const parts = this.tokens(node);
        const target = this.named(node)[0];
        const op = parts.find((c) => ASSIGNMENT_OPS.has(c.type) || c.type === 'custom_operator');
        const value = this.named(node)[this.named(node).length - 1];
        if (target.type !== 'directly_assignable_expression') throw this.fail(node, 'unsupported assignment');
        return { kind: 'assign', op: op.text, target: this.expr(this.named(target)[0]), value: this.expr(value), where };
      }
      case 'while_statement': {
        const parts = this.tokens(node);
        const open = parts.findIndex((c) => c.type === '{');
        const cond = parts.slice(1, open).find((c) => c.isNamed() && !SKIP.has(c.type));
        return { kind: 'while', cond: this.expr(cond), body: this.blockAfter(node, open).stmts, where };
      }
      case 'for_statement': {
        const parts = this.tokens(node);
        const pattern = parts.find((c) => c.type === 'pattern');
        const inAt = parts.findIndex((c) => c.type === 'in');
        const open = parts.findIndex((c) => c.type === '{');
        const seq = parts.slice(inAt + 1, open).find((c) => c.isNamed() && !SKIP.has(c.type));
        const inner = this.named(pattern);
        const name = inner.length === 1 && inner[0].type === 'wildcard_pattern' ? null : pattern.text;
        if (name !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw this.fail(node, 'unsupported for-in pattern');
        return { kind: 'for', name, seq: this.expr(seq), body: this.blockAfter(node, open).stmts, where };
      }
      case 'if_statement':
        return this.ifStatement(node);
      case 'control_transfer_statement': {
        const keyword = this.tokens(node)[0].type;
        const value = this.named(node)[0];
        if (keyword === 'return') return { kind: 'return', value: value ? this.expr(value) : null, where };
        if (keyword === 'break' || keyword === 'continue') return { kind: keyword, where };
        throw this.fail(node, `unsupported ${keyword}`);
      }
      default: {
        // An expression statement; a compound assignment the grammar sees as a custom operator.
        const expr = this.expr(node);
        if (expr.kind === 'assignop') return { kind: 'assign', op: expr.op, target: expr.target, value: expr.value, where };
        if (expr.kind !== 'call') throw this.fail(node, `unsupported statement ${node.type}`);
        return { kind: 'expr', expr, where };
      }
    }
  }

  ifStatement(node) {
    const parts = this.tokens(node);
    const open = parts.findIndex((c) => c.type === '{');
    const cond = parts.slice(1, open).find((c) => c.isNamed() && !SKIP.has(c.type));
    const { stmts, next } = this.blockAfter(node, open);
    let otherwise = [];
    const elseAt = parts.findIndex((c, i) => i >= next && c.type === 'else');
    if (elseAt >= 0) {
      const following = parts.slice(elseAt + 1).find((c) => !SKIP.has(c.type));
      if (following.type === 'if_statement') otherwise = [this.ifStatement(following)];
      else otherwise = this.blockAfter(node, elseAt + 1).stmts;
    }
    return { kind: 'if', cond: this.expr(cond), then: stmts, otherwise, where: this.where(node) };
  }

  // --- expressions
  //
  // The tree-sitter grammar does not nest operators as Swift does: it can read `a.count + b.count`
  // as `(a.count + b).count`, `~k[1]` as `(~k)[1]` and `-a + b` as `-(a + b)`. So every
  // expression is first flattened to the chain written in the source, operands and infix operators
  // in order (prefix operators kept pending on their operand, postfix member/call/subscript
  // suffixes applied to the operand just before them), then re-associated by Swift's precedence
  // groups. Parentheses (tuple_expression) are real grouping and are kept.

  expr(node) {
    return this.finish(this.chain(node), node);
  }

  finish({ operands, ops }, node) {
    const asts = operands.map((o) => this.applyPrefixes(o));
    const assignAt = ops.findIndex((o) => ASSIGNMENT_OPS.has(o.op));
    if (assignAt >= 0) {
      if (assignAt !== 0 || asts.length < 2) throw this.fail(node, 'unsupported assignment in an expression');
      const value = ops.length > 1 ? this.associate(asts.slice(1), ops.slice(1), node) : asts[1];
      return { kind: 'assignop', op: ops[0].op, target: asts[0], value, where: this.where(node) };
    }
    return ops.length ? this.associate(asts, ops, node) : asts[0];
  }

  applyPrefixes(operand) {
    let ast = operand.base;
    for (let k = operand.prefixes.length - 1; k >= 0; k--) {
      const { op, where } = operand.prefixes[k];
      ast = { kind: 'prefix', op, operand: ast, where };
    }
    return ast;
  }

  chain(node) {
    if (BINARY_NODES.has(node.type)) {
      const out = { operands: [], ops: [] };
      for (const c of this.tokens(node)) {
        if (SKIP.has(c.type)) continue;
        if (c.type === 'custom_operator' || !c.isNamed()) {
          out.ops.push({ op: c.text });
        } else {
          const inner = this.chain(c);
          out.operands.push(...inner.operands);
          out.ops.push(...inner.ops);
        }
      }
      if (out.operands.length !== out.ops.length + 1) throw this.fail(node, 'could not read the operator chain');
      return out;
    }
    if (node.type === 'prefix_expression') {
      const { op, operand } = this.prefixParts(node);
      const inner = this.chain(operand);
      inner.operands[0].prefixes.unshift({ op, where: this.where(node) });
      return inner;
    }
    if (node.type === 'navigation_expression' || node.type === 'call_expression') {
      const [targetNode, suffix] = this.named(node);
      const inner = this.chain(targetNode);
      const last = inner.operands[inner.operands.length - 1];
      last.base = this.applySuffix(last.base, suffix, node);
      return inner;
    }
    return { operands: [{ base: this.atom(node), prefixes: [] }], ops: [] };
  }

  atom(node) {
    const where = this.where(node);
    switch (node.type) {
      case 'integer_literal':
      case 'hex_literal':
      case 'bin_literal':
      case 'oct_literal':
        return { kind: 'lit', value: literal(node.text.replace(/_/g, '')), where };
      case 'boolean_literal':
        return { kind: 'lit', value: bool(node.text === 'true'), where };
      case 'line_string_literal':
        return { kind: 'lit', value: str(this.stringLiteral(node)), where };
      case 'simple_identifier':
        return { kind: 'name', name: node.text, where };
      case 'tuple_expression': {
        const inner = this.named(node);
        if (inner.length !== 1) throw this.fail(node, 'tuples are not supported');
        return this.expr(inner[0]);
      }
      case 'array_literal':
        return { kind: 'array', items: this.named(node).map((c) => this.expr(c)), where };
      default:
        throw this.fail(node, `unsupported expression ${node.type}`);
    }
  }

  prefixParts(node) {
    const parts = this.tokens(node).filter((c) => !SKIP.has(c.type));
    const opNode = parts[0];
    const op = opNode.type === 'bang' ? '!' : opNode.text;
    if (!['!', '~', '-', '&', '+'].includes(op)) throw this.fail(node, `unsupported prefix operator ${op}`);
    return { op, operand: parts[1] };
  }

  stringLiteral(node) {
    let out = '';
    for (const part of this.named(node)) {
      if (part.type === 'line_str_text') out += part.text;
      else if (part.type === 'str_escaped_char') {
        const e = part.text;
        const simple = { '\\"': '"', '\\\\': '\\', '\\n': '\n', '\\t': '\t', '\\r': '\r', '\\0': '\0', "\\'": "'" };
        if (e in simple) out += simple[e];
        else if (/^\\u\{[0-9a-fA-F]{1,8}\}$/.test(e)) out += String.fromCodePoint(parseInt(e.slice(3, -1), 16));
        else throw this.fail(part, 'unsupported escape');
      } else {
        throw this.fail(part, 'string interpolation is not supported');
      }
    }
    return out;
  }

  /** A member access, call or subscript applied to `target`. */
  applySuffix(target, suffix, node) {
    const where = this.where(node);
    if (node.type === 'navigation_expression') {
      const member = this.named(suffix)[0];
      if (!member || member.type !== 'simple_identifier') throw this.fail(node, 'unsupported member access');
      return { kind: 'member', target, name: member.text, where };
    }
    const argsNode = this.named(suffix)[0];
    if (!argsNode || argsNode.type !== 'value_arguments') throw this.fail(node, 'unsupported call (trailing closure?)');
    const bracket = this.tokens(argsNode)[0].type === '[';
    const args = this.named(argsNode).map((a) => {
      const labelNode = this.named(a).find((c) => c.type === 'value_argument_label');
      const valueNode = this.named(a).filter((c) => c.type !== 'value_argument_label');
      if (valueNode.length !== 1) throw this.fail(a, 'unsupported argument');
      return { label: labelNode ? labelNode.text : null, value: this.expr(valueNode[0]) };
    });
    if (bracket) {
      if (args.length !== 1 || args[0].label) throw this.fail(node, 'unsupported subscript');
      return { kind: 'index', target, index: args[0].value, where };
    }
    return { kind: 'call', callee: target, args, where };
  }
}

// Precedence climbing over the flattened chain: operands[k] sits between ops[k-1] and ops[k].
Converter.prototype.associate = function associate(operands, ops, node) {
  for (const o of ops) {
    if (!LEVEL.has(o.op)) throw this.fail(node, `unsupported operator ${o.op}`);
  }
  let pos = 0; // index of the next operator; the next operand is operands[pos]
  const where = this.where(node);
  const climb = (minLevel) => {
    let left = operands[pos];
    while (pos < ops.length && LEVEL.get(ops[pos].op) >= minLevel) {
      const { op } = ops[pos];
      const level = LEVEL.get(op);
      pos++;
      // Everything that binds tighter than `op` belongs to its right operand (left associativity).
      const right = climb(level + 1);
      if (NON_ASSOCIATIVE.has(op) && pos < ops.length && LEVEL.get(ops[pos].op) === level) {
        throw this.fail(node, `operator ${op} is non-associative`);
      }
      left = { kind: 'binary', op, left, right, where };
    }
    return left;
  };
  const result = climb(0);
  if (pos !== ops.length) throw this.fail(node, 'could not associate the operator chain');
  return result;
};

// ---------------------------------------------------------------------------------------------
// Evaluation

class Scope {
  constructor(parent) {
    this.parent = parent;
    this.cells = new Map();
  }

  declare(name, cell) {
    this.cells.set(name, cell);
  }

  lookup(name) {
    for (let s = this; s; s = s.parent) {
      if (s.cells.has(name)) return s.cells.get(name);
    }
    return null;
  }
}

const RETURN = Symbol('return');
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

class Program {
  constructor(decls) {
    this.types = new Map();
    this.functions = new Map();
    for (const d of decls) {
      for (const [name, members] of d.types) {
        if (this.types.has(name)) throw new Unsupported(`type ${name} declared twice`);
        this.types.set(name, { ...members, cache: new Map() });
      }
      for (const [name, fn] of d.functions) this.functions.set(name, fn);
    }
    this.steps = 0;
  }

  /** Calls `Type.function` (or a top-level function) with JS-built Swift values: [[label, value]]. */
  call(qualified, args) {
    const [owner, name] = qualified.includes('.') ? qualified.split('.') : [null, qualified];
    const fn = this.findFunction(owner, name, null);
    return this.invoke(fn, owner, args.map(([label, value]) => ({ label, value, cell: null })), qualified);
  }

  /** `Type.constant` (a static let). */
  constant(qualified) {
    const [owner, name] = qualified.split('.');
    return this.staticLet(owner, name, qualified);
  }

  findFunction(owner, name, where) {
    if (owner) {
      const type = this.types.get(owner);
      if (!type || !type.functions.has(name)) throw new Unsupported(`${where || ''} no function ${owner}.${name}`);
      return type.functions.get(name);
    }
    if (!this.functions.has(name)) throw new Unsupported(`${where || ''} no function ${name}`);
    return this.functions.get(name);
  }

  staticLet(owner, name, where) {
    const type = this.types.get(owner);
    if (!type || !type.lets.has(name)) throw new Unsupported(`${where}: no static let ${owner}.${name}`);
    if (!type.cache.has(name)) {
      const decl = type.lets.get(name);
      const value = coerce(this.eval(decl.value, new Scope(null), owner), decl.type, decl.where);
      type.cache.set(name, value);
    }
    return type.cache.get(name);
  }

  invoke(fn, owner, args, where) {
    if (args.length !== fn.params.length) throw new Unsupported(`${where}: ${fn.name} takes ${fn.params.length} arguments, got ${args.length}`);
    const scope = new Scope(null);
    fn.params.forEach((p, k) => {
      const a = args[k];
      if ((a.label || null) !== p.label) {
        throw new Unsupported(`${where}: argument ${k + 1} of ${fn.name} must be labelled ${p.label || '_'}, not ${a.label || '_'}`);
      }
      if (p.inout) {
        if (!a.cell) throw new Unsupported(`${where}: inout argument ${p.name} needs &variable`);
        if (!sameType(a.cell.type, p.type)) throw new Unsupported(`${where}: inout ${p.name} type mismatch`);
        scope.declare(p.name, a.cell);
      } else {
        if (a.cell) throw new Unsupported(`${where}: & passed to a parameter that is not inout`);
        scope.declare(p.name, { type: p.type, value: copy(coerce(a.value, p.type, where)), mutable: false });
      }
    });
    const signal = this.run(fn.body, scope, owner);
    if (signal && signal.kind === RETURN) {
      if (fn.returns === null) {
        if (signal.value) throw new Unsupported(`${fn.where}: ${fn.name} returns nothing`);
        return null;
      }
      return coerce(signal.value, fn.returns, fn.where);
    }
    if (fn.returns !== null) throw new Unsupported(`${fn.where}: ${fn.name} ends without returning`);
    return null;
  }

  run(stmts, scope, owner) {
    for (const s of stmts) {
      const signal = this.exec(s, scope, owner);
      if (signal) return signal;
    }
    return null;
  }

  exec(s, scope, owner) {
    if (++this.steps > 5e8) throw new SwiftTrap('step limit');
    switch (s.kind) {
      case 'decl': {
        if (scope.cells.has(s.name)) throw new Unsupported(`${s.where}: ${s.name} declared twice in one scope`);
        const value = copy(coerce(this.eval(s.value, scope, owner), s.type, s.where));
        scope.declare(s.name, { type: s.type, value, mutable: s.mutable });
        return null;
      }
      case 'assign':
        this.assign(s, scope, owner);
        return null;
      case 'expr':
        this.eval(s.expr, scope, owner);
        return null;
      case 'if': {
        const cond = this.condition(s.cond, scope, owner, s.where);
        return this.run(cond ? s.then : s.otherwise, new Scope(scope), owner);
      }
      case 'while':
        while (this.condition(s.cond, scope, owner, s.where)) {
          const signal = this.run(s.body, new Scope(scope), owner);
          if (signal && signal.kind === BREAK) break;
          if (signal && signal.kind === RETURN) return signal;
        }
        return null;
      case 'for': {
        const seq = this.eval(s.seq, scope, owner);
        let items;
        if (seq.t === 'Range') {
          items = [];
          for (let k = seq.lo; k < seq.hi; k++) items.push({ t: 'Int', v: k });
        } else if (isArrayType(seq.t) || seq.t === 'UTF8View' || seq.t === 'Slice') {
          items = seq.v.slice();
        } else {
          throw new Unsupported(`${s.where}: cannot iterate a ${typeName(seq.t)}`);
        }
        for (const item of items) {
          const inner = new Scope(scope);
          if (s.name) inner.declare(s.name, { type: item.t, value: item, mutable: false });
          const signal = this.run(s.body, inner, owner);
          if (signal && signal.kind === BREAK) break;
          if (signal && signal.kind === RETURN) return signal;
        }
        return null;
      }
      case 'return':
        return { kind: RETURN, value: s.value ? this.eval(s.value, scope, owner) : null };
      case 'break':
        return { kind: BREAK };
      case 'continue':
        return { kind: CONTINUE };
      default:
        throw new Unsupported(`${s.where}: unsupported statement`);
    }
  }

  condition(expr, scope, owner, where) {
    const v = this.eval(expr, scope, owner);
    if (v.t !== 'Bool') throw new Unsupported(`${where}: a condition must be a Bool, not ${typeName(v.t)}`);
    return v.v;
  }

  /** The variable cell an lvalue names, and a setter for it. */
  lvalue(target, scope, owner, where) {
    if (target.kind === 'name') {
      const cell = scope.lookup(target.name);
      if (!cell) throw new Unsupported(`${where}: unknown variable ${target.name}`);
      if (!cell.mutable) throw new Unsupported(`${where}: cannot assign to let ${target.name}`);
      return { type: cell.type, get: () => cell.value, set: (v) => { cell.value = v; } };
    }
    if (target.kind === 'index') {
      const base = this.lvalue(target.target, scope, owner, where);
      if (!isArrayType(base.type)) throw new Unsupported(`${where}: subscript assignment on a ${typeName(base.type)}`);
      const index = Number(coerce(this.eval(target.index, scope, owner), 'Int', where).v);
      const array = base.get();
      if (index < 0 || index >= array.v.length) throw new SwiftTrap(`${where}: index ${index} out of range 0..<${array.v.length}`);
      return { type: base.type.array, get: () => array.v[index], set: (v) => { array.v[index] = v; } };
    }
    throw new Unsupported(`${where}: cannot assign to this expression`);
  }

  assign(s, scope, owner) {
    const place = this.lvalue(s.target, scope, owner, s.where);
    let value = this.eval(s.value, scope, owner);
    if (s.op !== '=') {
      const op = s.op.slice(0, -1);
      value = this.binaryOp(op, place.get(), value, s.where);
    }
    place.set(copy(coerce(value, place.type, s.where)));
  }

  eval(e, scope, owner) {
    switch (e.kind) {
      case 'lit':
        return e.value;
      case 'name': {
        const cell = scope.lookup(e.name);
        if (cell) return cell.value;
        if (owner && this.types.get(owner).lets.has(e.name)) return this.staticLet(owner, e.name, e.where);
        if (this.types.has(e.name) || SCALARS.has(e.name) || e.name === 'UTF8' || e.name === 'Array') {
          return { t: 'Metatype', v: e.name };
        }
        throw new Unsupported(`${e.where}: unknown name ${e.name}`);
      }
      case 'array':
        return { t: 'ArrayLiteral', v: e.items.map((item) => this.eval(item, scope, owner)) };
      case 'prefix':
        return this.prefix(e, scope, owner);
      case 'binary':
        if (e.op === '&&' || e.op === '||') {
          const left = this.condition(e.left, scope, owner, e.where);
          if (e.op === '&&' ? !left : left) return bool(left);
          return bool(this.condition(e.right, scope, owner, e.where));
        }
        return this.binaryOp(e.op, this.eval(e.left, scope, owner), this.eval(e.right, scope, owner), e.where);
      case 'member':
        return this.member(e, scope, owner);
      case 'index':
        return this.index(e, scope, owner);
      case 'call':
        return this.callExpr(e, scope, owner);
      case 'assignop':
        throw new Unsupported(`${e.where}: assignment used as a value`);
      default:
        throw new Unsupported(`${e.where}: unsupported expression`);
    }
  }

  prefix(e, scope, owner) {
    if (e.op === '&') throw new Unsupported(`${e.where}: & is only for inout arguments`);
    const v = defaultLiteral(this.eval(e.operand, scope, owner));
    switch (e.op) {
      case '!':
        if (v.t !== 'Bool') throw new Unsupported(`${e.where}: ! on a ${typeName(v.t)}`);
        return bool(!v.v);
      case '~': {
        if (!isInt(v.t)) throw new Unsupported(`${e.where}: ~ on a ${typeName(v.t)}`);
        const { bits, signed } = INT_TYPES[v.t];
        return { t: v.t, v: signed ? -v.v - 1n : ((1n << bits) - 1n) ^ v.v };
      }
      case '-':
        if (!isInt(v.t) || !INT_TYPES[v.t].signed) throw new Unsupported(`${e.where}: unary - on a ${typeName(v.t)}`);
        return checked(v.t, -v.v, e.where, 'negation overflow');
      case '+':
        return v;
      default:
        throw new Unsupported(`${e.where}: prefix ${e.op}`);
    }
  }

  binaryOp(op, a, b, where) {
    if (op === '..<' || op === '...') {
      const lo = coerce(a, 'Int', where).v;
      const hi = coerce(b, 'Int', where).v + (op === '...' ? 1n : 0n);
      if (hi < lo) throw new SwiftTrap(`${where}: range with upper bound below lower bound`);
      return { t: 'Range', lo, hi };
    }
    if (['<<', '>>', '&<<', '&>>'].includes(op)) return this.shift(op, a, b, where);
    // Literals take the other side's type.
    if (a.t === 'IntLiteral' && b.t !== 'IntLiteral') a = coerce(a, b.t, where);
    else if (b.t === 'IntLiteral' && a.t !== 'IntLiteral') b = coerce(b, a.t, where);
    else if (a.t === 'IntLiteral' && b.t === 'IntLiteral') {
      a = defaultLiteral(a);
      b = defaultLiteral(b);
    }
    if (!sameType(a.t, b.t)) throw new Unsupported(`${where}: ${op} on ${typeName(a.t)} and ${typeName(b.t)}`);
    const t = a.t;
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
      if (isArrayType(t)) throw new Unsupported(`${where}: comparing arrays is not in the subset`);
      if (t === 'Bool' && !['==', '!='].includes(op)) throw new Unsupported(`${where}: ${op} on Bool`);
      const x = a.v;
      const y = b.v;
      const r = { '==': x === y, '!=': x !== y, '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[op];
      return bool(r);
    }
    if (t === 'String') {
      if (op !== '+') throw new Unsupported(`${where}: ${op} on String`);
      return str(a.v + b.v);
    }
    if (isArrayType(t)) {
      if (op !== '+') throw new Unsupported(`${where}: ${op} on arrays`);
      return { t, v: a.v.concat(b.v).map(copy) };
    }
    if (!isInt(t)) throw new Unsupported(`${where}: ${op} on ${typeName(t)}`);
    const x = a.v;
    const y = b.v;
    switch (op) {
      case '+': return checked(t, x + y, where, 'arithmetic overflow in +');
      case '-': return checked(t, x - y, where, 'arithmetic overflow in -');
      case '*': return checked(t, x * y, where, 'arithmetic overflow in *');
      case '/':
        if (y === 0n) throw new SwiftTrap(`${where}: division by zero`);
        return checked(t, x / y, where, 'overflow in /');
      case '%':
        if (y === 0n) throw new SwiftTrap(`${where}: remainder by zero`);
        return checked(t, x % y, where, 'overflow in %');
      case '&+': return wrapped(t, x + y);
      case '&-': return wrapped(t, x - y);
      case '&*': return wrapped(t, x * y);
      case '&': return intValue(t, x & y);
      case '|': return intValue(t, x | y);
      case '^': return intValue(t, x ^ y);
      default: throw new Unsupported(`${where}: operator ${op}`);
    }
  }

  /** Swift's smart shifts: any integer type on the right; over-shifts give 0 (or -1). */
  shift(op, a, b, where) {
    a = defaultLiteral(a);
    b = defaultLiteral(b);
    if (!isInt(a.t) || !isInt(b.t)) throw new Unsupported(`${where}: ${op} on ${typeName(a.t)} and ${typeName(b.t)}`);
    const { bits, signed } = INT_TYPES[a.t];
    let amount = b.v;
    let left = op === '<<' || op === '&<<';
    if (op === '&<<' || op === '&>>') amount = ((amount % bits) + bits) % bits;
    if (amount < 0n) {
      left = !left;
      amount = -amount;
    }
    if (left) {
      if (amount >= bits) return { t: a.t, v: 0n };
      return wrapped(a.t, a.v << amount);
    }
    if (amount >= bits) return { t: a.t, v: signed && a.v < 0n ? -1n : 0n };
    return { t: a.t, v: a.v >> amount };
  }

  member(e, scope, owner) {
    // Type.member: a static let, or Type.self.
    if (e.target.kind === 'name' && !scope.lookup(e.target.name)) {
      const typeName_ = e.target.name;
      if (e.name === 'self') return { t: 'Metatype', v: typeName_ };
      if (this.types.has(typeName_)) return this.staticLet(typeName_, e.name, e.where);
    }
    const v = this.eval(e.target, scope, owner);
    switch (e.name) {
      case 'utf8':
        if (v.t !== 'String') throw new Unsupported(`${e.where}: .utf8 on a ${typeName(v.t)}`);
        return { t: 'UTF8View', v: utf8Bytes(v.v) };
      case 'count':
        if (isArrayType(v.t) || v.t === 'UTF8View' || v.t === 'Slice') return { t: 'Int', v: BigInt(v.v.length) };
        throw new Unsupported(`${e.where}: .count on a ${typeName(v.t)} (String.count counts Characters: not in the subset)`);
      case 'isEmpty':
        if (isArrayType(v.t) || v.t === 'UTF8View' || v.t === 'Slice') return bool(v.v.length === 0);
        if (v.t === 'String') return bool(v.v.length === 0);
        throw new Unsupported(`${e.where}: .isEmpty on a ${typeName(v.t)}`);
      default:
        throw new Unsupported(`${e.where}: member .${e.name} is not in the subset`);
    }
  }

  index(e, scope, owner) {
    const base = this.eval(e.target, scope, owner);
    if (!isArrayType(base.t)) throw new Unsupported(`${e.where}: subscript on a ${typeName(base.t)}`);
    const index = this.eval(e.index, scope, owner);
    if (index.t === 'Range') {
      if (index.lo < 0n || index.hi > BigInt(base.v.length)) {
        throw new SwiftTrap(`${e.where}: range ${index.lo}..<${index.hi} out of bounds 0..<${base.v.length}`);
      }
      return { t: 'Slice', elem: base.t.array, v: base.v.slice(Number(index.lo), Number(index.hi)) };
    }
    const k = Number(coerce(index, 'Int', e.where).v);
    if (k < 0 || k >= base.v.length) throw new SwiftTrap(`${e.where}: index ${k} out of range 0..<${base.v.length}`);
    return base.v[k];
  }

  callExpr(e, scope, owner) {
    const { callee } = e;
    // Methods on a value: append, append(contentsOf:).
    if (callee.kind === 'member' && callee.name === 'append') {
      const place = this.lvalue(callee.target, scope, owner, e.where);
      if (!isArrayType(place.type)) throw new Unsupported(`${e.where}: append on a ${typeName(place.type)}`);
      if (e.args.length !== 1) throw new Unsupported(`${e.where}: append takes one argument`);
      const [arg] = e.args;
      const array = place.get();
      if (arg.label === null) {
        array.v.push(copy(coerce(this.eval(arg.value, scope, owner), place.type.array, e.where)));
      } else if (arg.label === 'contentsOf') {
        const items = this.eval(arg.value, scope, owner);
        let values;
        if (items.t === 'ArrayLiteral') values = coerce(items, place.type, e.where).v;
        else if (isArrayType(items.t) && sameType(items.t, place.type)) values = items.v;
        else if ((items.t === 'UTF8View' && place.type.array === 'UInt8') || (items.t === 'Slice' && sameType(items.elem, place.type.array))) values = items.v;
        else throw new Unsupported(`${e.where}: append(contentsOf:) of a ${typeName(items.t)} to a ${typeName(place.type)}`);
        for (const v of values) array.v.push(copy(v));
      } else {
        throw new Unsupported(`${e.where}: append(${arg.label}:)`);
      }
      return null;
    }
    // Type.function(...)
    if (callee.kind === 'member' && callee.target.kind === 'name' && this.types.has(callee.target.name) && !scope.lookup(callee.target.name)) {
      const fn = this.findFunction(callee.target.name, callee.name, e.where);
      return this.invoke(fn, callee.target.name, this.arguments(e.args, scope, owner), e.where);
    }
    // [T](repeating:count:)
    if (callee.kind === 'array') {
      if (callee.items.length !== 1 || callee.items[0].kind !== 'name' || !SCALARS.has(callee.items[0].name)) {
        throw new Unsupported(`${e.where}: unsupported array constructor`);
      }
      const elem = callee.items[0].name;
      const labels = e.args.map((a) => a.label).join(',');
      if (labels !== 'repeating,count') throw new Unsupported(`${e.where}: [T](${labels}) is not in the subset`);
      const item = coerce(this.eval(e.args[0].value, scope, owner), elem, e.where);
      const count = Number(coerce(this.eval(e.args[1].value, scope, owner), 'Int', e.where).v);
      if (count < 0) throw new SwiftTrap(`${e.where}: negative count`);
      return { t: { array: elem }, v: Array.from({ length: count }, () => item) };
    }
    if (callee.kind !== 'name') throw new Unsupported(`${e.where}: unsupported call`);
    const name = callee.name;
    if (isInt(name)) return this.convertInteger(name, e, scope, owner);
    if (name === 'String') return this.makeString(e, scope, owner);
    if (name === 'Array') {
      if (e.args.length !== 1 || e.args[0].label) throw new Unsupported(`${e.where}: Array(...) takes one unlabelled argument`);
      const v = this.eval(e.args[0].value, scope, owner);
      if (v.t === 'UTF8View') return { t: { array: 'UInt8' }, v: v.v.slice() };
      if (v.t === 'Slice') return { t: { array: v.elem }, v: v.v.map(copy) };
      if (isArrayType(v.t)) return copy(v);
      throw new Unsupported(`${e.where}: Array(...) of a ${typeName(v.t)}`);
    }
    // A function of the same type (unqualified, from a static func), or a top-level one.
    let fn = null;
    let fnOwner = null;
    if (owner && this.types.get(owner).functions.has(name)) {
      fn = this.types.get(owner).functions.get(name);
      fnOwner = owner;
    } else if (this.functions.has(name)) {
      fn = this.functions.get(name);
    } else {
      throw new Unsupported(`${e.where}: unknown function ${name}`);
    }
    return this.invoke(fn, fnOwner, this.arguments(e.args, scope, owner), e.where);
  }

  arguments(args, scope, owner) {
    return args.map((a) => {
      if (a.value.kind === 'prefix' && a.value.op === '&') {
        if (a.value.operand.kind !== 'name') throw new Unsupported(`${a.value.where}: &${a.value.operand.kind} is not in the subset`);
        const cell = scope.lookup(a.value.operand.name);
        if (!cell || !cell.mutable) throw new Unsupported(`${a.value.where}: & needs a var`);
        return { label: a.label, value: null, cell };
      }
      return { label: a.label, value: this.eval(a.value, scope, owner), cell: null };
    });
  }

  convertInteger(t, e, scope, owner) {
    if (e.args.length !== 1) throw new Unsupported(`${e.where}: ${t}(...) takes one argument`);
    const [arg] = e.args;
    const v = defaultLiteral(this.eval(arg.value, scope, owner));
    if (!isInt(v.t)) throw new Unsupported(`${e.where}: ${t}(${typeName(v.t)}) is not in the subset`);
    if (arg.label === null) return checked(t, v.v, e.where, `${t}(...) conversion`);
    if (arg.label === 'truncatingIfNeeded') return wrapped(t, v.v);
    throw new Unsupported(`${e.where}: ${t}(${arg.label}:)`);
  }

  makeString(e, scope, owner) {
    const labels = e.args.map((a) => a.label || '_').join(',');
    if (labels === '_') {
      const v = defaultLiteral(this.eval(e.args[0].value, scope, owner));
      if (!isInt(v.t)) throw new Unsupported(`${e.where}: String(${typeName(v.t)}) is not in the subset`);
      return str(v.v.toString());
    }
    if (labels === 'decoding,as') {
      const bytes = this.eval(e.args[0].value, scope, owner);
      const codec = this.eval(e.args[1].value, scope, owner);
      if (codec.t !== 'Metatype' || codec.v !== 'UTF8') throw new Unsupported(`${e.where}: only UTF8.self`);
      const elem = bytes.t === 'Slice' ? bytes.elem : isArrayType(bytes.t) ? bytes.t.array : bytes.t === 'UTF8View' ? 'UInt8' : null;
      if (elem !== 'UInt8') throw new Unsupported(`${e.where}: String(decoding:) of a ${typeName(bytes.t)}`);
      // Like Swift, ill-formed sequences become U+FFFD.
      return str(new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes.v, (b) => Number(b.v))));
    }
    throw new Unsupported(`${e.where}: String(${labels}) is not in the subset`);
  }
}

// ---------------------------------------------------------------------------------------------
// Loading and helpers for callers

async function load(files) {
  const { parser } = await swiftParser();
  const decls = [];
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    const tree = parser.parse(source);
    const errors = syntaxErrors(tree);
    if (errors.length) throw new Unsupported(`${file}:${errors[0].line}: syntax error`);
    decls.push(new Converter(file, source).declarations(tree.rootNode));
  }
  return new Program(decls);
}

/** Parses Swift source text (for the interpreter's own tests). */
async function loadSource(source, name = 'inline.swift') {
  const { parser } = await swiftParser();
  const tree = parser.parse(source);
  const errors = syntaxErrors(tree);
  if (errors.length) throw new Unsupported(`${name}:${errors[0].line}: syntax error`);
  return new Program([new Converter(name, source).declarations(tree.rootNode)]);
}

const swift = {
  bytes: (buffer) => ({ t: { array: 'UInt8' }, v: [...buffer].map((b) => SMALL.UInt8[b]) }),
  ints: (numbers) => ({ t: { array: 'Int' }, v: numbers.map((n) => ({ t: 'Int', v: BigInt(n) })) }),
  byteArrays: (buffers) => ({ t: { array: { array: 'UInt8' } }, v: buffers.map((b) => swift.bytes(b)) }),
  strings: (list) => ({ t: { array: 'String' }, v: list.map(str) }),
  int: (n, t = 'Int') => checked(t, BigInt(n), 'argument', 'out of range'),
  string: str,
  bool,
  /** A Swift value as JS: numbers, strings, booleans, arrays; [UInt8] as a Buffer. */
  toJS(value) {
    if (value === null) return null;
    if (isArrayType(value.t)) {
      if (value.t.array === 'UInt8') return Buffer.from(value.v.map((b) => Number(b.v)));
      return value.v.map((x) => swift.toJS(x));
    }
    if (isInt(value.t)) return Number(value.v);
    return value.v;
  },
};

module.exports = { load, loadSource, swift, SwiftTrap, Unsupported };

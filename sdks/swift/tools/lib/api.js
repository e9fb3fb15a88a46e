'use strict';
// The public API as declared in the Swift sources (found with tree-sitter queries) and as
// documented in the README's "Options" and "API" tables, in one comparable shape.
const fs = require('node:fs');
const path = require('node:path');
const { swiftParser } = require('./parser');

const PUBLIC_DECLARATIONS = `
(function_declaration (modifiers (visibility_modifier) @visibility (#eq? @visibility "public"))) @function
(init_declaration (modifiers (visibility_modifier) @visibility (#eq? @visibility "public"))) @init
(property_declaration (modifiers (visibility_modifier) @visibility (#eq? @visibility "public"))) @property
`;

function ownerOf(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'class_declaration') {
      const name = n.namedChildren.find((c) => c.type === 'type_identifier');
      return name ? name.text : null;
    }
  }
  return null;
}

function parameterLabels(node) {
  return node.namedChildren.filter((c) => c.type === 'parameter').map((p) => {
    const ids = p.namedChildren.filter((c) => c.type === 'simple_identifier').map((c) => c.text);
    return ids[0];
  });
}

function isStatic(node) {
  const modifiers = node.namedChildren.find((c) => c.type === 'modifiers');
  return !!modifiers && /\bstatic\b/.test(modifiers.text);
}

/** Public members of each type: {kind, name, labels, isAsync, returns, isStatic}. */
async function declaredApi(sourceDir) {
  const { parser, language } = await swiftParser();
  const query = language.query(PUBLIC_DECLARATIONS);
  const byType = new Map();
  const files = fs.readdirSync(sourceDir, { recursive: true }).filter((f) => String(f).endsWith('.swift'));
  for (const file of files) {
    const tree = parser.parse(fs.readFileSync(path.join(sourceDir, file), 'utf8'));
    for (const match of query.matches(tree.rootNode)) {
      const decl = match.captures.find((c) => c.name !== 'visibility');
      const node = decl.node;
      const owner = ownerOf(node);
      if (!owner) continue;
      if (!byType.has(owner)) byType.set(owner, []);
      const tokens = node.children.map((c) => c.type);
      if (decl.name === 'function') {
        const arrow = tokens.indexOf('->');
        const returnNode = arrow >= 0 ? node.children.slice(arrow + 1).find((c) => c.isNamed() && c.type !== 'function_body') : null;
        byType.get(owner).push({
          kind: 'func', name: node.namedChildren.find((c) => c.type === 'simple_identifier').text,
          labels: parameterLabels(node), isAsync: tokens.includes('async'),
          returns: returnNode ? returnNode.text : null, isStatic: isStatic(node),
        });
      } else if (decl.name === 'init') {
        byType.get(owner).push({ kind: 'init', name: 'init', labels: parameterLabels(node), isStatic: false });
      } else {
        const pattern = node.namedChildren.find((c) => c.type === 'pattern');
        byType.get(owner).push({ kind: 'property', name: pattern.text, isStatic: isStatic(node) });
      }
    }
  }
  return byType;
}

/** The first-column code spans of the table under the README heading `## <title>`. */
function tableEntries(readme, title) {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith('## ') && l.includes(title));
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const entries = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    const m = /^\|\s*`([^`]+)`\s*\|/.exec(lines[i]);
    if (m) entries.push(m[1]);
  }
  return entries;
}

/**
 * `BloopClient.start(_:)`, `BloopClient(options:)`, `BloopClient.shared`, `capture(_:)`,
 * `flush(timeout:) async -> Bool`, `droppedEvents` as {kind, name, labels, isAsync, returns, isStatic}.
 */
function parseApiEntry(text, typeName) {
  const m = /^(?:(\w+)\.)?(\w+)(?:\(((?:\w+:)*)\))?(\s+async)?(?:\s*->\s*(.+))?$/.exec(text.trim());
  if (!m) throw new Error(`cannot read API entry ${text}`);
  const [, qualifier, name, labelText, asyncWord, returns] = m;
  const labels = labelText === undefined ? null : labelText.split(':').filter(Boolean);
  if (name === typeName && qualifier === undefined && labels) {
    return { kind: 'init', name: 'init', labels, isStatic: false };
  }
  const isStatic = qualifier === typeName;
  if (labels === null) return { kind: 'property', name, isStatic };
  return { kind: 'func', name, labels, isAsync: !!asyncWord, returns: returns ? returns.trim() : null, isStatic };
}

const signature = (d) => (d.kind === 'property' ? `${d.isStatic ? 'static ' : ''}${d.name}` : `${d.isStatic ? 'static ' : ''}${d.name}(${d.labels.map((l) => `${l}:`).join('')})`);

module.exports = { declaredApi, tableEntries, parseApiEntry, signature };

/** Small helpers over the ESTree-shaped AST oxc-parser returns. */

export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

export function isNode(value: unknown): value is AstNode {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}

export function child(node: AstNode, key: string): AstNode | null {
  const value = node[key];
  return isNode(value) ? value : null;
}

export function children(node: AstNode, key: string): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** Depth-first, iteratively (analysed code may nest deeply). */
export function walk(root: AstNode, visit: (node: AstNode) => void): void {
  const stack: AstNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    visit(node);
    const keys = Object.keys(node);
    for (let index = keys.length - 1; index >= 0; index--) {
      const value = node[keys[index] ?? ""];
      if (Array.isArray(value)) {
        for (let item = value.length - 1; item >= 0; item--) if (isNode(value[item])) stack.push(value[item]);
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
}

export function identifierName(node: AstNode | null): string | null {
  return node && node.type === "Identifier" && typeof node.name === "string" ? node.name : null;
}

export function propertyKeyName(node: AstNode | null): string | null {
  if (!node) return null;
  if (node.type === "Identifier" && typeof node.name === "string") return node.name;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  return null;
}

export function stringLiteral(node: AstNode | null): string | null {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && children(node, "expressions").length === 0) {
    const quasi = children(node, "quasis")[0];
    const cooked = (quasi?.value as { cooked?: unknown } | undefined)?.cooked;
    return typeof cooked === "string" ? cooked : null;
  }
  if (node.type === "ParenthesizedExpression") return stringLiteral(child(node, "expression"));
  return null;
}

export function regexLiteral(node: AstNode | null): { source: string; flags: string } | null {
  if (!node) return null;
  if (node.type === "Literal") {
    const info = node.regex as { pattern?: unknown; flags?: unknown } | null | undefined;
    if (info && typeof info.pattern === "string" && typeof info.flags === "string") {
      return { source: info.pattern, flags: info.flags };
    }
  }
  if (
    (node.type === "NewExpression" || node.type === "CallExpression") &&
    identifierName(child(node, "callee")) === "RegExp"
  ) {
    const args = children(node, "arguments");
    const source = stringLiteral(args[0] ?? null);
    const flags = args[1] ? stringLiteral(args[1]) : "";
    if (source !== null && flags !== null) return { source, flags };
  }
  if (node.type === "ParenthesizedExpression") return regexLiteral(child(node, "expression"));
  return null;
}

/** `module.exports.default` for a chain of non-computed member accesses, else null. */
export function memberPath(node: AstNode | null): string | null {
  if (!node) return null;
  const name = identifierName(node);
  if (name) return name;
  if (node.type !== "MemberExpression" || node.computed) return null;
  const object = memberPath(child(node, "object"));
  const property = identifierName(child(node, "property"));
  return object && property ? `${object}.${property}` : null;
}

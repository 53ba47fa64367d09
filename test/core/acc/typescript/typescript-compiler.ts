/**
 * The TypeScript compiler's own view of a file's imports: a walk of `ts.createSourceFile`'s
 * AST with the same definition of "import" as our extractor (see languages/typescript.ts).
 */
import ts from "typescript";
import type { ImportKind, RawImport } from "../../../../src/core/acc/model.ts";

export interface CompilerView {
  readonly imports: RawImport[];
  /** The compiler's parser reported a syntax error. */
  readonly syntaxError: boolean;
}

export function compilerImports(path: string, source: string): CompilerView {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false, scriptKindOf(path));
  const found: { pos: number; specifier: string; kind: ImportKind }[] = [];
  const add = (node: ts.Node, specifier: string, kind: ImportKind, pos = node.getStart(file)) =>
    found.push({ pos, specifier, kind });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, importDeclarationKind(node));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, exportDeclarationKind(node));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) add(node, expression.text, node.isTypeOnly ? "type" : "require");
    } else if (ts.isCallExpression(node)) {
      const argument = node.arguments.length === 1 ? node.arguments[0] : undefined;
      const literal = argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        if (node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
          add(node, node.arguments[0].text, "dynamic");
        }
      } else if (
        ts.isIdentifier(node.expression) &&
        node.expression.text === "require" &&
        literal !== undefined
      ) {
        add(node, literal, "require");
      }
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        const start = node.getStart(file);
        const pos = node.isTypeOf ? skipTrivia(source, start + "typeof".length) : start;
        add(node, argument.literal.text, "type", pos);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of file.statements) visit(statement);
  found.sort((a, b) => a.pos - b.pos);
  const imports = found.map(({ pos, specifier, kind }) => ({
    specifier,
    line: file.getLineAndCharacterOfPosition(pos).line + 1,
    kind,
  }));
  // parseDiagnostics is not in the public typings but is how the compiler keeps syntax errors.
  const diagnostics = (file as unknown as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics;
  return { imports, syntaxError: (diagnostics?.length ?? 0) > 0 };
}

/** ts.skipTrivia exists at runtime but not in the public typings. */
const skipTrivia = (ts as unknown as { skipTrivia(text: string, pos: number): number }).skipTrivia;

function importDeclarationKind(node: ts.ImportDeclaration): ImportKind {
  const clause = node.importClause;
  if (clause === undefined) return "import";
  if (clause.isTypeOnly) return "type";
  if (clause.name !== undefined) return "import";
  const bindings = clause.namedBindings;
  if (bindings === undefined || !ts.isNamedImports(bindings)) return "import";
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly)
    ? "type"
    : "import";
}

function exportDeclarationKind(node: ts.ExportDeclaration): ImportKind {
  if (node.isTypeOnly) return "type";
  const clause = node.exportClause;
  if (clause === undefined || !ts.isNamedExports(clause)) return "export";
  return clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly)
    ? "type"
    : "export";
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(path)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JSX;
}

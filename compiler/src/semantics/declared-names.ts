// The names a file's top-level declarations bind, for the checks that need them without
// elaborating anything (imports, sweeps). In: one declaration. Out: its names.

import type * as A from "../syntax/ast.js";

/** The names a top-level declaration binds in its file (an import binds its local names). */
export function declaredNames(decl: A.Decl): string[] {
  if (decl.kind === "ImportDecl") return [...(decl.names ?? []).map((n) => (n.alias ?? n.name).name), ...(decl.namespace ? [decl.namespace.name] : [])];
  return decl.name.kind === "Ident" ? [decl.name.name] : [];
}

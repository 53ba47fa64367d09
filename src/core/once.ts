/**
 * `make`'s value, built on the first call and kept. For what costs to build when a module
 * loads and is often not needed: the zod schemas of the config and the rules take tens of
 * milliseconds to construct, and a check whose config comes from its warm state (or that has
 * no config) validates nothing.
 */
export function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

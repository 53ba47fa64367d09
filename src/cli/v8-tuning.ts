/**
 * V8 settings for the analysis commands (check, graph, init): short runs that keep most of
 * what they allocate. Made once per command, at the same point in each (before it loads its
 * engine): V8 stamps the code it compiles with a hash of its flags, and Node's compile cache
 * rejects code stamped with other flags, so two commands that changed them at different points
 * would make each other's cached code useless.
 */
import { setFlagsFromString } from "node:v8";

export function tuneV8ForAnalysis(): void {
  // No TurboFan: on a run of a second or two it costs more (compiling on the background
  // threads, on-stack replacement of the long per-file loops) than its code saves; Maglev
  // still optimises the hot code. typeorm's cold `graph`: ~8% less CPU, ~5% less time; the
  // Python tokenizer (sympy) no slower. V8 reads the flag at each tiering decision, in every
  // thread, so it holds for the extraction workers too.
  setFlagsFromString("--no-turbofan");
  // Stops the young generation (two semi-spaces, up to 16 MB each here) from growing past its
  // initial size, in this thread and the workers. A command keeps most of what it allocates
  // (contents, results, the graph), so a bigger nursery saves little collection work but stays
  // resident: on sympy the peak RSS of `check` drops by about 35 MB, and neither a cold nor a
  // warm run gets slower (TypeScript on typeorm alike). The factor is read at each growth, so
  // unlike --max-semi-space-size it applies once the process has started. `check` tunes after
  // decoding its warm state, which keeps nearly all it allocates: a young generation grown
  // during it spares a warm run dozens of scavenges (most of its collection work) for a few MB.
  setFlagsFromString("--semi-space-growth-factor=1");
}

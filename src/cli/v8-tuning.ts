/**
 * V8 settings for the analysis commands (check, graph, init): short runs that keep most of
 * what they allocate. Made once per command, at the same point in each (before it loads its
 * engine): V8 stamps the code it compiles with a hash of its flags, and Node's compile cache
 * rejects code stamped with other flags, so two commands that changed them at different points
 * would make each other's cached code useless.
 */
import { setFlagsFromString } from "node:v8";

export function tuneV8ForAnalysis(): void {
  // TurboFan for the hottest code only. On a run of a second or two, its compiling (on the
  // background threads, competing with the extraction worker for 2 cores) costs more than its
  // code saves, except for code as hot as the Python tokenizer. No on-stack replacement: it
  // optimised the long per-file loops (source selection, resolution, the nesting guard) while
  // they ran, at great cost; and 10× the default budget before TurboFan (V8 weighs invocations
  // by bytecode run), so only the hottest functions get there and the rest stays Maglev code.
  // Interleaved against V8's defaults: typeorm cold `graph` -8% time, sympy cold `check` -5%,
  // typeorm warm re-check -6%. Without TurboFan at all, typeorm gained 4% more but sympy lost 5%.
  // V8 reads these at each tiering decision, in every thread: the workers follow.
  setFlagsFromString("--no-use-osr");
  setFlagsFromString("--invocation-count-for-turbofan=30000");
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

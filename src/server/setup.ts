/**
 * Setup mode (no APP_ID): Probot's own manifest flow, which registers the app on GitHub from
 * app.yml and writes the credentials to .env. Probot does not export it from its package
 * entry point, so it is loaded from the file next to that entry point.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

export type SetupHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

interface SetupModule {
  setupAppFactory(options: { host: string; port: number; log: Logger }): () => Promise<SetupHandler>;
}

interface StaticModule {
  /** Serves the setup page's stylesheet and images under /probot/static/. */
  staticFilesHandler(req: IncomingMessage, res: ServerResponse): boolean;
}

export async function createSetupHandler(options: {
  host: string;
  port: number;
  log: Logger;
}): Promise<SetupHandler> {
  // Probot would otherwise download smee-client and open a smee.io channel (network, and a
  // write to .env) on every start; NO_SMEE_SETUP=false in the environment brings that back.
  process.env.NO_SMEE_SETUP ??= "true";
  const probotEntry = import.meta.resolve("probot");
  const module = (await import(new URL("./apps/setup.js", probotEntry).href)) as SetupModule;
  const assets = (await import(
    new URL("./server/handlers/static-files.js", probotEntry).href
  )) as StaticModule;
  const factory = module.setupAppFactory({
    host: options.host,
    port: options.port,
    log: options.log,
  });
  const setup = await factory();
  return async (req, res) => assets.staticFilesHandler(req, res) || setup(req, res);
}

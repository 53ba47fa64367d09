/**
 * Concurrent webhook senders in a worker thread of their own, standing in for GitHub: they post
 * and time each delivery on their own event loop, so their work does not queue behind the
 * app's (and the app's does not delay their clocks). `sendConcurrently` runs from the bench;
 * the same file is the worker's body.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type SendJob, type SendOutcome, sendConcurrentlyHere } from "../../test/harness/webhooks.ts";

/** Posts every delivery once from `concurrency` senders in a worker thread; resolves with the timings. */
export function sendConcurrently(job: SendJob): Promise<SendOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once("message", (outcome: SendOutcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void sendConcurrentlyHere(workerData as SendJob).then((outcome) => port.postMessage(outcome));
}

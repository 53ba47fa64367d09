/**
 * Concurrent webhook senders in a worker thread of their own, standing in for GitHub: they post
 * and time each delivery on their own event loop, so their work does not queue behind the
 * app's (and the app's does not delay their clocks). `sendConcurrently` runs from the bench;
 * the same file is the worker's body.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { sendWebhook, type WebhookEvent } from "../../test/harness/webhooks.ts";

export interface OutgoingDelivery {
  readonly event: WebhookEvent;
  readonly rawBody: string;
  readonly deliveryId: string;
}

export interface SendJob {
  readonly url: string;
  readonly secret: string;
  readonly concurrency: number;
  readonly deliveries: readonly OutgoingDelivery[];
}

export interface SendOutcome {
  /** Time to each answer, ms, in completion order. */
  readonly latencies: number[];
  readonly statuses: number[];
  /** Requests that got no answer. */
  readonly errors: string[];
  readonly wallMs: number;
}

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

async function run(job: SendJob): Promise<SendOutcome> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  const sender = async () => {
    for (let i = next++; i < job.deliveries.length; i = next++) {
      const delivery = job.deliveries[i];
      if (!delivery) break;
      const t0 = performance.now();
      try {
        const result = await sendWebhook({ ...delivery, url: job.url, secret: job.secret });
        latencies.push(performance.now() - t0);
        statuses.push(result.status);
      } catch (error) {
        errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  return { latencies, statuses, errors, wallMs: performance.now() - started };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void run(workerData as SendJob).then((outcome) => port.postMessage(outcome));
}

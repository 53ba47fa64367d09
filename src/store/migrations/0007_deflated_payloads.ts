/**
 * A delivery's payload is stored as the zlib-compressed JSON body, compressed by the app, in
 * `payload_deflated`, and its sender's login, which the `delivery.received` audit row names, in
 * `sender`. A jsonb payload of ~20 KB costs PostgreSQL its JSON parsing and TOAST's pglz
 * compression on insert and the reverse on every read; in the embedded database that runs as
 * WebAssembly on the thread that answers the webhooks. The compressed body (~2.5 KB) stays in
 * the row (storage main: TOAST's pglz soon gives up on compressed bytes, and the value moves out
 * of line only if the row would not fit in a page).
 *
 * Rows recorded before keep their jsonb payload and no sender (read from the payload): exactly
 * one of the two payload columns is set.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `alter table deliveries add column payload_deflated bytea`,
  `alter table deliveries alter column payload_deflated set storage main`,
  `alter table deliveries add column sender text`,
  `alter table deliveries alter column payload drop not null`,
  `alter table deliveries add constraint deliveries_one_payload
     check ((payload is null) <> (payload_deflated is null))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}

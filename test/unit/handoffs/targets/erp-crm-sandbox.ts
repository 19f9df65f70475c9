/** Reading a running sandbox from the ERP and CRM contract tests: its records, and requests a fault held. */
import type { StoredRecord } from '../../../../local/sandbox/record-store';
import type { RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { getJson, orderFault } from '../../../integration/identity/writeback/sandbox-fixtures';

/** What `GET /sandbox/<system>` lists, narrowed to the keys of one record type (`salesOrder/`). */
export const recordsOfType = async (sandbox: RunningSandbox, system: string, type: string): Promise<StoredRecord[]> => {
  const { body } = await getJson(`${sandbox.url}/sandbox/${system}`);
  return (body as { records: StoredRecord[] }).records.filter((record) => record.key.startsWith(`${type}/`));
};

/** The record view a receipt's link opens: `GET /sandbox/<system>/records/<key>`. */
export const recordAt = async (sandbox: RunningSandbox, system: string, key: string): Promise<StoredRecord | undefined> => {
  const { status, body } = await getJson(`${sandbox.url}/sandbox/${system}/records/${key}`);
  return status === 200 ? (body as StoredRecord) : undefined;
};

/**
 * A fetch that orders a slow fault just before the first request of `method` goes out: the adapter's
 * earlier reads pass, and that write lands only after the adapter has given up on it.
 */
export const slowingFirst = (sandbox: RunningSandbox, system: 'netsuite' | 'salesforce', method: string, delayMs: number): typeof fetch => {
  let slowed = false;
  return async (input, init) => {
    if (!slowed && init?.method === method) {
      slowed = true;
      await orderFault(sandbox.url, system, { mode: 'slow', delayMs, times: 1 });
    }
    return fetch(input, init);
  };
};

/** Resolves once the sandbox has answered the request a slow fault held (the write landed). */
export const heldRequestAnswered = async (sandbox: RunningSandbox, system: string): Promise<void> => {
  const answered = () => sandbox.requests(system).some((request) => request.fault === 'slow' && request.response !== undefined);
  while (!answered()) await new Promise((resolve) => setTimeout(resolve, 20));
};

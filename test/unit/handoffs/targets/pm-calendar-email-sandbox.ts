/** Talking to a running sandbox from the PM, calendar and email contract tests. */
import type { FaultOrder } from '../../../../local/sandbox/faults';
import type { RunningSandbox } from '../../../../local/sandbox/sandbox-server';

export const orderTargetFault = async (sandbox: RunningSandbox, system: string, order: FaultOrder): Promise<void> => {
  const response = await fetch(`${sandbox.url}/sandbox/${system}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
  if (response.status !== 200) throw new Error(`the sandbox refused the fault: ${response.status} ${await response.text()}`);
};

/**
 * A fetch that orders `order` just before the first request of `method` goes out, so the adapter's
 * lookups pass and the fault meets its write.
 */
export const faultingFirst = (sandbox: RunningSandbox, system: string, method: string, order: FaultOrder): typeof fetch => {
  let ordered = false;
  return async (input, init) => {
    if (!ordered && init?.method === method) {
      ordered = true;
      await orderTargetFault(sandbox, system, { ...order, times: 1 });
    }
    return fetch(input, init);
  };
};

/** Calls `api` on the sandbox as a person or a seeding script would, and returns the JSON answer. */
export const callSandbox = async (sandbox: RunningSandbox, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
};

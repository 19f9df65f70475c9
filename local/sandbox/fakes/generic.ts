/**
 * A fake receiver of the webhooks Concord sends a generic system
 * (functions/identity/writeback/vendors/generic.ts): `POST /webhook`, and
 * `GET /records/{entityType}/{externalId}` to read what it holds.
 *
 * It does what a careful receiver does: verifies the Standard Webhooks signature with its secret
 * (401 `{ error }` when missing or wrong, or when the timestamp is over five minutes off), checks
 * the envelope (400), applies the change and answers 200 — and answers a `webhook-id` it has
 * already applied with 200 and does nothing, as Standard Webhooks asks receivers to deduplicate.
 * Records exist here only once written: a GET of an unknown one is 404.
 */
import { z } from 'zod';
import { verifyStandardWebhook } from '../../../functions/ingest/standard-webhooks';
import { route, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';

/** The signing secret the sandbox's generic receiver expects unless given another. */
export const SANDBOX_GENERIC_SIGNING_SECRET = `whsec_${Buffer.from('concord-sandbox-generic-receiver-key').toString('base64')}`;

const Delivery = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('unified_id.assigned'),
    timestamp: z.iso.datetime({ offset: true }),
    data: z.object({ entityType: z.string().min(1), externalId: z.string().min(1), unifiedId: z.string().min(1) }).strict(),
  }),
  z.object({
    type: z.literal('erasure.requested'),
    timestamp: z.iso.datetime({ offset: true }),
    data: z.object({ entityType: z.string().min(1), externalId: z.string().min(1) }).strict(),
  }),
]);
type Delivery = z.infer<typeof Delivery>;

const receiverError = (status: number, error: string): FakeResponse => ({ status, body: { error } });

const recordKeyOf = (entityType: string, externalId: string): string => `${entityType}/${externalId}`;

const apply = (delivery: Delivery, { records }: FakeContext): void => {
  const key = recordKeyOf(delivery.data.entityType, delivery.data.externalId);
  if (delivery.type === 'unified_id.assigned') records.patch(key, { unifiedId: delivery.data.unifiedId });
  else records.setState(key, 'erased');
};

const getRecord = ({ params }: FakeRequest, { records }: FakeContext): FakeResponse => {
  const record = records.find(recordKeyOf(params.entityType ?? '', params.externalId ?? ''));
  if (record === undefined) return receiverError(404, 'no such record');
  return { status: 200, body: { entityType: params.entityType, externalId: params.externalId, state: record.state, ...record.fields } };
};

export const createGenericFake = (options: { signingSecret?: string } = {}): FakeSystem => {
  const secrets = [options.signingSecret ?? SANDBOX_GENERIC_SIGNING_SECRET];
  const applied = new Set<string>();

  const receive = (request: FakeRequest, context: FakeContext): FakeResponse => {
    const verification = verifyStandardWebhook(
      { method: request.method, url: request.path, headers: request.headers, rawBody: Buffer.from(request.text, 'utf8') },
      { secrets, receivedAt: new Date() },
    );
    if (verification.kind === 'rejected') return receiverError(401, `${verification.reason}: ${verification.detail}`);
    const webhookId = request.headers['webhook-id'] as string;
    if (applied.has(webhookId)) return { status: 200, body: { status: 'duplicate' } };
    const delivery = Delivery.safeParse(request.body.kind === 'json' ? request.body.value : undefined);
    if (!delivery.success) return receiverError(400, `not a Concord delivery: ${delivery.error.issues[0]?.message ?? 'invalid'}`);
    apply(delivery.data, context);
    applied.add(webhookId);
    return { status: 200, body: { status: 'applied' } };
  };

  return {
    name: 'generic',
    error: receiverError,
    routes: [route('POST', '/webhook', receive), route('GET', '/records/:entityType/:externalId', getRecord)],
  };
};

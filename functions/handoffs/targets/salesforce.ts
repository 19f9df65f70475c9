/**
 * The CRM port over Salesforce's REST API, with the same credentials as the write-back adapter (an
 * OAuth access token for the instance URL, as Bearer) and the same error reading
 * (../../identity/writeback/vendors/salesforce.ts).
 *
 * upsertOpportunity: `PATCH /services/data/vXX.X/sobjects/Opportunity/Concord_Handoff_Key__c/<key>`,
 * Salesforce's upsert by external-id field: 201 when it created the record, 200 (API 46.0 and
 * later, with `created: false`) or 204 (earlier versions, no body) when it updated the one that has
 * the key. A repeated step therefore lands on the record an earlier attempt made. After a 204 the
 * id is read back by the key, as the answer carries none.
 *
 * updateOpportunity: `PATCH /services/data/vXX.X/sobjects/Opportunity/<id>` (204). Setting the same
 * values twice changes nothing, and the REST API has no idempotency header, so the port's key is
 * not sent.
 *
 * An owner given by email is resolved with a SOQL query on active Users; when no user has that
 * email the opportunity keeps the owner Salesforce gives it (the integration user) rather than
 * failing the step over an address nobody can fix from here.
 */
import { z } from 'zod';
import { exchangeForJson, joinUrl, jsonPayload, readJsonAnswer, vendorConfigSchema, type VendorFailure } from '../../identity/writeback/vendor-http';
import { describeSalesforceError, SALESFORCE_API_VERSION } from '../../identity/writeback/vendors/salesforce';
import type { CrmPort, TargetResult } from './ports';

export const SalesforceCrmConfig = vendorConfigSchema(z.object({ accessToken: z.string().min(1) })).extend({
  /** REST API version, e.g. "v62.0". */
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d$/)
    .default(SALESFORCE_API_VERSION),
  /** Where a person opens an opportunity, `{id}` standing for its id. */
  recordUrl: z.object({ Opportunity: z.string().includes('{id}') }),
  /** Whether the org has multiple currencies enabled: only then does an Opportunity have `CurrencyIsoCode`. */
  multiCurrency: z.boolean().default(true),
});
export type SalesforceCrmConfig = z.infer<typeof SalesforceCrmConfig>;

/** The Opportunity's external-id field that Concord's setup adds: the upsert key. */
export const SALESFORCE_HANDOFF_KEY_FIELD = 'Concord_Handoff_Key__c';

const UpsertAnswer = z.object({ id: z.string().min(15), created: z.boolean().optional() });
const FoundRecord = z.object({ Id: z.string().min(15) });
const UserQueryAnswer = z.object({ records: z.array(FoundRecord) });

type Lookup<T> = { status: 'read'; value: T } | VendorFailure;

/** A SOQL string literal's content: backslashes and quotes escaped, so an address cannot end the literal. */
const soqlString = (value: string): string => value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

export const createSalesforceCrm = (config: SalesforceCrmConfig): CrmPort => {
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };
  const reading = { describeError: describeSalesforceError };
  const dataUrl = (path: string): string => joinUrl(config.baseUrl, `/services/data/${config.apiVersion}${path}`);
  const byKey = (key: string): string => dataUrl(`/sobjects/Opportunity/${SALESFORCE_HANDOFF_KEY_FIELD}/${encodeURIComponent(key)}`);

  const opportunity = (id: string, existed: boolean): TargetResult => ({
    status: 'done',
    record: { system: 'crm', kind: 'Opportunity', id, url: config.recordUrl.Opportunity.replaceAll('{id}', encodeURIComponent(id)), existed },
  });

  /** The id of the active user with this email; undefined when there is none. */
  const findUserId = async (email: string | undefined): Promise<Lookup<string | undefined>> => {
    if (email === undefined) return { status: 'read', value: undefined };
    const soql = `SELECT Id FROM User WHERE Email = '${soqlString(email)}' AND IsActive = true LIMIT 1`;
    const answer = await exchangeForJson(config, { method: 'GET', url: dataUrl(`/query?q=${encodeURIComponent(soql)}`), headers }, reading);
    if (answer.status === 'failed') return answer;
    const read = readJsonAnswer(answer, UserQueryAnswer, 'a query result');
    return read.status === 'failed' ? read : { status: 'read', value: read.value.records[0]?.Id };
  };

  /** After a 204 (API before 46.0) the answer has no id: read it by the key. */
  const idByKey = async (key: string): Promise<Lookup<string>> => {
    const answer = await exchangeForJson(config, { method: 'GET', url: `${byKey(key)}?fields=Id`, headers }, reading);
    if (answer.status === 'failed') return answer;
    const read = readJsonAnswer(answer, FoundRecord, 'the opportunity id');
    return read.status === 'failed' ? read : { status: 'read', value: read.value.Id };
  };

  return {
    async upsertOpportunity(input) {
      const owner = await findUserId(input.ownerEmail);
      if (owner.status === 'failed') return owner;
      const fields = {
        AccountId: input.accountId,
        Name: input.name,
        Amount: input.amount,
        CloseDate: input.closeDate,
        StageName: input.stage,
        Type: input.type,
        ...(config.multiCurrency ? { CurrencyIsoCode: input.currency } : {}),
        ...(owner.value === undefined ? {} : { OwnerId: owner.value }),
        ...(input.description === undefined ? {} : { Description: input.description }),
      };
      const answer = await exchangeForJson(config, { method: 'PATCH', url: byKey(input.externalKey), ...jsonPayload(headers, fields) }, reading);
      if (answer.status === 'failed') return answer;
      if (answer.httpStatus === 204) {
        const found = await idByKey(input.externalKey);
        return found.status === 'failed' ? found : opportunity(found.value, true);
      }
      const read = readJsonAnswer(answer, UpsertAnswer, 'the upserted opportunity id');
      return read.status === 'failed' ? read : opportunity(read.value.id, answer.httpStatus !== 201);
    },

    async updateOpportunity({ id, fields }) {
      const owner = await findUserId(fields.ownerEmail);
      if (owner.status === 'failed') return owner;
      const changes = {
        ...(fields.description === undefined ? {} : { Description: fields.description }),
        ...(fields.leadSource === undefined ? {} : { LeadSource: fields.leadSource }),
        ...(fields.nextStep === undefined ? {} : { NextStep: fields.nextStep }),
        ...(owner.value === undefined ? {} : { OwnerId: owner.value }),
      };
      const answer = await exchangeForJson(config, { method: 'PATCH', url: dataUrl(`/sobjects/Opportunity/${encodeURIComponent(id)}`), ...jsonPayload(headers, changes) }, reading);
      return answer.status === 'failed' ? answer : opportunity(id, true);
    },
  };
};

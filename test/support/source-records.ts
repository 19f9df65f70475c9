/** Stored source records for tests of what is built from them (golden records, reports, Slack cards). */
import { formatSourceVersion, type SourceRecord } from '../../functions/shared/canonical';

/** The day the test records start from; `day` counts days after it. */
export const T0 = Date.UTC(2026, 0, 1);

export interface StoredRecordOptions {
  /** Days after T0 the record was last changed. */
  day?: number;
  status?: SourceRecord['status'];
  /** Per field path, the version that set it (none by default). */
  fieldVersions?: Record<string, string>;
}

/** A source record as the store holds it once reconcile applied its changes. */
export const storedRecord = (
  sourceSystem: SourceRecord['sourceSystem'],
  entityType: SourceRecord['entityType'],
  externalId: string,
  fields: Record<string, unknown>,
  { day = 0, status = 'active', fieldVersions = {} }: StoredRecordOptions = {},
): SourceRecord => {
  const version = formatSourceVersion(T0 + day * 86_400_000);
  return {
    sourceKey: `${sourceSystem}#${entityType}#${externalId}`,
    sourceSystem,
    entityType,
    externalId,
    fields,
    fieldVersions,
    version,
    status,
    statusVersion: version,
    lastEventId: `evt-${externalId}`,
    firstSeenAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    rev: 1,
  };
};

/** The version `day` days after T0. */
export const versionOnDay = (day: number): string => formatSourceVersion(T0 + day * 86_400_000);

/**
 * A fake of Asana's REST API (1.0) for onboarding projects, below `/asana/api/1.0`:
 * - `GET /project_templates/{gid}`, and `POST /project_templates/{gid}/instantiateProject`, which
 *   makes the project at once and answers 201 with a succeeded job naming it (`new_project`);
 * - `GET /jobs/{gid}`;
 * - `GET | PUT /projects/{gid}`: a PUT sets name, notes, owner (a user gid or email), dates, and
 *   `completed` (which stamps `completed_at`), the way a person closes an onboarding project;
 * - `GET /teams/{gid}/projects` and `GET /projects?team=|workspace=`: the listing, paged with
 *   `limit` (1–100) and an opaque `offset`.
 *
 * As Asana: a Bearer token is required (401 "Not Authorized"); bodies are `{ data: … }` and errors
 * `{ errors: [{ message, help }] }`; gids are digit strings (400 "Not a recognized ID" otherwise, 404
 * "Unknown object" for one that names nothing); a property the resource does not have is refused;
 * reads give the compact record (gid, resource_type, name) plus what `opt_fields` asks for, dotted
 * paths included (`owner.email`), and a single project's GET the whole record when none is asked.
 *
 * Two templates exist (their gids are exported) in one workspace and team; projects are stored as
 * `project/<gid>`, jobs as `job/<gid>`.
 */
import { createHash } from 'node:crypto';
import { bearerTokenOf, isFakeResponse, isPlainObject, jsonObjectOf, route, unknownKeys, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

export const ASANA_SANDBOX_WORKSPACE_GID = '1200000000000001';
export const ASANA_SANDBOX_TEAM_GID = '1200000000000002';
/** The standard onboarding plan. */
export const ASANA_ONBOARDING_TEMPLATE_GID = '1200000000000101';
/** The onboarding plan for large accounts: more sections, a longer run-up. */
export const ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID = '1200000000000102';

interface Template {
  gid: string;
  name: string;
  description: string;
  sections: string[];
}

const TEMPLATES: readonly Template[] = [
  { gid: ASANA_ONBOARDING_TEMPLATE_GID, name: 'Customer onboarding', description: 'Kickoff to go-live for a new customer.', sections: ['Kickoff', 'Setup', 'Training', 'Go-live'] },
  {
    gid: ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID,
    name: 'Enterprise onboarding',
    description: 'Onboarding with security review, integrations and a phased rollout.',
    sections: ['Kickoff', 'Security review', 'Integrations', 'Pilot', 'Rollout', 'Go-live'],
  },
];

/** The date variables every template has: Asana names the start date "1" and the due date "2". */
const REQUESTED_DATES = [
  { gid: '1', name: 'Start Date', description: 'The day the project starts' },
  { gid: '2', name: 'Due Date', description: 'The day the project is due' },
];

const GID = /^\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PAGE = 100;
const INSTANTIATE_FIELDS = new Set(['name', 'team', 'public', 'is_strict', 'requested_dates', 'requested_roles']);
const PROJECT_WRITABLE = new Set(['name', 'notes', 'owner', 'completed', 'start_on', 'due_on', 'archived', 'public', 'color']);
const HELP = 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';

export const asanaError = (status: number, message: string): FakeResponse => ({ status, body: { errors: [{ message, help: HELP }] } });

const ok = (data: unknown, status = 200): FakeResponse => ({ status, body: { data } });

/** A 16-digit gid, the shape Asana's have, unique within this fake. */
const gidMinter = (): (() => string) => {
  let next = 1_210_000_000_000_000;
  return () => String((next += 1));
};

/** Asana's users, as far as the sandbox knows them: anyone with an email, with a stable gid. */
const userOf = (identifier: string): Record<string, unknown> => {
  const email = identifier.includes('@') ? identifier.toLowerCase() : undefined;
  const gid = email === undefined ? identifier : `12${BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 12)}`).toString().padStart(14, '0')}`;
  return { gid, resource_type: 'user', name: email?.split('@')[0] ?? `User ${gid}`, ...(email === undefined ? {} : { email }) };
};

/** The compact record plus the asked fields; `owner.email` gives `owner: { gid, email }`. */
const selectFields = (full: Record<string, unknown>, optFields: string | null): Record<string, unknown> => {
  const selected: Record<string, unknown> = { gid: full.gid, resource_type: full.resource_type, name: full.name };
  for (const path of (optFields ?? '').split(',').map((field) => field.trim()).filter((field) => field !== '')) {
    const [head = '', ...rest] = path.split('.');
    if (!(head in full)) continue;
    const value = full[head];
    if (rest.length === 0 || !isPlainObject(value)) {
      selected[head] = value;
      continue;
    }
    const already = isPlainObject(selected[head]) ? (selected[head] as Record<string, unknown>) : { gid: value.gid };
    selected[head] = { ...already, ...selectFields(value, rest.join('.')) };
  }
  return selected;
};

const notAnId = (kind: string, gid: string): FakeResponse => asanaError(400, `${kind}: Not a recognized ID: ${gid}`);
const unknownObject = (gid: string): FakeResponse => asanaError(404, `Unknown object: ${gid}`);

const templateOf = (gid: string): Template | FakeResponse => {
  if (!GID.test(gid)) return notAnId('project_template', gid);
  return TEMPLATES.find((template) => template.gid === gid) ?? unknownObject(gid);
};

const templateBody = (template: Template) => ({
  gid: template.gid,
  resource_type: 'project_template',
  name: template.name,
  description: template.description,
  public: true,
  team: { gid: ASANA_SANDBOX_TEAM_GID, resource_type: 'team', name: 'Customer Success' },
  requested_dates: REQUESTED_DATES,
  requested_roles: [],
});

/** The live project a request names, or Asana's refusal. */
const projectAt = (records: RecordStore, gid: string): Record<string, unknown> | FakeResponse => {
  if (!GID.test(gid)) return notAnId('project', gid);
  const record = records.find(`project/${gid}`);
  return record === undefined || record.state !== 'live' ? unknownObject(gid) : record.fields;
};

/** The `data` object of a write, or the refusal of a body that has none. */
const dataOf = (request: FakeRequest): Record<string, unknown> | FakeResponse => {
  const data = jsonObjectOf(request)?.data;
  return isPlainObject(data) ? data : asanaError(400, 'data: Missing input');
};

/** The start date a request asks for, or the refusal of a date variable the template lacks. */
const requestedStart = (requested: unknown): { startOn: string | null; dueOn: string | null } | FakeResponse => {
  const dates: { startOn: string | null; dueOn: string | null } = { startOn: null, dueOn: null };
  if (requested === undefined) return dates;
  if (!Array.isArray(requested)) return asanaError(400, 'requested_dates: Value is not an array');
  for (const entry of requested) {
    if (!isPlainObject(entry) || typeof entry.gid !== 'string' || !REQUESTED_DATES.some((date) => date.gid === entry.gid)) {
      return asanaError(400, `requested_dates: Unknown date variable: ${JSON.stringify(isPlainObject(entry) ? entry.gid : entry)}`);
    }
    if (typeof entry.value !== 'string' || !DATE.test(entry.value) || Number.isNaN(Date.parse(entry.value))) return asanaError(400, `requested_dates: Invalid date: ${JSON.stringify(entry.value)}`);
    if (entry.gid === '1') dates.startOn = entry.value;
    else dates.dueOn = entry.value;
  }
  return dates;
};

const teamProblem = (team: unknown): FakeResponse | undefined => {
  if (team === undefined || team === ASANA_SANDBOX_TEAM_GID) return undefined;
  if (typeof team !== 'string' || !GID.test(team)) return notAnId('team', String(team));
  return unknownObject(team);
};

const instantiateProject =
  (mintGid: () => string) =>
  (request: FakeRequest, { records }: FakeContext): FakeResponse => {
    const template = templateOf(request.params.gid ?? '');
    if (isFakeResponse(template)) return template;
    const data = dataOf(request);
    if (isFakeResponse(data)) return data;
    const unknown = unknownKeys(data, INSTANTIATE_FIELDS)[0];
    if (unknown !== undefined) return asanaError(400, `${unknown}: Unknown property`);
    if (typeof data.name !== 'string' || data.name.trim() === '') return asanaError(400, 'name: Missing input');
    const teamRefusal = teamProblem(data.team);
    if (teamRefusal !== undefined) return teamRefusal;
    const dates = requestedStart(data.requested_dates);
    if (isFakeResponse(dates)) return dates;
    if (data.is_strict === true && dates.startOn === null) return asanaError(422, 'requested_dates: A value is required for every date variable when is_strict is true');

    const now = new Date().toISOString();
    const gid = mintGid();
    const host = request.headers.host ?? 'localhost';
    records.patch(`project/${gid}`, {
      gid,
      resource_type: 'project',
      name: data.name,
      notes: '',
      archived: false,
      color: 'light-green',
      completed: false,
      completed_at: null,
      created_at: now,
      modified_at: now,
      owner: null,
      public: data.public === true,
      start_on: dates.startOn,
      due_on: dates.dueOn,
      team: { gid: ASANA_SANDBOX_TEAM_GID, resource_type: 'team', name: 'Customer Success' },
      workspace: { gid: ASANA_SANDBOX_WORKSPACE_GID, resource_type: 'workspace', name: 'Concord sandbox' },
      permalink_url: `http://${host}/sandbox/asana/records/project/${gid}`,
      project_template: { gid: template.gid, name: template.name },
      sections: template.sections,
    });
    const jobGid = mintGid();
    const job = {
      gid: jobGid,
      resource_type: 'job',
      resource_subtype: 'instantiate_project',
      status: 'succeeded',
      new_project: { gid, resource_type: 'project', name: data.name },
      new_task: null,
      new_project_template: null,
    };
    records.patch(`job/${jobGid}`, job);
    return ok(selectFields(job, request.query.get('opt_fields') ?? 'status,new_project'), 201);
  };

const getJob = ({ params: { gid = '' } }: FakeRequest, { records }: FakeContext): FakeResponse => {
  if (!GID.test(gid)) return notAnId('job', gid);
  const job = records.find(`job/${gid}`);
  return job === undefined ? unknownObject(gid) : ok(job.fields);
};

const getProject = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const project = projectAt(records, request.params.gid ?? '');
  if (isFakeResponse(project)) return project;
  const optFields = request.query.get('opt_fields');
  return ok(optFields === null ? project : selectFields(project, optFields));
};

/** The project's fields after a PUT's `data`, or Asana's refusal of it. */
const updatedProject = (project: Record<string, unknown>, data: Record<string, unknown>, now: string): Record<string, unknown> | FakeResponse => {
  const unknown = unknownKeys(data, PROJECT_WRITABLE)[0];
  if (unknown !== undefined) return asanaError(400, `${unknown}: Unknown property`);
  const changes: Record<string, unknown> = { modified_at: now };
  for (const text of ['name', 'notes', 'color'] as const) {
    if (data[text] === undefined) continue;
    if (typeof data[text] !== 'string') return asanaError(400, `${text}: Value is not a string: ${JSON.stringify(data[text])}`);
    changes[text] = data[text];
  }
  for (const flag of ['archived', 'public'] as const) {
    if (data[flag] === undefined) continue;
    if (typeof data[flag] !== 'boolean') return asanaError(400, `${flag}: Value is not a boolean: ${JSON.stringify(data[flag])}`);
    changes[flag] = data[flag];
  }
  for (const day of ['start_on', 'due_on'] as const) {
    if (data[day] === undefined) continue;
    if (data[day] !== null && (typeof data[day] !== 'string' || !DATE.test(data[day]))) return asanaError(400, `${day}: Invalid date: ${JSON.stringify(data[day])}`);
    changes[day] = data[day];
  }
  if (data.owner !== undefined) {
    const owner = data.owner;
    if (owner !== null && (typeof owner !== 'string' || !(GID.test(owner) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(owner)))) return asanaError(400, `owner: Not a recognized ID: ${JSON.stringify(owner)}`);
    changes.owner = owner === null ? null : userOf(owner);
  }
  if (data.completed !== undefined) {
    if (typeof data.completed !== 'boolean') return asanaError(400, `completed: Value is not a boolean: ${JSON.stringify(data.completed)}`);
    // Completing stamps the time once; re-completing keeps the first stamp, reopening clears it.
    changes.completed = data.completed;
    changes.completed_at = data.completed ? (project.completed === true ? project.completed_at : now) : null;
  }
  return { ...project, ...changes };
};

const putProject = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const gid = request.params.gid ?? '';
  const project = projectAt(records, gid);
  if (isFakeResponse(project)) return project;
  const data = dataOf(request);
  if (isFakeResponse(data)) return data;
  const updated = updatedProject(project, data, new Date().toISOString());
  if (isFakeResponse(updated)) return updated;
  return ok(records.patch(`project/${gid}`, updated).fields);
};

/** One page of the team's projects: `offset` is the base64 of the index the page starts at. */
const listProjects = (request: FakeRequest, records: RecordStore, team: string): FakeResponse => {
  const limitText = request.query.get('limit');
  const limit = limitText === null ? Number.POSITIVE_INFINITY : Number(limitText);
  if (limitText !== null && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE)) return asanaError(400, `limit: Value ${limitText} is not in range [1, ${MAX_PAGE}]`);
  const offsetText = request.query.get('offset');
  const start = offsetText === null ? 0 : Number(Buffer.from(offsetText, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) return asanaError(400, 'offset: Your pagination token is invalid');
  const archived = request.query.get('archived');

  const projects = records
    .list()
    .filter((record) => record.key.startsWith('project/') && record.state === 'live')
    .map((record) => record.fields)
    .filter((project) => (project.team as { gid: string }).gid === team && (archived === null || String(project.archived) === archived));
  const page = projects.slice(start, start + limit);
  const body: Record<string, unknown> = { data: page.map((project) => selectFields(project, request.query.get('opt_fields'))) };
  if (Number.isFinite(limit)) {
    const nextStart = start + page.length;
    const offset = Buffer.from(String(nextStart)).toString('base64url');
    const path = `/teams/${team}/projects?limit=${limit}&offset=${offset}`;
    body.next_page = nextStart < projects.length ? { offset, path, uri: `http://${request.headers.host ?? 'localhost'}/asana/api/1.0${path}` } : null;
  }
  return { status: 200, body };
};

const teamProjects = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const refusal = teamProblem(request.params.gid);
  return refusal ?? listProjects(request, records, ASANA_SANDBOX_TEAM_GID);
};

const projectsQuery = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const team = request.query.get('team');
  const workspace = request.query.get('workspace');
  if (team === null && workspace === null) return asanaError(400, 'workspace: Missing input');
  if (team !== null) return teamProjects({ ...request, params: { gid: team } }, { records });
  if (workspace !== ASANA_SANDBOX_WORKSPACE_GID) return GID.test(workspace ?? '') ? unknownObject(workspace ?? '') : notAnId('workspace', workspace ?? '');
  return listProjects(request, records, ASANA_SANDBOX_TEAM_GID);
};

const getTemplate = ({ params: { gid = '' } }: FakeRequest): FakeResponse => {
  const template = templateOf(gid);
  return isFakeResponse(template) ? template : ok(templateBody(template));
};

export interface AsanaFakeOptions {
  /** The only token accepted; any Bearer token when unset. */
  accessToken?: string;
}

export const createAsanaFake = (options: AsanaFakeOptions = {}): FakeSystem => {
  const mintGid = gidMinter();
  const api = '/api/1.0';
  return {
    name: 'asana',
    error: (status, message) => asanaError(status, message),
    authenticate: (request) => {
      const token = bearerTokenOf(request);
      return token === undefined || (options.accessToken !== undefined && token !== options.accessToken) ? asanaError(401, 'Not Authorized') : undefined;
    },
    routes: [
      route('GET', `${api}/project_templates/:gid`, getTemplate),
      route('POST', `${api}/project_templates/:gid/instantiateProject`, instantiateProject(mintGid)),
      route('GET', `${api}/jobs/:gid`, getJob),
      route('GET', `${api}/projects`, projectsQuery),
      route('GET', `${api}/projects/:gid`, getProject),
      route('PUT', `${api}/projects/:gid`, putProject),
      route('GET', `${api}/teams/:gid/projects`, teamProjects),
    ],
  };
};

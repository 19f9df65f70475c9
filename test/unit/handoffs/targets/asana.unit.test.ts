/**
 * The Asana PM adapter against the sandbox's Asana, over real HTTP: a project from a template exists
 * once however often a step asks, because the adapter looks for its reference before creating;
 * completion is read back; a PM tool that fails, hangs or is slow is a classified failure.
 */
import { createAsanaPm, projectNameFor } from '../../../../functions/handoffs/targets/asana';
import type { PmPort } from '../../../../functions/handoffs/targets/ports';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID, ASANA_ONBOARDING_TEMPLATE_GID, ASANA_SANDBOX_TEAM_GID, createAsanaFake } from '../../../../local/sandbox/targets/asana';
import { heldRequestAnswered, recordsOfType } from './erp-crm-sandbox';
import { callSandbox, faultingFirst, orderTargetFault } from './pm-calendar-email-sandbox';

const SYSTEM = 'asana';
const TOKEN = '2/1200000000000009/1210000000000001:sandboxtoken';
const DEADLINE_MS = 300;
const ROOMY_DEADLINE_MS = 5_000;
const PROJECT_URL = 'https://app.asana.com/0/{id}/list';

let sandbox: RunningSandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ systems: [createAsanaFake({ accessToken: TOKEN })] });
});
afterEach(() => sandbox.stop());

const pmWith = (overrides: { timeoutMs?: number; fetch?: typeof fetch; accessToken?: string } = {}): PmPort =>
  createAsanaPm({
    baseUrl: `${sandbox.url}/${SYSTEM}/api/1.0`,
    credentials: { accessToken: overrides.accessToken ?? TOKEN },
    teamGid: ASANA_SANDBOX_TEAM_GID,
    projectUrl: PROJECT_URL,
    timeoutMs: overrides.timeoutMs ?? ROOMY_DEADLINE_MS,
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
  });

const onboarding = (externalRef = 'handoff-7f3a:project') => ({
  externalRef,
  templateId: ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID,
  name: 'Acme Robotics onboarding',
  ownerEmail: 'Dana.CSM@concord.example',
  startOn: '2025-04-07',
  notes: 'Closed-won 2025-03-31: Platform (annual) ×1, Onboarding ×1.',
});

const projects = () => recordsOfType(sandbox, SYSTEM, 'project');

const asPerson = (method: string, path: string, body?: unknown) => callSandbox(sandbox, method, `/${SYSTEM}/api/1.0${path}`, body, { authorization: `Bearer ${TOKEN}` });

const requestLines = () => sandbox.requests(SYSTEM).map((r) => `${r.method} ${r.path} ${r.response?.status ?? '-'}`);

describe('creating a project from a template', () => {
  it('instantiates the template with the reference in the name, then sets notes and owner', async () => {
    const result = await pmWith().createProjectFromTemplate(onboarding());

    if (result.status !== 'done') throw new Error(result.detail);
    const gid = result.record.id;
    expect(result.record).toEqual({ system: 'pm', kind: 'project', id: gid, url: `https://app.asana.com/0/${gid}/list`, existed: false });
    expect(requestLines()).toEqual([
      `GET /api/1.0/teams/${ASANA_SANDBOX_TEAM_GID}/projects 200`,
      `POST /api/1.0/project_templates/${ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID}/instantiateProject 201`,
      `PUT /api/1.0/projects/${gid} 200`,
    ]);
    const [project] = await projects();
    expect(project?.fields).toMatchObject({
      name: 'Acme Robotics onboarding [handoff-7f3a:project]',
      notes: 'Closed-won 2025-03-31: Platform (annual) ×1, Onboarding ×1.\n\nConcord ref: handoff-7f3a:project',
      owner: { email: 'dana.csm@concord.example' },
      start_on: '2025-04-07',
      completed: false,
      project_template: { gid: ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID },
      sections: expect.arrayContaining(['Security review', 'Go-live']),
    });
  });

  it('finds the project on a repeat and creates nothing', async () => {
    const pm = pmWith();
    const first = await pm.createProjectFromTemplate(onboarding());
    const before = sandbox.requests(SYSTEM).length;
    const again = await pm.createProjectFromTemplate(onboarding());

    expect(again).toEqual({ status: 'done', record: { ...(first as { record: object }).record, existed: true } });
    expect(requestLines().slice(before)).toEqual([`GET /api/1.0/teams/${ASANA_SANDBOX_TEAM_GID}/projects 200`]);
    expect(await projects()).toHaveLength(1);
  });

  it('looks through every page of the team’s listing, and tells projects apart by their reference', async () => {
    for (let index = 0; index < 104; index += 1) {
      const name = projectNameFor(`Other customer ${index} onboarding`, `handoff-${index}:project`);
      await asPerson('POST', `/project_templates/${ASANA_ONBOARDING_TEMPLATE_GID}/instantiateProject`, { data: { name, team: ASANA_SANDBOX_TEAM_GID } });
    }
    const pm = pmWith();
    const seeded = sandbox.requests(SYSTEM).length;

    const made = await pm.createProjectFromTemplate(onboarding());
    const found = await pm.createProjectFromTemplate(onboarding());

    const listings = sandbox.requests(SYSTEM).slice(seeded).filter((r) => r.method === 'GET');
    expect(listings.map((r) => r.query.offset === undefined)).toEqual([true, false, true, false]);
    expect(made).toMatchObject({ status: 'done', record: { existed: false } });
    expect(found).toEqual({ status: 'done', record: { ...(made as { record: object }).record, existed: true } });
    expect(await projects()).toHaveLength(105);
  });

  it('finds a project a person renamed, by the reference in its notes', async () => {
    const pm = pmWith();
    const first = await pm.createProjectFromTemplate(onboarding());
    const gid = first.status === 'done' ? first.record.id : '';
    await asPerson('PUT', `/projects/${gid}`, { data: { name: 'Acme — onboarding (phase 1)' } });

    expect(await pm.createProjectFromTemplate(onboarding())).toMatchObject({ status: 'done', record: { id: gid, existed: true } });
    expect(await projects()).toHaveLength(1);
  });

  it('completes the details on a retry when the attempt that made the project stopped before them', async () => {
    const failingPut = pmWith({ fetch: faultingFirst(sandbox, SYSTEM, 'PUT', { mode: 'fail', status: 503 }) });
    const stopped = await failingPut.createProjectFromTemplate(onboarding());
    const [bare] = await projects();
    const retried = await pmWith().createProjectFromTemplate(onboarding());

    expect(stopped).toMatchObject({ status: 'failed', retryable: true, request: { method: 'PUT' } });
    expect(bare?.fields).toMatchObject({ name: projectNameFor('Acme Robotics onboarding', 'handoff-7f3a:project'), notes: '', owner: null });
    expect(retried).toMatchObject({ status: 'done', record: { id: bare?.fields.gid, existed: true } });
    const [project] = await projects();
    expect(project?.fields).toMatchObject({ notes: expect.stringContaining('Concord ref: handoff-7f3a:project'), owner: { email: 'dana.csm@concord.example' } });
  });

  it('leaves a found project’s notes alone once its details were applied', async () => {
    const pm = pmWith();
    const first = await pm.createProjectFromTemplate(onboarding());
    const gid = first.status === 'done' ? first.record.id : '';
    const edited = 'Kickoff moved to week 2.\n\nConcord ref: handoff-7f3a:project';
    await asPerson('PUT', `/projects/${gid}`, { data: { notes: edited } });

    await pm.createProjectFromTemplate(onboarding());
    const [project] = await projects();
    expect(project?.fields.notes).toBe(edited);
  });

  it('refuses a template Asana does not have as a permanent failure', async () => {
    const result = await pmWith().createProjectFromTemplate({ ...onboarding(), templateId: '1200000000000999' });
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 404: Unknown object: 1200000000000999' });
  });
});

describe('reading whether a project is completed', () => {
  it('reads open, then completed with its time once a person completes it', async () => {
    const pm = pmWith();
    const made = await pm.createProjectFromTemplate(onboarding());
    const gid = made.status === 'done' ? made.record.id : '';

    const open = await pm.projectStatus(gid);
    await asPerson('PUT', `/projects/${gid}`, { data: { completed: true } });
    const completed = await pm.projectStatus(gid);

    expect(open).toEqual({ status: 'done', value: { completed: false, url: `https://app.asana.com/0/${gid}/list` } });
    expect(completed).toEqual({ status: 'done', value: { completed: true, completedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), url: `https://app.asana.com/0/${gid}/list` } });
  });

  it('reports a project Asana does not know as a permanent failure', async () => {
    expect(await pmWith().projectStatus('1299999999999999')).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 404: Unknown object: 1299999999999999' });
  });
});

describe('a PM tool that fails, hangs or is slow', () => {
  it('reports 503 as retryable and 400 as permanent, in Asana’s words', async () => {
    const pm = pmWith();
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 503, times: 1 });
    const unavailable = await pm.createProjectFromTemplate(onboarding());
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 400, times: 1 });
    const refused = await pm.createProjectFromTemplate(onboarding());

    expect(unavailable).toMatchObject({ status: 'failed', retryable: true, detail: 'HTTP 503: fault injected by the sandbox (HTTP 503)' });
    expect(refused).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: fault injected by the sandbox (HTTP 400)' });
    expect(await projects()).toHaveLength(0);
  });

  it('gives up at its deadline on a PM tool that never answers, and calls that retryable', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'timeout', times: 1 });
    const result = await pmWith({ timeoutMs: DEADLINE_MS }).createProjectFromTemplate(onboarding());
    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: `no answer within ${DEADLINE_MS} ms` });
  });

  it('finds the project a timed-out instantiation made, when the retry comes', async () => {
    const slow = pmWith({ timeoutMs: DEADLINE_MS, fetch: faultingFirst(sandbox, SYSTEM, 'POST', { mode: 'slow', delayMs: DEADLINE_MS + 300 }) });
    const timedOut = await slow.createProjectFromTemplate(onboarding());
    await heldRequestAnswered(sandbox, SYSTEM);
    const retried = await pmWith().createProjectFromTemplate(onboarding());

    expect(timedOut).toMatchObject({ status: 'failed', retryable: true, request: { method: 'POST' } });
    expect(retried).toMatchObject({ status: 'done', record: { existed: true } });
    expect(await projects()).toHaveLength(1);
    expect((await projects())[0]?.fields.notes).toContain('Concord ref: handoff-7f3a:project');
  });

  it('fails permanently with a token Asana does not take', async () => {
    const result = await pmWith({ accessToken: '2/revoked' }).createProjectFromTemplate(onboarding());
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 401: Not Authorized' });
  });
});

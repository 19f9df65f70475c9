/**
 * Asana (REST API 1.0) as the handoffs' PM tool, with a personal access token or OAuth token as
 * Bearer. Bodies are `{ data: … }`; errors `{ errors: [{ message }] }`.
 *
 * A project from a template is `POST /project_templates/{gid}/instantiateProject`, which answers
 * 201 with a job; the job's `new_project` names the project at once while Asana fills in the
 * template's sections and tasks in the background. Its body takes a name, the team and the
 * template's date variables (gid "1" is the start date) — no notes and no owner — so those follow
 * with `PUT /projects/{gid}`.
 *
 * Asana has no idempotency key, so the external reference is put where a later attempt can find it:
 * - the project's name ends with `[<externalRef>]`: the name is set by the instantiation itself,
 *   so a project can never exist without its reference;
 * - the notes end with a `Concord ref: <externalRef>` line, written by the PUT: it tells a found
 *   project whose notes and owner were applied (leave them, a person may have edited them since)
 *   from one whose earlier attempt stopped between the two calls (apply them now). It also finds a
 *   project a person renamed afterwards.
 * Before creating, the adapter lists the team's projects (`GET /teams/{gid}/projects`, paged, with
 * `opt_fields`) and looks for the reference.
 *
 * What remains is a race: two attempts that both look before either creates make two projects.
 * The executor claims each step with a conditional write, so one step never has two attempts in
 * flight; lookup-first covers the sequential case — a retry after a crash, a timeout, or an answer
 * that was lost — which is the one that happens.
 */
import { z } from 'zod';
import { errorDescriber, exchangeForJson, joinUrl, jsonPayload, readJsonAnswer, vendorConfigSchema } from '../../identity/writeback/vendor-http';
import type { LookupResult, PmPort, TargetFailure, TargetResult } from './ports';

export const ASANA_API_URL = 'https://app.asana.com/api/1.0';

export const AsanaPmConfig = vendorConfigSchema(z.object({ accessToken: z.string().min(1) })).extend({
  baseUrl: z.url().default(ASANA_API_URL),
  /** The team new projects belong to, and whose projects the lookup lists. */
  teamGid: z.string().regex(/^\d+$/),
  /** Where a person opens a project; `{id}` is its gid. */
  projectUrl: z.string().includes('{id}').default('https://app.asana.com/0/{id}/list'),
});
export type AsanaPmConfig = z.infer<typeof AsanaPmConfig>;

/** Asana's date variable for a project's start date, in every template that has one. */
const START_DATE_VARIABLE = '1';
const PAGE_SIZE = 100;
const LISTED_FIELDS = 'name,notes';

const AsanaError = z.object({ errors: z.array(z.object({ message: z.string() })).min(1) });
const describeAsanaError = errorDescriber(AsanaError, (e) => e.errors.map((error) => error.message).join('; '));

const ProjectPage = z.object({
  data: z.array(z.object({ gid: z.string(), name: z.string(), notes: z.string().default('') })),
  next_page: z.object({ offset: z.string() }).nullish(),
});
type ListedProject = z.infer<typeof ProjectPage>['data'][number];

const InstantiationJob = z.object({ data: z.object({ new_project: z.object({ gid: z.string() }) }) });

const ProjectStatus = z.object({
  data: z.object({ completed: z.boolean(), completed_at: z.string().nullish() }),
});

/** The name a project is created with: the reference is in it from the first moment the project exists. */
export const projectNameFor = (name: string, externalRef: string): string => `${name} [${externalRef}]`;

const refLineFor = (externalRef: string): string => `Concord ref: ${externalRef}`;

const notesFor = (notes: string, externalRef: string): string => [notes.trimEnd(), refLineFor(externalRef)].filter((part) => part !== '').join('\n\n');

const hasRefLine = (notes: string, externalRef: string): boolean => notes.split('\n').some((line) => line.trim() === refLineFor(externalRef));

const holdsRef = (project: ListedProject, externalRef: string): boolean => project.name.endsWith(`[${externalRef}]`) || hasRefLine(project.notes, externalRef);

export const createAsanaPm = (input: z.input<typeof AsanaPmConfig>): PmPort => {
  const config = AsanaPmConfig.parse(input);
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };
  const reading = { describeError: describeAsanaError };
  const url = (path: string): string => joinUrl(config.baseUrl, path);
  const linkOf = (gid: string): string => config.projectUrl.replaceAll('{id}', encodeURIComponent(gid));

  /** The team's project carrying the reference, undefined when none does, or why the listing failed. */
  const findProject = async (externalRef: string): Promise<{ status: 'found'; project: ListedProject | undefined } | TargetFailure> => {
    let offset: string | undefined;
    do {
      const query = new URLSearchParams({ opt_fields: LISTED_FIELDS, limit: String(PAGE_SIZE), ...(offset === undefined ? {} : { offset }) });
      const answer = await exchangeForJson(config, { method: 'GET', url: url(`/teams/${config.teamGid}/projects?${query}`), headers }, reading);
      if (answer.status === 'failed') return answer;
      const page = readJsonAnswer(answer, ProjectPage, 'a page of projects');
      if (page.status === 'failed') return page;
      const project = page.value.data.find((candidate) => holdsRef(candidate, externalRef));
      if (project !== undefined) return { status: 'found', project };
      offset = page.value.next_page?.offset;
    } while (offset !== undefined);
    return { status: 'found', project: undefined };
  };

  /** Notes and owner: what instantiation cannot set. Asana takes a user's email wherever it takes a user. */
  const applyDetails = async (gid: string, details: { notes: string; ownerEmail?: string; externalRef: string }): Promise<TargetFailure | undefined> => {
    const data = { notes: notesFor(details.notes, details.externalRef), ...(details.ownerEmail === undefined ? {} : { owner: details.ownerEmail }) };
    const answer = await exchangeForJson(config, { method: 'PUT', url: url(`/projects/${gid}`), ...jsonPayload(headers, { data }) }, reading);
    return answer.status === 'failed' ? answer : undefined;
  };

  const done = (gid: string, existed: boolean): TargetResult => ({ status: 'done', record: { system: 'pm', kind: 'project', id: gid, url: linkOf(gid), existed } });

  return {
    async createProjectFromTemplate({ externalRef, templateId, name, ownerEmail, startOn, notes }) {
      const found = await findProject(externalRef);
      if (found.status === 'failed') return found;
      if (found.project !== undefined) {
        // The ref line is written last: without it, the attempt that created the project stopped before its details.
        const failure = hasRefLine(found.project.notes, externalRef) ? undefined : await applyDetails(found.project.gid, { notes, ownerEmail, externalRef });
        return failure ?? done(found.project.gid, true);
      }

      const body = { data: { name: projectNameFor(name, externalRef), team: config.teamGid, requested_dates: [{ gid: START_DATE_VARIABLE, value: startOn }] } };
      const answer = await exchangeForJson(
        config,
        { method: 'POST', url: url(`/project_templates/${encodeURIComponent(templateId)}/instantiateProject?opt_fields=new_project`), ...jsonPayload(headers, body) },
        reading,
      );
      if (answer.status === 'failed') return answer;
      const job = readJsonAnswer(answer, InstantiationJob, 'a job with its new_project');
      if (job.status === 'failed') return job;
      const gid = job.value.data.new_project.gid;
      return (await applyDetails(gid, { notes, ownerEmail, externalRef })) ?? done(gid, false);
    },

    async projectStatus(gid): Promise<LookupResult<{ completed: boolean; completedAt?: string; url?: string }>> {
      const answer = await exchangeForJson(config, { method: 'GET', url: url(`/projects/${encodeURIComponent(gid)}?opt_fields=completed,completed_at`), headers }, reading);
      if (answer.status === 'failed') return answer;
      const project = readJsonAnswer(answer, ProjectStatus, 'a project');
      if (project.status === 'failed') return project;
      const { completed, completed_at: completedAt } = project.value.data;
      return { status: 'done', value: { completed, ...(completedAt ? { completedAt } : {}), url: linkOf(gid) } };
    },
  };
};

/**
 * The workspace the local Slack pretends to be: its team, the Concord app installed in it, its
 * people, user groups and channels. The default seed is what `npm start` and the tests meet; a
 * test passes its own seed (built from `defaultWorkspaceSeed()` or from scratch) to meet another.
 *
 * The seed is parsed once, here, so a typo in a hand-written seed (a member who does not exist,
 * an id Slack would never issue, a time zone Intl does not know) stops the emulator at creation
 * instead of surfacing later as a puzzling `user_not_found`.
 */
import { z } from 'zod';

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const SeedTeam = z.object({
  id: z.string().regex(/^T[A-Z0-9]{2,}$/),
  name: z.string().min(1),
  /** `<domain>.slack.com`; also the `team_domain` of slash commands. */
  domain: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
});
export type SeedTeam = z.infer<typeof SeedTeam>;

export const SeedApp = z.object({
  appId: z.string().regex(/^A[A-Z0-9]{2,}$/),
  botId: z.string().regex(/^B[A-Z0-9]{2,}$/),
  botUserId: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
  /** The bot user's handle and the app's display name. */
  name: z.string().min(1),
});
export type SeedApp = z.infer<typeof SeedApp>;

export const SeedUser = z.object({
  id: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
  /** The handle (`user_name` in slash commands). */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  realName: z.string().min(1),
  email: z.email().optional(),
  title: z.string().default(''),
  isAdmin: z.boolean().default(false),
  isOwner: z.boolean().default(false),
  tz: z.string().refine(isTimeZone, 'not a time zone Intl knows').default('America/New_York'),
});
export type SeedUser = z.infer<typeof SeedUser>;

export const SeedUserGroup = z.object({
  id: z.string().regex(/^S[A-Z0-9]{2,}$/),
  /** Mentioned as `@handle`. */
  handle: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string().min(1),
  description: z.string().default(''),
  users: z.array(z.string()),
});
export type SeedUserGroup = z.infer<typeof SeedUserGroup>;

export const SeedChannel = z.object({
  id: z.string().regex(/^[CG][A-Z0-9]{2,}$/),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/),
  isPrivate: z.boolean().default(false),
  topic: z.string().default(''),
  purpose: z.string().default(''),
  /** User ids, the bot user's included where the app was invited. */
  members: z.array(z.string()),
});
export type SeedChannel = z.infer<typeof SeedChannel>;

export const WorkspaceSeed = z
  .object({
    team: SeedTeam,
    app: SeedApp,
    users: z.array(SeedUser).min(1),
    userGroups: z.array(SeedUserGroup).default([]),
    channels: z.array(SeedChannel).default([]),
  })
  .superRefine((seed, context) => {
    const userIds = new Set(seed.users.map((user) => user.id));
    const seen = new Set<string>();
    for (const id of [seed.app.botUserId, ...seed.users.map((u) => u.id), ...seed.userGroups.map((g) => g.id), ...seed.channels.map((c) => c.id)]) {
      if (seen.has(id)) context.addIssue({ code: 'custom', message: `the id ${id} is used twice` });
      seen.add(id);
    }
    const channelNames = new Set<string>();
    for (const [index, channel] of seed.channels.entries()) {
      if (channelNames.has(channel.name)) context.addIssue({ code: 'custom', path: ['channels', index, 'name'], message: `two channels are named #${channel.name}` });
      channelNames.add(channel.name);
      for (const member of channel.members) {
        if (member !== seed.app.botUserId && !userIds.has(member)) context.addIssue({ code: 'custom', path: ['channels', index, 'members'], message: `no user ${member}` });
      }
    }
    for (const [index, group] of seed.userGroups.entries()) {
      for (const member of group.users) if (!userIds.has(member)) context.addIssue({ code: 'custom', path: ['userGroups', index, 'users'], message: `no user ${member}` });
    }
  });
/** A seed as written, with defaults still to fill. */
export type WorkspaceSeedInput = z.input<typeof WorkspaceSeed>;
export type Workspace = z.infer<typeof WorkspaceSeed>;

export const parseWorkspaceSeed = (seed: WorkspaceSeedInput): Workspace => {
  const parsed = WorkspaceSeed.safeParse(seed);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`local Slack: the workspace seed is invalid: ${issues}`);
  }
  return parsed.data;
};

/** The steward who may decide merge proposals (through the `data-stewards` user group). */
export const STEWARD_USER_ID = 'U0STEWARD';
/** Someone who may look customers up but not decide merges. */
export const NON_STEWARD_USER_ID = 'U0SALES';
export const ADMIN_USER_ID = 'U0ADMIN';
export const STEWARDS_GROUP_ID = 'S0STEWARDS';

/**
 * Team `T0CONCORD` with a steward, a seller, a CS manager and an admin; the stewards' user
 * group; and the four channels Concord posts to, each with the bot and everyone in it (so the
 * console can show a non-steward clicking Approve in #data-stewards and being refused).
 */
export const defaultWorkspaceSeed = (): WorkspaceSeedInput => {
  const users: WorkspaceSeedInput['users'] = [
    { id: STEWARD_USER_ID, name: 'dana.steward', realName: 'Dana Steward', email: 'dana.steward@concord.example', title: 'Data steward', tz: 'America/New_York' },
    { id: NON_STEWARD_USER_ID, name: 'sam.seller', realName: 'Sam Seller', email: 'sam.seller@concord.example', title: 'Account executive', tz: 'America/Los_Angeles' },
    { id: 'U0SUCCESS', name: 'casey.success', realName: 'Casey Success', email: 'casey.success@concord.example', title: 'Customer success manager', tz: 'Europe/London' },
    { id: ADMIN_USER_ID, name: 'alex.admin', realName: 'Alex Admin', email: 'alex.admin@concord.example', title: 'Revenue operations', isAdmin: true, isOwner: true, tz: 'America/Chicago' },
  ];
  const everyone = ['U0CONCORDBOT', ...users.map((user) => user.id)];
  return {
    team: { id: 'T0CONCORD', name: 'Concord (local)', domain: 'concord-local' },
    app: { appId: 'A0CONCORD', botId: 'B0CONCORD', botUserId: 'U0CONCORDBOT', name: 'concord' },
    users,
    userGroups: [{ id: STEWARDS_GROUP_ID, handle: 'data-stewards', name: 'Data stewards', description: 'Decide merge proposals', users: [STEWARD_USER_ID] }],
    channels: [
      { id: 'C0STEWARDS', name: 'data-stewards', purpose: 'Merge proposals and the daily digest of automatic merges', members: everyone },
      { id: 'C0HANDOFFS', name: 'handoffs', purpose: 'Closed-won to onboarding to customer success', members: everyone },
      { id: 'C0CUSTSUCCESS', name: 'customer-success', purpose: 'Health scores and at-risk accounts', members: everyone },
      { id: 'C0ALERTS', name: 'concord-alerts', purpose: 'Exceptions Concord needs a person for', members: everyone },
    ],
  };
};

/** The fakes of the handoffs' PM tool, calendar and email, fresh (empty state) on every call. */
import type { FakeSystem } from '../fake-system';
import { createAsanaFake } from './asana';
import { createGoogleCalendarFake } from './google-calendar';
import { createSesFake } from './ses';

export const handoffTargetFakes = (): FakeSystem[] => [createAsanaFake(), createGoogleCalendarFake(), createSesFake()];

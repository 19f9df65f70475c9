/** Helpers for tests that talk to the local Slack (local/slack/) through the real WebClient. */
import { ErrorCode, LogLevel, type Logger, type WebAPIPlatformError } from '@slack/web-api';

/** For WebClient and Bolt: the refusals tests provoke on purpose would otherwise fill the output. */
export const quietSlackLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };

/** The `ok: false` answer a Web API call was refused with, as WebClient raised it (its platform error). */
export const slackRefusal = async (call: Promise<unknown>): Promise<WebAPIPlatformError['data']> => {
  const error = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  expect(error.code).toBe(ErrorCode.PlatformError);
  return error.data;
};

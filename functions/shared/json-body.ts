/** An SQS body as JSON, or undefined when it is not JSON: the envelope schema then says what is wrong. */
export const parseJsonBody = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

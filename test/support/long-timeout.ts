// Integration and e2e tests start servers and child processes; give them time on a busy machine.
jest.setTimeout(90_000);
